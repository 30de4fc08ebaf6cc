//! Parameter normalization (RFC 6350 §5, RFC 2426 §4, vCard 2.1 §2.1): bare
//! 2.1 parameters get their names, TYPE values are lower-cased, split and
//! merged into one TYPE, `TYPE=pref` becomes `PREF=1`, `VALUE=url` becomes
//! `VALUE=uri`. ENCODING and CHARSET are taken out: they describe the
//! transport of the value, which the caller decodes.

use crate::adapters::contentline::RawParam;
use crate::universal::{Param, ParamName, Params};

/// How the value bytes are encoded on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Transfer {
    /// As written (no ENCODING, or 7BIT/8BIT).
    Plain,
    /// `ENCODING=QUOTED-PRINTABLE` (vCard 2.1).
    QuotedPrintable,
    /// `ENCODING=b` (3.0) or `ENCODING=BASE64` (2.1).
    Base64,
}

/// The parameters of one line, normalized, with the transport parameters apart.
#[derive(Debug, Clone)]
pub(super) struct LineParams {
    /// Every other parameter; TYPE merged into one, at its first position.
    pub params: Params,
    pub transfer: Transfer,
    /// The CHARSET label, as written.
    pub charset: Option<String>,
    /// The VALUE parameter, lower case, `url` read as `uri`.
    pub value_type: Option<String>,
}

/// Normalizes the parameters of one content line.
pub(super) fn normalize(raw: &[RawParam<'_>]) -> LineParams {
    let mut out = LineParams {
        params: Params::default(),
        transfer: Transfer::Plain,
        charset: None,
        value_type: None,
    };
    let mut types: Vec<String> = Vec::new();
    let mut type_at: Option<usize> = None;
    let mut kept: Vec<Param> = Vec::new();
    for param in raw {
        let Some(name) = param.name.as_deref() else {
            for value in param.values.iter().flat_map(|v| v.split(',')) {
                bare(value.trim(), &mut out, &mut types, &mut type_at, kept.len());
            }
            continue;
        };
        match ParamName::parse(name.trim()) {
            ParamName::Type => {
                type_at.get_or_insert(kept.len());
                for value in param.values.iter().flat_map(|v| v.split(',')) {
                    push_type(&mut types, value);
                }
            }
            ParamName::Encoding => {
                for value in &param.values {
                    if let Some(unknown) = encoding(value.trim(), &mut out) {
                        kept.push(Param::new(ParamName::Encoding, vec![unknown]));
                    }
                }
            }
            ParamName::Charset => out.charset = param.values.first().map(|v| v.trim().to_owned()),
            ParamName::Value => {
                let value = param
                    .values
                    .first()
                    .map(|v| v.trim().to_ascii_lowercase())
                    .unwrap_or_default();
                out.value_type = Some(if value == "url" { "uri".to_owned() } else { value });
            }
            other => kept.push(Param::new(other, param.values.iter().map(|v| v.to_string()).collect())),
        }
    }
    // RFC 6350 §5.3: 3.0 `TYPE=pref` is 4.0 `PREF=1`.
    if let Some(at) = types.iter().position(|t| t == "pref") {
        types.remove(at);
        if !kept.iter().any(|p| p.name == ParamName::Pref) {
            kept.push(Param::new(ParamName::Pref, vec!["1".to_owned()]));
        }
    }
    if !types.is_empty() {
        let at = type_at.unwrap_or(kept.len()).min(kept.len());
        kept.insert(at, Param::new(ParamName::Type, types));
    }
    out.params = Params::new(kept);
    out
}

/// A vCard 2.1 bare parameter: an encoding, a charset or a TYPE value.
fn bare(value: &str, out: &mut LineParams, types: &mut Vec<String>, type_at: &mut Option<usize>, position: usize) {
    if value.is_empty() {
        return; // `TEL;;WORK:` — an empty parameter carries nothing.
    }
    if encoding(value, out).is_none() {
        return;
    }
    if looks_like_charset(value) {
        out.charset = Some(value.to_owned());
        return;
    }
    type_at.get_or_insert(position);
    push_type(types, value);
}

/// Reads an ENCODING value; returns it back when it is not one we know.
fn encoding(value: &str, out: &mut LineParams) -> Option<String> {
    match value.to_ascii_uppercase().as_str() {
        "QUOTED-PRINTABLE" => out.transfer = Transfer::QuotedPrintable,
        "B" | "BASE64" => out.transfer = Transfer::Base64,
        "8BIT" | "7BIT" => {}
        _ => return Some(value.to_owned()),
    }
    None
}

fn looks_like_charset(value: &str) -> bool {
    let upper = value.to_ascii_uppercase();
    let family = [
        "UTF-", "ISO-", "WINDOWS-", "SHIFT", "US-ASCII", "EUC-", "GB", "BIG5", "KOI8", "CP",
    ];
    family.iter().any(|f| upper.starts_with(f)) && encoding_rs::Encoding::for_label(value.as_bytes()).is_some()
}

fn push_type(types: &mut Vec<String>, value: &str) {
    let value = value.trim().to_ascii_lowercase();
    if !value.is_empty() && !types.contains(&value) {
        types.push(value);
    }
}
