//! One content line → one universal [`Prop`] in the 4.0 vocabulary
//! (RFC 6350 §6): transport encodings decoded (QUOTED-PRINTABLE, CHARSET),
//! inline binaries turned into `data:` URIs, values typed by property.
//! Unknown and X- properties keep their value text as written ([`Value::Raw`]).

use std::borrow::Cow;

use crate::adapters::contentline::{
    ContentLine, compact_base64, decode_charset, decode_quoted_printable, parse_date_times, split_list,
    split_structured, split_unescaped, unescape_text,
};
use crate::universal::{Diagnostic, ParamName, Params, Prop, PropName, Value};

use super::media;
use super::params::{self, LineParams, Transfer};

/// The vCard version a card is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    V21,
    V30,
    V40,
}

/// How a property's value is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Version,
    Structured,
    List,
    DateLike,
    Uri,
    Binary,
    Tel,
    Text,
    Raw,
}

fn kind_of(name: &PropName) -> Kind {
    use PropName as P;
    match name {
        P::Version => Kind::Version,
        P::N | P::Adr | P::Org | P::Gender | P::ClientPidMap => Kind::Structured,
        P::Nickname | P::Categories => Kind::List,
        P::Bday | P::Anniversary | P::Rev => Kind::DateLike,
        P::Url | P::Member | P::Source | P::Impp | P::CalUri | P::FbUrl | P::CalAdrUri | P::Related => Kind::Uri,
        P::Photo | P::Logo | P::Sound | P::Key => Kind::Binary,
        P::Tel => Kind::Tel,
        P::Fn
        | P::Note
        | P::Title
        | P::Role
        | P::Label
        | P::Email
        | P::Prodid
        | P::Uid
        | P::Mailer
        | P::SortString
        | P::Class
        | P::Name
        | P::Profile
        | P::Lang
        | P::Kind
        | P::Xml
        | P::Tz
        | P::Agent => Kind::Text,
        _ => Kind::Raw,
    }
}

/// Builds the property for `line`; oddities go to `diagnostics`.
pub(super) fn build_prop(line: &ContentLine<'_>, dialect: Dialect, diagnostics: &mut Vec<Diagnostic>) -> Prop {
    let name = PropName::parse(&line.name);
    let mut lp = params::normalize(&line.params);
    let text = decode_value(line, &lp, diagnostics);
    let kind = kind_of(&name);
    let value = match (kind, &lp.transfer) {
        (Kind::Binary, Transfer::Base64) => binary_to_data_uri(&name, &text, &mut lp, line, diagnostics),
        (_, Transfer::Base64) => {
            // Base64 on a property that is not binary: keep it as written.
            lp.params
                .push(crate::universal::Param::new(ParamName::Encoding, vec!["b".into()]));
            Value::Raw(compact_base64(&text))
        }
        _ => typed_value(kind, &name, &text, &mut lp, dialect, line, diagnostics),
    };
    drop_redundant_value_type(&value, &mut lp);
    let mut params = lp.params;
    if let Some(value_type) = lp.value_type {
        params.push(crate::universal::Param::new(ParamName::Value, vec![value_type]));
    }
    Prop::new(name, value)
        .with_group(line.group.as_deref().map(str::to_owned))
        .with_params(params)
}

/// The value as text: QUOTED-PRINTABLE undone and CHARSET decoded.
fn decode_value<'a>(line: &'a ContentLine<'_>, lp: &LineParams, diagnostics: &mut Vec<Diagnostic>) -> Cow<'a, str> {
    let bytes: Cow<'_, [u8]> = match lp.transfer {
        // A QUOTED-PRINTABLE line break (`=0D=0A`) is one newline of the text.
        Transfer::QuotedPrintable => Cow::Owned(normalize_breaks(decode_quoted_printable(&line.value))),
        _ => Cow::Borrowed(&*line.value),
    };
    let utf8_ok = lp
        .charset
        .as_deref()
        .is_none_or(|c| c.eq_ignore_ascii_case("utf-8") || c.eq_ignore_ascii_case("us-ascii"));
    let bytes = match bytes {
        Cow::Borrowed(b) if utf8_ok => match std::str::from_utf8(b) {
            Ok(text) => return Cow::Borrowed(text),
            Err(_) => Cow::Borrowed(b),
        },
        Cow::Owned(v) if utf8_ok => match String::from_utf8(v) {
            Ok(text) => return Cow::Owned(text),
            Err(e) => Cow::Owned(e.into_bytes()),
        },
        other => other,
    };
    let decoded = decode_charset(&bytes, lp.charset.as_deref());
    if let Some(warning) = decoded.warning {
        diagnostics.push(Diagnostic {
            line: line.line,
            message: format!("{}: {warning}", line.name),
            text: None,
        });
    }
    Cow::Owned(decoded.text)
}

fn normalize_breaks(bytes: Vec<u8>) -> Vec<u8> {
    if !bytes.contains(&b'\r') {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().peekable();
    while let Some(&b) = iter.next() {
        if b == b'\r' {
            iter.next_if_eq(&&b'\n');
            out.push(b'\n');
        } else {
            out.push(b);
        }
    }
    out
}

fn typed_value(
    kind: Kind,
    name: &PropName,
    text: &str,
    lp: &mut LineParams,
    dialect: Dialect,
    line: &ContentLine<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Value {
    let wants_text = lp.value_type.as_deref() == Some("text");
    let wants_uri = lp.value_type.as_deref() == Some("uri");
    match kind {
        Kind::Version => Value::Text(text.trim().to_owned()),
        Kind::Structured => Value::Structured(structured(text, dialect)),
        Kind::List => Value::TextList(split_list(text)),
        Kind::DateLike if !wants_text => match parse_date_times(text.trim()) {
            Some(values) => Value::DateTimes(values),
            None => {
                diagnostics.push(Diagnostic {
                    line: line.line,
                    message: format!("{name}: not a date or date-time; kept as written"),
                    text: None,
                });
                Value::Raw(raw_text(text, lp))
            }
        },
        Kind::Uri if !wants_text => Value::Uri(uri_text(text, dialect)),
        Kind::Binary if text.trim_start().starts_with("data:") => {
            // InfCloud writes `ENCODING=b` before an already-formed data: URI.
            drop_media_type(lp);
            Value::Uri(media::normalize_data_uri(text.trim()))
        }
        Kind::Binary if wants_uri || (!wants_text && looks_like_uri(text)) => Value::Uri(uri_text(text, dialect)),
        Kind::Tel if wants_uri || text.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:")) => {
            Value::Uri(text.trim().to_owned())
        }
        Kind::Raw => Value::Raw(raw_text(text, lp)),
        _ => Value::Text(unescape(text, dialect)),
    }
}

/// `N`, `ADR`, ... In 2.1 only `;` separates (a `,` is plain text), and
/// only `\;` is an escape.
fn structured(text: &str, dialect: Dialect) -> Vec<Vec<String>> {
    if dialect != Dialect::V21 {
        return split_structured(text);
    }
    split_unescaped(text, ';')
        .into_iter()
        .map(|field| vec![unescape(field, dialect)])
        .collect()
}

/// TEXT unescaped: RFC 6350 §3.4 rules for 3.0/4.0; in 2.1 only `\;`.
fn unescape(text: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::V21 => text.replace("\\;", ";"),
        _ => unescape_text(text),
    }
}

/// URIs are not TEXT, but 3.0 writers (Apple) escape them (`http\://`).
fn uri_text(text: &str, dialect: Dialect) -> String {
    let text = text.trim();
    if dialect == Dialect::V21 || !text.contains('\\') {
        text.to_owned()
    } else {
        unescape_text(text)
    }
}

/// Raw text as written; a line break that came out of QUOTED-PRINTABLE is
/// written `\n`, as it would be on a 3.0 line.
fn raw_text(text: &str, lp: &LineParams) -> String {
    if lp.transfer == Transfer::QuotedPrintable && text.contains('\n') {
        return text.replace('\n', "\\n");
    }
    text.to_owned()
}

fn looks_like_uri(text: &str) -> bool {
    let text = text.trim();
    match text.split_once(':') {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && !rest.is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// ENCODING=b on PHOTO/LOGO/SOUND/KEY → `data:<media type>;base64,<body>` (RFC 6350 §6.2.4).
fn binary_to_data_uri(
    name: &PropName,
    text: &str,
    lp: &mut LineParams,
    line: &ContentLine<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Value {
    if text.trim_start().starts_with("data:") {
        drop_media_type(lp);
        return Value::Uri(media::normalize_data_uri(text.trim()));
    }
    let type_value = take_media_type(lp);
    let media_type = media::from_type_param(name, type_value.as_deref());
    if lp.value_type.as_deref() == Some("binary") {
        lp.value_type = None;
    }
    // One pass over the (often large) body: drop whitespace, check the alphabet.
    let mut uri = String::with_capacity(text.len() + media_type.len() + 13);
    uri.push_str("data:");
    uri.push_str(&media_type);
    uri.push_str(";base64,");
    let mut valid = true;
    for &b in text.as_bytes() {
        if b.is_ascii_whitespace() {
            continue;
        }
        valid &= b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
        uri.push(b as char);
    }
    if !valid {
        diagnostics.push(Diagnostic {
            line: line.line,
            message: format!("{name}: base64 body holds characters base64 does not"),
            text: None,
        });
        // Keep non-ASCII text intact rather than as Latin-1 chars.
        uri = format!("data:{media_type};base64,{}", compact_base64(text));
    }
    Value::Uri(uri)
}

/// Takes the first TYPE value (the image/sound/key format) out of the params.
fn take_media_type(lp: &mut LineParams) -> Option<String> {
    let mut types = lp
        .params
        .remove(&ParamName::Type)
        .into_iter()
        .flat_map(|p| p.values)
        .collect::<Vec<_>>();
    let first = (!types.is_empty()).then(|| types.remove(0));
    if !types.is_empty() {
        lp.params.push(crate::universal::Param::new(ParamName::Type, types));
    }
    first
}

fn drop_media_type(lp: &mut LineParams) {
    take_media_type(lp);
    if matches!(lp.value_type.as_deref(), Some("binary" | "uri")) {
        lp.value_type = None;
    }
}

/// VALUE is dropped when the typed value already says it.
fn drop_redundant_value_type(value: &Value, lp: &mut LineParams) {
    let Some(value_type) = lp.value_type.as_deref() else {
        return;
    };
    let redundant = match value {
        Value::Uri(_) => matches!(value_type, "uri" | "binary"),
        Value::Text(_) | Value::TextList(_) | Value::Structured(_) => value_type == "text",
        Value::DateTimes(_) => matches!(
            value_type,
            "date" | "date-time" | "date-and-or-time" | "timestamp" | "time"
        ),
        _ => false,
    };
    if redundant {
        lp.value_type = None;
    }
}

/// The parameters of a nested card's AGENT line (RFC 2426 §3.5.4), normalized.
pub(super) fn agent_params(line: Option<&ContentLine<'_>>) -> Params {
    line.map(|l| params::normalize(&l.params).params).unwrap_or_default()
}
