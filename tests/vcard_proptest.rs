//! Property tests: the vCard parser never panics, on arbitrary bytes and on
//! arbitrary mutations of a real card; whatever parses also renders and
//! parses again.

use pimgate::adapters::vcard::{self, VCardVersion};
use proptest::prelude::*;

const CARD: &[u8] = b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:D=C3=B6e;J=\r\nane\r\n\
FN:Jane Doe\r\nTEL;WORK;VOICE:+1 555\r\nitem1.X-ABLabel:_$!<Other>!$_\r\nAGENT:\r\nBEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\n\
PHOTO;ENCODING=BASE64;TYPE=JPEG:SGVs\r\nbG8=\r\n\r\nBDAY:1996-04-15\r\nEND:VCARD\r\n";

fn exercise(input: &[u8]) {
    if let Ok(records) = vcard::parse(input) {
        for record in &records {
            for version in [VCardVersion::V3, VCardVersion::V4] {
                let out = vcard::render(record, version).expect("a parsed card renders");
                let _ = vcard::parse(&out);
            }
            let _ = vcard::original_bytes(record);
        }
    }
}

/// One edit of a byte string: overwrite, insert or delete at a position.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let interesting = prop_oneof![
        Just(b':'),
        Just(b';'),
        Just(b'='),
        Just(b'\r'),
        Just(b'\n'),
        Just(b' '),
        Just(b'"'),
        Just(b'\\'),
        Just(b','),
        any::<u8>()
    ];
    prop_oneof![
        (any::<usize>(), interesting.clone()).prop_map(|(at, b)| Edit::Set(at, b)),
        (any::<usize>(), interesting).prop_map(|(at, b)| Edit::Insert(at, b)),
        any::<usize>().prop_map(Edit::Delete),
    ]
}

fn apply(edits: &[Edit]) -> Vec<u8> {
    let mut bytes = CARD.to_vec();
    for edit in edits {
        let len = bytes.len().max(1);
        match *edit {
            Edit::Set(at, b) if !bytes.is_empty() => bytes[at % len] = b,
            Edit::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
            Edit::Delete(at) if !bytes.is_empty() => {
                bytes.remove(at % len);
            }
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..512)) {
        exercise(&input);
    }

    #[test]
    fn arbitrary_text_with_a_card_header_never_panics(body in "[A-Za-z0-9;:=,.\"\\\\ \r\n-]{0,300}") {
        exercise(format!("BEGIN:VCARD\r\n{body}").as_bytes());
    }

    #[test]
    fn mutations_of_a_real_card_never_panic(edits in proptest::collection::vec(edit(), 1..12)) {
        exercise(&apply(&edits));
    }
}

#[test]
fn the_unmutated_card_parses_cleanly() {
    let records = vcard::parse(CARD).expect("the seed card parses");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].root.props.len(), 8);
}
