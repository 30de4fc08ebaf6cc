//! The vCard adapter against every vCard file of the real-world corpus:
//! no panics, unchanged cards render back byte for byte, the round-trip law
//! `parse(render(parse(x))) == parse(x)` for 3.0 and 4.0, 3.0 → 4.0 → 3.0
//! keeps every property, and malformed input loses nothing silently.

mod common;

use pimgate::adapters::contentline::Lexer;
use pimgate::adapters::vcard::{self, VCardVersion};
use pimgate::universal::{Prop, PropName, Record, SourceFormat, Value};

/// The properties that must survive a round trip: all but VERSION, which
/// render rewrites (and adds to cards that had none).
fn content(record: &Record) -> Vec<&Prop> {
    record
        .root
        .props
        .iter()
        .filter(|p| *p.name() != PropName::Version)
        .collect()
}

fn assert_same(name: &str, what: &str, expected: &Record, actual: &Record) {
    let (a, b) = (content(expected), content(actual));
    for (x, y) in a.iter().zip(&b) {
        assert!(
            x.same_content(y),
            "{name}: {what}: property changed\n  before: {x:?}\n  after:  {y:?}"
        );
    }
    assert_eq!(a.len(), b.len(), "{name}: {what}: property count changed");
}

fn reparse_one(name: &str, what: &str, bytes: &[u8]) -> Record {
    let mut records = vcard::parse(bytes).unwrap_or_else(|e| {
        panic!(
            "{name}: {what}: output does not parse: {e}\n{}",
            String::from_utf8_lossy(bytes)
        )
    });
    assert_eq!(records.len(), 1, "{name}: {what}: one card in, one card out");
    records.remove(0)
}

fn render(name: &str, record: &Record, version: VCardVersion) -> Vec<u8> {
    vcard::render(record, version).unwrap_or_else(|e| panic!("{name}: render: {e}"))
}

/// `parse(render(r)) == r` for both targets, from raw bytes and canonically.
fn check_round_trips(name: &str, record: &Record) {
    let mut canonical = record.clone();
    canonical.clear_raw();
    for version in [VCardVersion::V3, VCardVersion::V4] {
        for (how, r) in [("raw", record), ("canonical", &canonical)] {
            let what = format!("{version:?} {how}");
            let back = reparse_one(name, &what, &render(name, r, version));
            assert_same(name, &what, record, &back);
        }
    }
    // 3.0 → 4.0 → 3.0 keeps every property.
    let v3 = reparse_one(name, "to 3.0", &render(name, &canonical, VCardVersion::V3));
    let v4 = reparse_one(name, "3.0 to 4.0", &render(name, &v3, VCardVersion::V4));
    let again = reparse_one(name, "4.0 to 3.0", &render(name, &v4, VCardVersion::V3));
    assert_same(name, "3.0 → 4.0 → 3.0", &v3, &again);
}

/// An unchanged card renders back as the bytes it was read from.
fn check_byte_identity(name: &str, record: &Record) -> Vec<u8> {
    let original =
        vcard::original_bytes(record).unwrap_or_else(|| panic!("{name}: a parsed record has all its raw bytes"));
    let version = match record.source {
        Some(SourceFormat::VCard30) => Some(VCardVersion::V3),
        Some(SourceFormat::VCard40) => Some(VCardVersion::V4),
        _ => None,
    };
    if let Some(version) = version {
        let rendered = render(name, record, version);
        if record.root.end_raw().is_some() {
            assert!(
                rendered == original,
                "{name}: unchanged card not byte-identical:\n{}\n---\n{}",
                String::from_utf8_lossy(&rendered),
                String::from_utf8_lossy(&original)
            );
        } else {
            assert!(
                rendered.starts_with(&original),
                "{name}: card without END: raw bytes first"
            );
        }
    }
    original
}

/// Content lines of the input (BEGIN/END of cards excluded).
fn content_lines_in(bytes: &[u8]) -> usize {
    Lexer::new(bytes)
        .filter(|item| match item {
            Ok(line) => !(line.name.eq_ignore_ascii_case("BEGIN") || line.name.eq_ignore_ascii_case("END")),
            Err(_) => true,
        })
        .count()
}

/// Properties plus diagnostics out; a nested card counts its own lines.
fn accounted_out(records: &[Record]) -> usize {
    let mut out = 0;
    for record in records {
        out += record.diagnostics.len();
        for prop in &record.root.props {
            out += 1;
            if let Value::Text(text) = prop.value()
                && text.starts_with("BEGIN:VCARD")
            {
                out += text.lines().count();
            }
        }
    }
    out
}

#[test]
fn every_corpus_vcard_parses_renders_and_round_trips() {
    let files = common::corpus("vcard");
    let (mut records_seen, mut props_seen, mut malformed_seen) = (0usize, 0usize, 0usize);
    for file in &files {
        let input = file.bytes();
        let parsed = vcard::parse(&input);
        if file.is_malformed() {
            malformed_seen += 1;
        }
        let records = match parsed {
            Ok(records) => records,
            Err(error) => {
                assert!(
                    file.is_malformed(),
                    "{}: a well-formed file must parse: {error}",
                    file.name
                );
                assert!(error.line > 0, "{}: the error names a line: {error}", file.name);
                continue;
            }
        };
        assert!(!records.is_empty(), "{}: Ok means at least one card", file.name);
        let utf8_input = !input.starts_with(&[0]) && !input.starts_with(b"\xff\xfe") && !input.starts_with(b"\xfe\xff");
        if utf8_input {
            assert!(
                content_lines_in(&input) <= accounted_out(&records),
                "{}: a content line was lost",
                file.name
            );
        }
        let mut concatenated = Vec::new();
        for record in &records {
            records_seen += 1;
            props_seen += record.root.props.len();
            concatenated.extend(check_byte_identity(&file.name, record));
            check_round_trips(&file.name, record);
        }
        if utf8_input {
            assert!(
                input.starts_with(&concatenated),
                "{}: the cards' raw bytes are the file's bytes",
                file.name
            );
            let rest = &input[concatenated.len()..];
            // What follows the last card is blank, or each of its lines is in a diagnostic.
            let rest = String::from_utf8_lossy(rest);
            let reported = |line: &str| {
                records
                    .iter()
                    .flat_map(|r| &r.diagnostics)
                    .any(|d| d.text.as_deref().is_some_and(|t| t.contains(line)))
            };
            for line in rest.lines().map(str::trim).filter(|l| !l.is_empty()) {
                assert!(
                    reported(line),
                    "{}: text after the last card is neither blank nor reported: {line:?}",
                    file.name
                );
            }
        }
    }
    println!(
        "vcard corpus: {} files ({malformed_seen} malformed), {records_seen} records, {props_seen} props",
        files.len()
    );
    assert!(files.len() >= 142, "the manifest lists 142 vCard files");
    assert!(records_seen >= 150, "only {records_seen} records");
    assert!(props_seen >= 1500, "only {props_seen} props");
}
