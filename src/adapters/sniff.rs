//! Guessing an input's [`Format`] from its first bytes, for `convert`
//! without `--from`.
//!
//! After a byte-order mark (UTF-8, or UTF-16 which is transcoded first; UTF-16
//! without a mark is recognised by its NUL bytes) and whitespace:
//!
//! - `{` or `[` is JSON, told apart by its first object: `"@type": "Card"` is
//!   JSContact (RFC 9553 §2.1), `"Event"`, `"Task"` or `"Group"` is JSCalendar
//!   (RFC 8984 §2), anything else the universal format (whose parser then
//!   names what is wrong);
//! - `BEGIN:VCARD` is vCard; any other `BEGIN:` (a VCALENDAR, or a bare
//!   VEVENT/VTODO/VTIMEZONE as some exporters write) is iCalendar; a first
//!   line `VERSION:2.1`/`3.0`/`4.0` is a vCard missing its BEGIN,
//!   `VERSION:2.0` an iCalendar one;
//! - otherwise a first line holding commas, semicolons or tabs is a CSV header
//!   row, and so is a one-column header naming a name, e-mail or phone column.

use std::borrow::Cow;

use serde::Deserialize;

use super::Format;
use super::contentline::whole_input_to_utf8;

/// The format `bytes` look like, or `None` when they look like none of ours.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    let text = to_utf8(bytes);
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = &text[start..];
    if matches!(text[0], b'{' | b'[') {
        return Some(json_kind(text));
    }
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let first_line = first_line.strip_suffix(b"\r").unwrap_or(first_line);
    content_line_kind(first_line).or_else(|| is_csv_header(first_line).then_some(Format::Csv))
}

/// The input as UTF-8: UTF-16 with a byte-order mark is transcoded, and so is
/// UTF-16 without one (a NUL in either of the first two bytes, which no
/// UTF-8 text format starts with).
pub(crate) fn to_utf8(bytes: &[u8]) -> Cow<'_, [u8]> {
    let converted = whole_input_to_utf8(bytes);
    if let Cow::Owned(_) = converted {
        return converted;
    }
    let encoding = match bytes {
        [0, second, ..] if *second != 0 => encoding_rs::UTF_16BE,
        [first, 0, ..] if *first != 0 => encoding_rs::UTF_16LE,
        _ => return converted,
    };
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Cow::Owned(text.into_owned().into_bytes())
}

fn content_line_kind(line: &[u8]) -> Option<Format> {
    if starts_with_ignore_case(line, b"BEGIN:VCARD") {
        return Some(Format::VCard);
    }
    if starts_with_ignore_case(line, b"BEGIN:") || starts_with_ignore_case(line, b"BEGIN;") {
        return Some(Format::ICalendar);
    }
    let version = line
        .get(..8)
        .filter(|head| head.eq_ignore_ascii_case(b"VERSION:"))
        .map(|_| line[8..].trim_ascii());
    match version? {
        b"2.1" | b"3.0" | b"4.0" => Some(Format::VCard),
        b"2.0" => Some(Format::ICalendar),
        _ => None,
    }
}

fn is_csv_header(line: &[u8]) -> bool {
    if line.iter().any(|b| matches!(b, b',' | b';' | b'\t')) {
        return true;
    }
    // A one-column export (just the e-mail addresses) still has a header naming its column.
    let lower = line.to_ascii_lowercase();
    let names_a_column = ["name", "email", "e-mail", "phone"]
        .iter()
        .any(|w| lower.windows(w.len()).any(|x| x == w.as_bytes()));
    names_a_column && !line.contains(&b':')
}

fn starts_with_ignore_case(text: &[u8], prefix: &[u8]) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Only the members that tell the JSON formats apart; the rest is skipped
/// without being built.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "@type")]
    kind: Option<String>,
}

fn json_kind(text: &[u8]) -> Format {
    let first = if text[0] == b'[' {
        serde_json::from_slice::<Vec<Probe>>(text)
            .ok()
            .and_then(|items| items.into_iter().next())
    } else {
        serde_json::from_slice::<Probe>(text).ok()
    };
    match first.and_then(|probe| probe.kind).as_deref() {
        Some("Card") => Format::JsContact,
        Some("Event" | "Task" | "Group") => Format::JsCalendar,
        // The universal format, and JSON we cannot place: its parser names the problem.
        _ => Format::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn content_line_formats_are_sniffed_after_bom_and_whitespace() {
        assert_eq!(sniff(b"BEGIN:VCARD\r\nVERSION:4.0\r\n"), Some(Format::VCard));
        assert_eq!(sniff(b"\xEF\xBB\xBF\r\n  begin:vcard\r\n"), Some(Format::VCard));
        assert_eq!(sniff(b"\n\nBEGIN:VCALENDAR\nVERSION:2.0\n"), Some(Format::ICalendar));
        assert_eq!(sniff(&utf16le("BEGIN:VCARD\r\nFN:x\r\n")), Some(Format::VCard));
        assert_eq!(sniff(&utf16le("BEGIN:VCALENDAR\r\n")), Some(Format::ICalendar));
        let utf16be_without_bom: Vec<u8> = "BEGIN:VCARD\r\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(sniff(&utf16be_without_bom), Some(Format::VCard));
    }

    #[test]
    fn bare_components_and_missing_begin_lines_are_recognised() {
        assert_eq!(sniff(b"BEGIN:VEVENT\r\nUID:e\r\n"), Some(Format::ICalendar));
        assert_eq!(sniff(b"BEGIN:VTIMEZONE\nTZID:US/Pacific\n"), Some(Format::ICalendar));
        assert_eq!(sniff(b"VERSION:3.0\r\nFN:Frank\r\nEND:VCARD\r\n"), Some(Format::VCard));
        assert_eq!(sniff(b"VERSION:2.0\r\nPRODID:x\r\n"), Some(Format::ICalendar));
        assert_eq!(sniff(b"VERSION:9\r\n"), None);
    }

    #[test]
    fn json_formats_are_told_apart_by_their_first_object() {
        assert_eq!(sniff(br#"{"records": []}"#), Some(Format::Json));
        assert_eq!(sniff(br#"[{"root": {"name": "VCARD"}}]"#), Some(Format::Json));
        assert_eq!(
            sniff(br#"{"name": {"full": "A"}, "@type": "Card"}"#),
            Some(Format::JsContact)
        );
        assert_eq!(
            sniff(br#"[{"@type": "Card"}, {"@type": "Card"}]"#),
            Some(Format::JsContact)
        );
        assert_eq!(sniff(br#"{"@type": "Event", "uid": "e"}"#), Some(Format::JsCalendar));
        assert_eq!(sniff(br#"{"@type": "Task"}"#), Some(Format::JsCalendar));
        assert_eq!(
            sniff(br#" {"entries": [], "@type": "Group"}"#),
            Some(Format::JsCalendar)
        );
        assert_eq!(sniff(&utf16le(r#"{"@type": "Card"}"#)), Some(Format::JsContact));
    }

    #[test]
    fn broken_json_is_still_json_so_its_parser_can_name_the_line() {
        assert_eq!(sniff(b"{\n  \"records\": [,\n"), Some(Format::Json));
    }

    #[test]
    fn csv_is_a_header_row_with_separators() {
        assert_eq!(
            sniff(b"Name,Given Name,E-mail 1 - Value\r\nJane,Jane,j@example.com\r\n"),
            Some(Format::Csv)
        );
        assert_eq!(sniff(b"First Name;Last Name\n"), Some(Format::Csv));
        assert_eq!(sniff(b"First Name\tLast Name\n"), Some(Format::Csv));
        assert_eq!(sniff(b"Primary Email\ntest1@example.com\n"), Some(Format::Csv));
    }

    #[test]
    fn other_inputs_are_not_guessed() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"   \r\n"), None);
        assert_eq!(sniff(b"hello world\n"), None);
        assert_eq!(sniff(b"email: someone\n"), None);
        assert_eq!(sniff(b"\x00\x01\x02"), None);
    }
}
