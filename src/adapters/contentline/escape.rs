//! Value-level encodings shared by vCard and iCalendar: TEXT escaping
//! (RFC 5545 §3.3.11, RFC 6350 §3.4), structured-value splitting,
//! QUOTED-PRINTABLE (RFC 2045 §6.7, as vCard 2.1 uses it), CHARSET decoding
//! (`encoding_rs`) and base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Appends `text` escaped as TEXT: `\` `;` `,` and newlines.
pub fn escape_text_into(text: &str, out: &mut String) {
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(ch),
        }
    }
}

/// TEXT escaped as a new string.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_text_into(text, &mut out);
    out
}

/// Unescapes TEXT. Lenient: `\N` is a newline too, and an unknown escape
/// (`\x`) keeps its backslash, as it was probably meant literally.
pub fn unescape_text(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c @ ('\\' | ';' | ',' | ':' | '"')) => out.push(c),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// [`unescape_text`] that reuses the string when there is nothing to unescape.
pub fn unescape_text_owned(text: String) -> String {
    if text.contains('\\') {
        unescape_text(&text)
    } else {
        text
    }
}

/// Splits on `separator` where it is not escaped; pieces stay escaped.
pub fn split_unescaped(text: &str, separator: char) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, ch) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == separator {
            pieces.push(&text[start..i]);
            start = i + ch.len_utf8();
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// A structured value: fields split on `;`, each field split on `,`, all unescaped.
pub fn split_structured(text: &str) -> Vec<Vec<String>> {
    split_unescaped(text, ';')
        .into_iter()
        .map(|field| split_unescaped(field, ',').into_iter().map(unescape_text).collect())
        .collect()
}

/// A comma-separated TEXT list, unescaped.
pub fn split_list(text: &str) -> Vec<String> {
    split_unescaped(text, ',').into_iter().map(unescape_text).collect()
}

/// Escapes and joins a structured value.
pub fn join_structured(fields: &[Vec<String>]) -> String {
    let mut out = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        join_list_into(field, &mut out);
    }
    out
}

/// Escapes and joins a TEXT list with commas.
pub fn join_list_into(items: &[String], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        escape_text_into(item, out);
    }
}

/// Decodes QUOTED-PRINTABLE. Soft line breaks (`=` before a line end) are
/// removed; an `=` not followed by two hex digits is kept as written.
pub fn decode_quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        match (input.get(i + 1), input.get(i + 2)) {
            (Some(b'\r'), Some(b'\n')) => i += 3,
            (Some(b'\n' | b'\r'), _) => i += 2,
            (None, _) => i += 1,
            (Some(&h), Some(&l)) => match (hex(h), hex(l)) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'=');
                    i += 1;
                }
            },
            (Some(_), None) => {
                out.push(b'=');
                i += 1;
            }
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The outcome of decoding bytes to text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Set when the bytes were not valid in the charset (replacement
    /// characters were inserted) or the charset label is unknown.
    pub warning: Option<String>,
}

/// Decodes `bytes` in `charset` (a label such as `UTF-8`, `ISO-8859-1`,
/// `SHIFT_JIS`). Without a label: UTF-8, falling back to Windows-1252 (the
/// de-facto charset of old exports) with a warning.
pub fn decode_charset(bytes: &[u8], charset: Option<&str>) -> Decoded {
    if let Some(label) = charset {
        return match encoding_rs::Encoding::for_label_no_replacement(label.trim().as_bytes()) {
            Some(encoding) => {
                let (text, _, had_errors) = encoding.decode(bytes);
                let warning = had_errors.then(|| format!("bytes not valid in charset {label}; replaced"));
                Decoded {
                    text: text.into_owned(),
                    warning,
                }
            }
            None => {
                let mut decoded = decode_charset(bytes, None);
                decoded
                    .warning
                    .get_or_insert_with(|| format!("unknown charset {label:?}; read as UTF-8"));
                decoded
            }
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_owned(),
            warning: None,
        },
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Decoded {
                text: text.into_owned(),
                warning: Some("not UTF-8; read as Windows-1252".into()),
            }
        }
    }
}

/// Transcodes a whole input to UTF-8 when it starts with a UTF-16 byte-order
/// mark; other inputs are returned as they are (per-value charsets are
/// handled by [`decode_charset`]).
pub fn whole_input_to_utf8(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom_len)) if encoding != encoding_rs::UTF_8 => {
            let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
            std::borrow::Cow::Owned(text.into_owned().into_bytes())
        }
        _ => std::borrow::Cow::Borrowed(bytes),
    }
}

/// Base64 text with whitespace removed (so 2.1 line-broken bodies compare equal).
pub fn compact_base64(text: &str) -> String {
    text.chars().filter(|c| !c.is_ascii_whitespace()).collect()
}

/// Decodes base64, ignoring whitespace.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    STANDARD.decode(compact_base64(text))
}

/// Encodes bytes as base64.
pub fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escaping_round_trips() {
        let text = "a;b,c\\d\ne";
        assert_eq!(escape_text(text), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(unescape_text(&escape_text(text)), text);
        assert_eq!(unescape_text("C:\\x"), "C:\\x");
    }

    #[test]
    fn structured_values_split_on_unescaped_separators() {
        assert_eq!(
            split_structured("Doe;Jane\\;Ann;;Dr.,Prof.;"),
            vec![
                vec!["Doe".to_string()],
                vec!["Jane;Ann".into()],
                vec!["".into()],
                vec!["Dr.".into(), "Prof.".into()],
                vec!["".into()]
            ]
        );
        assert_eq!(join_structured(&split_structured("a\\,b;c,d")), "a\\,b;c,d");
    }

    #[test]
    fn quoted_printable_with_soft_breaks() {
        assert_eq!(
            decode_quoted_printable(b"caf=C3=A9=\r\n au lait=3D"),
            "café au lait=".as_bytes()
        );
        assert_eq!(decode_quoted_printable(b"50=%"), b"50=%");
    }

    #[test]
    fn charsets() {
        assert_eq!(decode_charset(b"caf\xe9", Some("ISO-8859-1")).text, "café");
        assert_eq!(decode_charset(b"\x93\xfa\x96\x7b", Some("SHIFT_JIS")).text, "日本");
        let fallback = decode_charset(b"caf\xe9", None);
        assert_eq!(fallback.text, "café");
        assert!(fallback.warning.is_some());
        assert_eq!(&*whole_input_to_utf8(b"\xff\xfeA\x00"), b"A");
    }
}
