//! One content line to one [`Prop`]: name, parameters, typed value and raw
//! bytes, plus the lenient repairs a real-world line may need (each reported).

use bytes::Bytes;

use super::values::{date_form_mismatch, kind_of, read_value};
use crate::adapters::contentline::{ContentLine, decode_charset, decode_quoted_printable};
use crate::universal::{Diagnostic, Param, ParamName, Params, Prop, PropName, Value};

/// Builds the property for `line`, whose input bytes are `raw`. Oddities are
/// pushed to `diagnostics`; the property itself is always produced.
pub(super) fn build_prop(line: &ContentLine<'_>, raw: Bytes, diagnostics: &mut Vec<Diagnostic>) -> Prop {
    let name = PropName::parse(&line.name);
    let mut warn = |message: String| {
        let text = Some(String::from_utf8_lossy(raw_text(&raw)).into_owned());
        diagnostics.push(Diagnostic {
            line: line.line,
            message,
            text,
        });
    };
    let mut params = read_params(line, &mut warn);
    let text = value_text(line, &mut params, &mut warn);
    let kind = kind_of(&name, &params);
    let mut value = match read_value(kind, text) {
        Ok(value) => value,
        Err((why, text)) => {
            warn(format!("{name}: {why}; kept verbatim"));
            Value::Raw(text)
        }
    };
    if let Some(why) = date_form_mismatch(kind, &value) {
        warn(format!("{name}: {why}"));
    }
    if name == PropName::TzId {
        value = trim_tzid_value(value, &mut warn);
    }
    Prop::new(name, value)
        .with_group(line.group.as_deref().map(str::to_owned))
        .with_params(params)
        .with_raw(raw)
}

/// The line itself without junk lines carried before it (for diagnostics).
fn raw_text(raw: &[u8]) -> &[u8] {
    let trimmed = raw.strip_suffix(b"\n").unwrap_or(raw);
    let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
    match trimmed.iter().rposition(|b| *b == b'\n' || *b == b'\r') {
        Some(at) if !matches!(trimmed.get(at + 1), Some(b' ' | b'\t')) => &trimmed[at + 1..],
        _ => trimmed,
    }
}

/// Parameters with normalised names. Outlook writes `TZID=W. Europe Standard Time `
/// with a trailing space: the model keeps the trimmed id (CLIENT-QUIRKS.md).
fn read_params(line: &ContentLine<'_>, warn: &mut impl FnMut(String)) -> Params {
    let mut params = Vec::with_capacity(line.params.len());
    for raw in &line.params {
        let Some(name) = raw.name.as_deref() else {
            // A bare parameter (vCard 2.1 style) has no place in iCalendar;
            // keep it as a named parameter with an empty value.
            let bare = raw.values.first().map(|v| v.as_ref()).unwrap_or_default();
            warn(format!(
                "parameter {bare:?} has no value (RFC 5545 §3.2); kept as {}=",
                bare.to_ascii_uppercase()
            ));
            params.push(Param::new(ParamName::parse(bare), vec![String::new()]));
            continue;
        };
        let name = ParamName::parse(name);
        let mut values: Vec<String> = raw.values.iter().map(|v| v.clone().into_owned()).collect();
        if name == ParamName::TzId && values.iter().any(|v| v.trim() != v) {
            warn(format!(
                "TZID parameter {:?} has surrounding spaces (Outlook); trimmed",
                values.join(",")
            ));
            values.iter_mut().for_each(|v| *v = v.trim().to_owned());
        }
        params.push(Param::new(name, values));
    }
    Params::new(params)
}

/// The value as text: QUOTED-PRINTABLE (vCalendar 1.0 habits) and CHARSET
/// decoded, non-UTF-8 bytes read as Windows-1252 — each with a diagnostic.
fn value_text(line: &ContentLine<'_>, params: &mut Params, warn: &mut impl FnMut(String)) -> String {
    let charset = params.first_value(&ParamName::Charset).map(str::to_owned);
    let bytes: std::borrow::Cow<'_, [u8]> = if line.is_quoted_printable() {
        warn("QUOTED-PRINTABLE value (vCalendar 1.0); decoded".into());
        params.remove(&ParamName::Encoding);
        params.remove(&ParamName::Charset);
        decode_quoted_printable(&line.value).into()
    } else {
        std::borrow::Cow::Borrowed(&line.value[..])
    };
    if charset.is_none()
        && let Ok(text) = std::str::from_utf8(&bytes)
    {
        return text.to_owned();
    }
    let decoded = decode_charset(&bytes, charset.as_deref());
    if let Some(warning) = decoded.warning {
        warn(warning);
    }
    decoded.text
}

fn trim_tzid_value(value: Value, warn: &mut impl FnMut(String)) -> Value {
    match value {
        Value::Text(text) if text.trim() != text => {
            warn(format!("TZID {text:?} has surrounding spaces (Outlook); trimmed"));
            Value::Text(text.trim().to_owned())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::contentline::Lexer;

    fn prop(line: &str) -> (Prop, Vec<Diagnostic>) {
        let lexed = Lexer::new(line.as_bytes()).next().unwrap().unwrap();
        let mut diagnostics = Vec::new();
        let prop = build_prop(&lexed, Bytes::copy_from_slice(line.as_bytes()), &mut diagnostics);
        (prop, diagnostics)
    }

    #[test]
    fn outlook_trailing_space_in_tzid_is_trimmed_with_a_diagnostic() {
        let (dtstart, diagnostics) = prop("DTSTART;TZID=\"W. Europe Standard Time \":20240105T090000\r\n");
        assert_eq!(
            dtstart.params().first_value(&ParamName::TzId),
            Some("W. Europe Standard Time")
        );
        assert_eq!(diagnostics.len(), 1);
        let (tzid, diagnostics) = prop("TZID:W. Europe Standard Time \r\n");
        assert_eq!(tzid.value(), &Value::Text("W. Europe Standard Time".into()));
        assert_eq!(diagnostics.len(), 1);
    }

    #[test]
    fn malformed_date_is_kept_raw_with_a_diagnostic_naming_the_line() {
        let (dtstart, diagnostics) = prop("DTSTART:2024-13-45T99\r\n");
        assert_eq!(dtstart.value(), &Value::Raw("2024-13-45T99".into()));
        assert_eq!(diagnostics[0].line, 1);
        assert_eq!(diagnostics[0].text.as_deref(), Some("DTSTART:2024-13-45T99"));
    }

    #[test]
    fn x_properties_stay_raw_exactly_as_written() {
        let (x, diagnostics) = prop("X-FOO;X-P=1:a\\,b;c\r\n");
        assert_eq!(x.value(), &Value::Raw("a\\,b;c".into()));
        assert!(diagnostics.is_empty());
    }
}
