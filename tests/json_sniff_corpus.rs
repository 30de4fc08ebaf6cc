//! `adapters::sniff` over the real-world corpus: every well-formed file is
//! recognised as its own kind, and no file at all is mistaken for another kind.

mod common;

use pimgate::adapters::{Format, sniff};

fn expected(kind: &str) -> Format {
    match kind {
        "vcard" => Format::VCard,
        "ical" => Format::ICalendar,
        "csv" => Format::Csv,
        other => panic!("unknown corpus kind {other}"),
    }
}

#[test]
fn corpus_files_are_sniffed_as_their_kind() {
    let (mut right, mut unknown, mut wrong) = (0, Vec::new(), Vec::new());
    for kind in ["vcard", "ical", "csv"] {
        for file in common::corpus(kind) {
            match sniff(&file.bytes()) {
                Some(format) if format == expected(kind) => right += 1,
                None if file.is_malformed() => unknown.push(file.name),
                found => wrong.push(format!("{} ({}): {found:?}", file.name, file.label)),
            }
        }
    }
    println!(
        "sniffed {right} right, {} malformed not recognised: {unknown:?}",
        unknown.len()
    );
    assert!(wrong.is_empty(), "mis-sniffed:\n{}", wrong.join("\n"));
    assert!(right > 400, "only {right} files sniffed");
}
