//! The CSV parser never panics, whatever the bytes; whatever it accepts
//! renders and parses again.

use pimgate::adapters::csv::{CsvDialect, parse, render};
use proptest::prelude::*;

/// Cells built from header words, data that looks like e-mails and dates,
/// quotes, separators and line breaks, so inputs reach the mapping code.
fn csvish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("First Name".to_owned()),
        Just("E-mail 1 - Value".to_owned()),
        Just("Phone 2 - Label".to_owned()),
        Just("Address 1 - Street".to_owned()),
        Just("Birthday".to_owned()),
        Just("Birth Month".to_owned()),
        Just("Notes".to_owned()),
        Just("Business Street 2".to_owned()),
        Just("* Home ::: Work".to_owned()),
        Just("a@b.example".to_owned()),
        Just("0/0/00".to_owned()),
        Just("31.02.1999".to_owned()),
        Just("\"".to_owned()),
        Just(",".to_owned()),
        Just(";".to_owned()),
        Just("\t".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n".to_owned()),
        "[^\u{0}]{0,6}",
    ];
    proptest::collection::vec(token, 0..40).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn csv_like_text_parses_renders_and_parses_again(text in csvish()) {
        if let Ok(records) = parse(text.as_bytes()) {
            // A record with nothing but VERSION, UID and an empty FN renders as an empty row.
            let with_content = records.iter().filter(|r| r.root.props.iter().skip(2).any(|p| p.value().as_text() != Some(""))).count();
            let google = parse(&render(&records, CsvDialect::Google).expect("renders")).expect("rendered CSV parses");
            prop_assert_eq!(google.len(), with_content);
            // Outlook has no column for X- properties: such records may vanish.
            let outlook = parse(&render(&records, CsvDialect::Outlook).expect("renders")).expect("rendered CSV parses");
            prop_assert!(outlook.len() <= records.len());
        }
    }
}
