//! Golden files (STYLE G11): for every `fixtures/csv/<name>.csv`, the parsed
//! records (`<name>.record.json`) and both renderings (`<name>.google.csv`,
//! `<name>.outlook.csv`). Rewritten only with `UPDATE_EXPECT=1`.
//!
//! expect-test reads golden files with `\r\n` turned into `\n`, so the
//! rendered CSV is compared with its line ends normalized the same way; the
//! CRLF line ends themselves are checked by `rendered_rows_end_in_crlf`.

mod csv_support;

use csv_support::{input_fixtures, parse_file};
use expect_test::expect_file;
use pimgate::adapters::csv::{CsvDialect, render};

fn sibling(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).expect("fixture name");
    path.with_file_name(format!("{stem}{suffix}"))
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("UTF-8 output").replace("\r\n", "\n")
}

#[test]
fn rendered_rows_end_in_crlf() {
    let records = parse_file(&csv_support::fixture("apple.csv"));
    for dialect in [CsvDialect::Google, CsvDialect::Outlook] {
        let bytes = render(&records, dialect).expect("renders");
        let lf = bytes.iter().filter(|b| **b == b'\n').count();
        let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
        assert_eq!((lf, crlf), (2, 2), "{dialect:?}");
    }
}

#[test]
fn parsed_records_match_their_golden_json() {
    for path in input_fixtures() {
        let records = parse_file(&path);
        let json = serde_json::to_string_pretty(&records).expect("records serialize") + "\n";
        expect_file![sibling(&path, ".record.json")].assert_eq(&json);
    }
}

#[test]
fn google_rendering_matches_its_golden_csv() {
    for path in input_fixtures() {
        let bytes = render(&parse_file(&path), CsvDialect::Google).expect("renders");
        expect_file![sibling(&path, ".google.csv")].assert_eq(&text(bytes));
    }
}

#[test]
fn outlook_rendering_matches_its_golden_csv() {
    for path in input_fixtures() {
        let bytes = render(&parse_file(&path), CsvDialect::Outlook).expect("renders");
        expect_file![sibling(&path, ".outlook.csv")].assert_eq(&text(bytes));
    }
}
