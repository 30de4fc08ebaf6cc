//! The CSV adapter against the real-world corpus and against one fixture
//! per dialect: every column maps where the dialect says it does.

mod common;
mod csv_support;

use csv_support::{assert_has, fixture, parse_file};
use pimgate::adapters::FormatErrorKind;
use pimgate::adapters::csv::parse;

fn corpus_file(suffix: &str) -> common::CorpusFile {
    common::corpus("csv")
        .into_iter()
        .find(|f| f.name.ends_with(suffix))
        .unwrap_or_else(|| panic!("{suffix} not in the corpus"))
}

#[test]
fn every_corpus_file_parses_or_fails_cleanly() {
    let files = common::corpus("csv");
    assert!(files.len() >= 10);
    for file in files {
        let result =
            std::panic::catch_unwind(|| parse(&file.bytes())).unwrap_or_else(|_| panic!("{} panicked", file.name));
        if file.is_malformed() {
            continue;
        }
        let records = result.unwrap_or_else(|e| panic!("{}: {e}", file.name));
        assert!(!records.is_empty(), "{}: no records", file.name);
        assert!(
            records.iter().all(|r| r.is_contact() && r.uid().is_some()),
            "{}",
            file.name
        );
    }
}

#[test]
fn a_file_without_a_header_row_names_the_fix() {
    for name in ["csv_no_header.csv", "tab_comma_mixed.csv"] {
        let error = parse(&corpus_file(name).bytes()).expect_err(name);
        assert!(
            matches!(error.kind, FormatErrorKind::NoHeader { .. }),
            "{name}: {error}"
        );
        assert_eq!(error.line, 1);
        let message = error.to_string();
        assert!(message.contains("the first row must name the columns"), "{message}");
        assert!(
            message.contains("add a header row such as") || message.contains("add a header row naming"),
            "{message}"
        );
        assert!(message.contains("Primary Email"), "{message}");
    }
}

#[test]
fn shift_jis_file_decodes_to_japanese_names() {
    let records = parse(&corpus_file("shiftjis_addressbook.csv").bytes()).unwrap();
    assert_eq!(records.len(), 1);
    assert_has(
        &records[0],
        &[
            "FN:名無しの権兵衛",
            "N:名無し;権兵衛;;;",
            "EMAIL;PREF=1:名無しの権兵衛@host.invalid",
        ],
    );
    assert!(records[0].diagnostics.iter().any(|d| d.message.contains("Shift_JIS")));
}

#[test]
fn utf16_file_decodes() {
    let records = parse(&corpus_file("utf16_addressbook.csv").bytes()).unwrap();
    assert_eq!(records.len(), 1);
    assert_has(
        &records[0],
        &["FN:John Doe", "N:Doe;John;;;", "EMAIL;PREF=1:johndoe@host.invalid"],
    );
    assert!(records[0].diagnostics.is_empty());
}

#[test]
fn semicolon_file_splits_on_semicolons() {
    let records = parse(&corpus_file("csv_semicolon.csv").bytes()).unwrap();
    assert_eq!(records.len(), 2);
    assert_has(
        &records[1],
        &["FN:Jane Doe", "N:Doe;Jane;;;", "EMAIL;PREF=1:jane@doe.invalid"],
    );
}

#[test]
fn tab_file_splits_on_tabs_and_keeps_tabs_inside_quotes() {
    let records = parse_file(&fixture("thunderbird-tab.csv"));
    assert_eq!(records.len(), 1);
    assert_has(&records[0], &["FN:Linus Torvalds", "NOTE:Wrote git\tin two weeks."]);
}

#[test]
fn thunderbird_multiline_and_quoted_cells_survive() {
    let records = parse(&corpus_file("mailnews_addrbook_test_unit_data_export.csv").bytes()).unwrap();
    assert_eq!(records.len(), 2);
    assert_has(
        &records[1],
        &[
            "TITLE:\"worker\"",
            "NOTE:here's some unicode text…",
            "X-CSV-CUSTOM-4;X-CSV-HEADER=Custom 4:custom\n4",
        ],
    );
}

#[test]
fn google_legacy_corpus_file_keeps_groups_and_labels() {
    let records = parse(&corpus_file("Csv2vcard_gmail.csv").bytes()).unwrap();
    assert_has(
        &records[0],
        &[
            "EMAIL;PREF=1;TYPE=home:home@aaa.pl",
            "TEL;TYPE=work,fax:workfax",
            "CATEGORIES:* My Contacts,Test",
            "NOTE:note\"note",
            "BDAY:19751212",
            "ORG:company",
            "TITLE:jobtitle",
        ],
    );
}

/// Parses one fixture with one row and returns its record.
fn only_record(name: &str) -> pimgate::universal::Record {
    let records = parse_file(&fixture(name));
    assert!(!records.is_empty(), "{name}");
    records.into_iter().next().expect("one record")
}

#[test]
fn google_current_columns_map_to_vcard_properties() {
    let record = only_record("google-current.csv");
    assert_has(
        &record,
        &[
            "FN:Hon. Ada Augusta Lovelace",
            "N:Lovelace;Ada;Augusta;Hon.;",
            "EMAIL;PREF=1;TYPE=home:ada@example.org",
            "EMAIL;TYPE=work:ada@engines.example",
            "TEL;TYPE=cell:+44 20 7946 0001",
            "TEL;TYPE=home,fax:+44 20 7946 0003",
            "ADR;LABEL=12 St James's Square\nLondon SW1Y 4JH\nUK;TYPE=home:;;12 St James's Square;London;;SW1Y 4JH;United Kingdom",
            "ADR;TYPE=work:PO 42;Building B;1 Engine Row,Floor 2;Cambridge;Cambridgeshire;CB2 1TN;United Kingdom",
            "ORG:Analytical Engines Ltd;Research",
            "TITLE:Mathematician",
            "BDAY:18151210",
            "NOTE:Met at the \"Difference\" exhibit.\nLikes poetry, too.",
            "CATEGORIES:* myContacts,Friends",
            "URL;X-LABEL=Profile:https://example.org/ada",
            "X-CSV-FILE-AS;X-CSV-HEADER=File As:Lovelace, Ada",
            "X-CSV-FAVOURITE-COLOUR;X-CSV-HEADER=Favourite Colour:violet",
        ],
    );
}

#[test]
fn google_multi_value_cells_and_custom_labels_are_kept() {
    let records = parse_file(&fixture("google-current.csv"));
    assert_has(
        &records[1],
        &[
            "TEL;X-LABEL=Google Voice:+44 20 7946 0100",
            "TEL;X-LABEL=Google Voice:+44 20 7946 0101",
        ],
    );
}

#[test]
fn google_legacy_columns_map_to_vcard_properties() {
    assert_has(
        &only_record("google-legacy.csv"),
        &[
            "FN:Grace Hopper",
            "N:Hopper;Grace;Brewster;Rear Admiral;",
            "EMAIL;PREF=1;TYPE=work:grace@navy.example",
            "TEL;TYPE=cell:+1 202 555 0102",
            "ADR;TYPE=work:;;The Pentagon;Washington;;20301;USA",
            "ORG:US Navy;Naval Data Automation",
            "TITLE:Rear Admiral",
            "BDAY:19061209",
            "NOTE:Coined \"debugging\".",
            "X-CSV-OCCUPATION;X-CSV-HEADER=Occupation:Computer scientist",
        ],
    );
}

#[test]
fn outlook_english_columns_map_to_vcard_properties() {
    assert_has(
        &only_record("outlook-en.csv"),
        &[
            "FN:Dr. Alan Mathison Turing OBE",
            "N:Turing;Alan;Mathison;Dr.;OBE",
            "EMAIL;PREF=1:alan@bletchley.example",
            "EMAIL:alan@home.example",
            "TEL;TYPE=work,fax:+44 1908 000001",
            "TEL;TYPE=cell:+44 7700 900004",
            "ADR;TYPE=work:;;The Mansion,Wilton Avenue;Milton Keynes;Buckinghamshire;MK3 6EB;United Kingdom",
            "ORG:Bletchley Park;Hut 8",
            "TITLE:Cryptanalyst",
            "BDAY:19120623",
            "NOTE:Ran marathons.\r\nBuilt the Bombe.",
            "CATEGORIES:Science,Codebreakers",
            "X-CSV-SENSITIVITY;X-CSV-HEADER=Sensitivity:Normal",
        ],
    );
}

#[test]
fn outlook_german_windows_1252_columns_map_to_vcard_properties() {
    let record = only_record("outlook-de.csv");
    assert_has(
        &record,
        &[
            "FN:Frau Emmy Amalie Noether",
            "EMAIL;PREF=1:emmy@uni-goettingen.example",
            "TEL;TYPE=work:+49 551 000001",
            "TEL;TYPE=work,fax:+49 551 000004",
            "ADR;TYPE=work:;;Bunsenstraße 3-5;Göttingen;Niedersachsen;37073;Deutschland",
            "ORG:Universität Göttingen;Mathematisches Institut",
            "TITLE:Professorin",
            "BDAY:18820323",
            "NOTE:Noether-Theorem; Grüße an die Algebraiker.",
            "X-CSV-HOBBY;X-CSV-HEADER=Hobby:Schwimmen",
        ],
    );
    assert!(record.diagnostics.iter().any(|d| d.message.contains("Windows-1252")));
}

#[test]
fn outlook_french_semicolon_columns_map_to_vcard_properties() {
    assert_has(
        &only_record("outlook-fr.csv"),
        &[
            "N:Curie;Marie;Salomea;Mme;",
            "EMAIL;PREF=1:marie@radium.example",
            "TEL;TYPE=work:+33 1 00 00 00 01",
            "TEL;TYPE=cell:+33 6 00 00 00 03",
            "ADR;TYPE=home:;;36 quai de Béthune;Paris;;75004;France",
            "ORG:Institut du Radium;Laboratoire Curie",
            "TITLE:Physicienne",
            "BDAY:18671107",
            "NOTE:Deux prix Nobel.\nPhysique et chimie.",
            "X-CSV-CONJOINT-E;X-CSV-HEADER=Conjoint(e):Pierre Curie",
        ],
    );
}

#[test]
fn apple_columns_map_to_vcard_properties() {
    assert_has(
        &only_record("apple.csv"),
        &[
            "FN:Steve Gary Wozniak",
            "EMAIL;TYPE=home:woz@home.example",
            "TEL;TYPE=cell,iphone:+1 408 555 0001",
            "ADR;TYPE=work:;;1 Infinite Loop;Cupertino;CA;95014;USA",
            "ORG:Apple Computer;Engineering",
            "TITLE:Co-founder",
            "BDAY:19500811",
            "NOTE:Built the Apple I.",
            "X-CSV-RELATED-NAME-SPOUSE;X-CSV-HEADER=Related name (spouse):Janet Hill",
        ],
    );
}

#[test]
fn thunderbird_columns_map_and_birth_parts_combine() {
    assert_has(
        &only_record("thunderbird-tab.csv"),
        &[
            "FN:Linus Torvalds",
            "N:Torvalds;Linus;;;",
            "EMAIL;PREF=1:linus@kernel.example",
            "TEL;TYPE=fax:+1 503 555 0003",
            "ADR;TYPE=home:;;1 Penguin Lane,Apt 2;Portland;OR;97201;USA",
            "ORG:Linux Foundation;Kernel",
            "TITLE:Fellow",
            "BDAY:19691228",
            "URL;TYPE=work:https://kernel.example",
            "X-CSV-CUSTOM-1;X-CSV-HEADER=Custom 1:git",
        ],
    );
}

#[test]
fn reimporting_a_file_gives_the_same_uids() {
    for path in csv_support::input_fixtures() {
        let first: Vec<_> = parse_file(&path).iter().map(|r| r.uid().map(str::to_owned)).collect();
        let second: Vec<_> = parse_file(&path).iter().map(|r| r.uid().map(str::to_owned)).collect();
        assert_eq!(first, second, "{}", path.display());
        let mut unique = first.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), first.len(), "{}: UIDs collide", path.display());
    }
}
