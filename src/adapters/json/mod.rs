//! JSON formats: the universal format itself ([`universal`], documented in
//! `docs/universal-format.md`), and the JSContact (RFC 9553) and JSCalendar
//! (RFC 8984) views of contacts and calendar objects ([`jscontact`],
//! [`jscalendar`]), which go through the `calcard` crate's converters.
//!
//! Owns: JSON syntax errors (always named by line and column), the shape of
//! the universal document, and the bridges between our vCard/iCalendar text
//! and calcard's JSContact/JSCalendar.
//!
//! Must not know: the engine, the store, HTTP.

pub mod jscalendar;
pub mod jscontact;
pub mod universal;

use serde_json::Value as Json;

use super::contentline::whole_input_to_utf8;
use super::{FormatError, FormatErrorKind};

/// A serde_json error as a [`FormatError`] naming the JSON line and column.
pub(crate) fn syntax_error(error: &serde_json::Error) -> FormatError {
    let line = u32::try_from(error.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(error.column()).unwrap_or(u32::MAX);
    // serde_json appends " at line L column C" to its message; we carry those
    // numbers in the error itself, so keep only the reason.
    let message = error.to_string();
    let reason = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(reason, _)| reason);
    FormatError::new(line, column, FormatErrorKind::Syntax(format!("invalid JSON: {reason}")))
}

/// Reads JSON text: UTF-16 inputs (with a byte-order mark) are transcoded,
/// a UTF-8 byte-order mark is skipped.
pub(crate) fn read_json(input: &[u8]) -> Result<Json, FormatError> {
    let text = whole_input_to_utf8(input);
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    serde_json::from_slice(text).map_err(|e| syntax_error(&e))
}

/// The JSON values of a document that is either one object or an array of them.
pub(crate) fn one_or_many(json: Json) -> Vec<Json> {
    match json {
        Json::Array(items) => items,
        other => vec![other],
    }
}

/// The `@type` of a JSON object (JSContact §1.3.4, JSCalendar §1.4.1).
pub(crate) fn at_type(json: &Json) -> Option<&str> {
    json.get("@type").and_then(Json::as_str)
}

/// Pretty JSON bytes with a final newline.
pub(crate) fn to_pretty(json: &impl serde::Serialize) -> Result<Vec<u8>, FormatError> {
    let mut out = serde_json::to_vec_pretty(json)
        .map_err(|e| FormatError::new(0, 0, FormatErrorKind::Unrenderable(format!("cannot write JSON: {e}"))))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_syntax_errors_name_line_and_column() {
        let error = read_json(b"{\n  \"records\": [\n    {,\n  ]\n}").unwrap_err();
        assert_eq!((error.line, error.column), (3, 6));
        assert_eq!(
            error.to_string(),
            "line 3, column 6: invalid JSON: key must be a string"
        );
    }

    #[test]
    fn utf16_and_bom_inputs_are_read() {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("[1]".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read_json(&utf16).unwrap(), serde_json::json!([1]));
        assert_eq!(read_json(b"\xEF\xBB\xBF[2]").unwrap(), serde_json::json!([2]));
    }
}
