//! Parsing never panics: arbitrary bytes, and real files with mutations
//! (bytes flipped, lines dropped or duplicated, cut short).

mod common;

use pimgate::adapters::ical;
use proptest::prelude::*;

fn corpus_files() -> Vec<Vec<u8>> {
    common::corpus("ical")
        .iter()
        .filter(|f| f.bytes().len() < 20_000)
        .map(|f| f.bytes())
        .collect()
}

/// Parses, and when that succeeds, checks the round-trip law on every object.
fn exercise(input: &[u8]) {
    if let Ok(records) = ical::parse(input) {
        for record in &records {
            let rendered = ical::render(record).expect("a parsed object renders");
            let reparsed = ical::parse(&rendered).expect("a rendered object parses");
            assert_eq!(
                reparsed,
                std::slice::from_ref(record),
                "round trip of {:?}",
                String::from_utf8_lossy(&rendered)
            );
            let mut canonical = record.clone();
            canonical.clear_raw();
            let reparsed = ical::parse(&ical::render(&canonical).unwrap()).expect("a canonical rendering parses");
            assert_eq!(reparsed, std::slice::from_ref(record), "canonical round trip");
        }
        ical::join(&records).expect("parsed objects join");
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, byte: u8 },
    DropLine(usize),
    DuplicateLine(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        any::<usize>().prop_map(Mutation::DropLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(input: &[u8], mutation: &Mutation) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = input.split_inclusive(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    let n = lines.len().max(1);
    match *mutation {
        Mutation::Flip { at, byte } => {
            let mut out = input.to_vec();
            if !out.is_empty() {
                let len = out.len();
                out[at % len] = byte;
            }
            return out;
        }
        Mutation::DropLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let line = lines[i % n].clone();
            lines.insert(i % n, line);
        }
        Mutation::Truncate(at) => return input[..at % (input.len() + 1)].to_vec(),
        _ => {}
    }
    lines.concat()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..512)) {
        exercise(&input);
    }

    #[test]
    fn calendar_shaped_text_never_panics(input in "(BEGIN:(VCALENDAR|VEVENT|VALARM|X)|END:(VCALENDAR|VEVENT|VALARM|X)|[A-Z-]{1,8}(;[A-Z]+=\"?[a-z:,]*\"?)?:[ -~]{0,20}| [ -~]{0,10}|\r|\n){0,40}") {
        exercise(input.replace('\n', "\r\n").as_bytes());
    }

    #[test]
    fn mutated_corpus_files_never_panic(pick in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..6)) {
        let files = corpus_files();
        let mut input = files[pick % files.len()].clone();
        for m in &mutations {
            input = apply(&input, m);
        }
        exercise(&input);
    }
}

/// Found by `mutated_corpus_files_never_panic`: a component cut off right
/// after its BEGIN line (no properties, no END) after parent properties.
#[test]
fn regression_unterminated_empty_component_after_parent_properties() {
    exercise(
        b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:A\nBEGIN:STANDARD\nTZOFFSETFROM:+0000\n\
          TZOFFSETTO:+0000\nDTSTART:20240101T000000\nEND:STANDARD\nTZID:B\nTZID:B\nBEGIN:DAYLIG",
    );
}

/// Found by `calendar_shaped_text_never_panics`: bare components whose
/// calendar gets real VCALENDAR lines, with a stray line before them that
/// would otherwise turn into a property.
#[test]
fn regression_stray_line_before_bare_component_in_restructured_calendar() {
    exercise(b"A:\rBEGIN:VEVENT\rBEGIN:VCALENDARBEGIN:VCALENDAR\rEND:VEVENT\r-:");
}
