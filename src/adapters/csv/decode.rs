//! Turning input bytes into text, and finding the separator.
//!
//! Encodings, in order:
//! 1. a byte-order mark decides: UTF-8, UTF-16 LE or UTF-16 BE (Excel's
//!    "Unicode text" and Thunderbird's UTF-16 exports);
//! 2. valid UTF-8 is UTF-8;
//! 3. otherwise a legacy 8-bit export. Shift_JIS is chosen when the bytes
//!    decode in it without a single error, the text holds at least one
//!    kana or CJK ideograph, and no private-use character (what Windows-1252
//!    text mis-read as Shift_JIS tends to produce); everything else is
//!    Windows-1252, which maps every byte. Either way the record gets a
//!    diagnostic saying which encoding was assumed.

use encoding_rs::{Encoding, SHIFT_JIS, WINDOWS_1252};

/// Decoded input text, and a note when the encoding was guessed or bytes
/// had to be replaced.
#[derive(Debug)]
pub(super) struct Decoded {
    pub text: String,
    pub note: Option<String>,
}

/// Decodes the whole input (see the module doc for the rules).
pub(super) fn decode(input: &[u8]) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(input) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&input[bom_len..]);
        let note = had_errors.then(|| format!("bytes not valid {}; replaced with U+FFFD", encoding.name()));
        return Decoded {
            text: text.into_owned(),
            note,
        };
    }
    if let Ok(text) = std::str::from_utf8(input) {
        return Decoded {
            text: text.to_owned(),
            note: None,
        };
    }
    if let Some(text) = as_shift_jis(input) {
        return Decoded {
            text,
            note: Some("not UTF-8; read as Shift_JIS (it decodes cleanly and holds Japanese text)".into()),
        };
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(input);
    Decoded {
        text: text.into_owned(),
        note: Some("not UTF-8; read as Windows-1252".into()),
    }
}

fn as_shift_jis(input: &[u8]) -> Option<String> {
    let (text, had_errors) = SHIFT_JIS.decode_without_bom_handling(input);
    let japanese = |c: char| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}');
    let private_use = |c: char| matches!(c, '\u{E000}'..='\u{F8FF}');
    (!had_errors && text.chars().any(japanese) && !text.chars().any(private_use)).then(|| text.into_owned())
}

/// The field separator, sniffed from the header row: whichever of comma,
/// semicolon and tab occurs most often outside quotes in the first row
/// (comma on a tie, or when none occurs).
pub(super) fn sniff_separator(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in text.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(entry) = counts.iter_mut().find(|(sep, _)| *sep == byte) {
                    entry.1 += 1;
                }
            }
            _ => {}
        }
    }
    // `max_by_key` keeps the last maximum; iterate reversed so comma wins ties.
    counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map_or(b',', |(sep, _)| *sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped_and_utf16_is_transcoded() {
        assert_eq!(Encoding::for_bom(b"\xEF\xBB\xBFa").unwrap().0, encoding_rs::UTF_8);
        assert_eq!(decode(b"\xEF\xBB\xBFName").text, "Name");
        assert_eq!(decode(b"\xFF\xFEN\0a\0").text, "Na");
        assert_eq!(decode(b"\xFE\xFF\0N\0a").text, "Na");
        assert!(decode(b"Name").note.is_none());
    }

    #[test]
    fn legacy_bytes_are_shift_jis_only_with_japanese_text() {
        let (sjis, _, _) = SHIFT_JIS.encode("名無し,太郎");
        let decoded = decode(&sjis);
        assert_eq!(decoded.text, "名無し,太郎");
        assert!(decoded.note.unwrap().contains("Shift_JIS"));
        let latin = b"M\xFCller,J\xE9r\xF4me";
        let decoded = decode(latin);
        assert_eq!(decoded.text, "Müller,Jérôme");
        assert!(decoded.note.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn separator_is_the_most_frequent_outside_quotes() {
        assert_eq!(sniff_separator("a;b;c\n1,2"), b';');
        assert_eq!(sniff_separator("a\tb\tc"), b'\t');
        assert_eq!(sniff_separator("\"x;y;z\",b\n"), b',');
        assert_eq!(sniff_separator("single"), b',');
        assert_eq!(sniff_separator("a,b;c"), b',');
    }
}
