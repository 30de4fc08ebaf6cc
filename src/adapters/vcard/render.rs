//! Writes a record as vCard 3.0 (RFC 2426) or 4.0 (RFC 6350).
//!
//! A card read from the same version is written from its raw bytes where
//! nothing changed; everything else goes through the one
//! [`Writer`](crate::adapters::contentline::Writer). Going to 3.0: `PREF=1`
//! becomes `TYPE=pref`, base64 `data:` URIs become `ENCODING=b;TYPE=<format>`,
//! dates use the extended form. Going to 4.0: URIs stay URIs.

use crate::adapters::contentline::{
    DateStyle, Writer, escape_text, format_date_times, format_duration, format_recur, format_utc_offset,
    join_list_into, join_structured,
};
use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::{Component, Param, ParamName, Params, Prop, PropName, Record, SourceFormat, Value};

use super::VCardVersion;
use super::media;

impl VCardVersion {
    fn source(self) -> SourceFormat {
        match self {
            VCardVersion::V3 => SourceFormat::VCard30,
            VCardVersion::V4 => SourceFormat::VCard40,
        }
    }

    fn label(self) -> &'static str {
        match self {
            VCardVersion::V3 => "3.0",
            VCardVersion::V4 => "4.0",
        }
    }
}

/// Renders one contact record.
pub(super) fn render_record(record: &Record, version: VCardVersion) -> Result<Vec<u8>, FormatError> {
    if !record.is_contact() {
        let kind = FormatErrorKind::Unrenderable(format!("a {} record is not a vCard", record.root.name()));
        return Err(FormatError::new(0, 0, kind));
    }
    let mut writer = Writer::new();
    let raw_ok = record.source == Some(version.source());
    render_card(&record.root, version, raw_ok, &mut writer);
    Ok(writer.finish())
}

fn render_card(card: &Component, version: VCardVersion, raw_ok: bool, writer: &mut Writer) {
    let raw_begin = card.begin_raw().filter(|_| raw_ok);
    match raw_begin {
        Some(raw) => emit_raw(raw, writer),
        None => writer.begin("VCARD"),
    }
    // A card without VERSION gets one, unless it is served as its client wrote it.
    if raw_begin.is_none() && card.prop(&PropName::Version).is_none() {
        writer.line(None, "VERSION", &Params::default(), version.label());
    }
    for prop in &card.props {
        match prop.raw().filter(|_| raw_ok) {
            Some(raw) => emit_raw(raw, writer),
            None => render_prop(prop, version, writer),
        }
    }
    for child in &card.children {
        render_card(child, version, raw_ok, writer);
    }
    match card.end_raw().filter(|_| raw_ok) {
        Some(raw) => writer.raw(raw),
        None => writer.end("VCARD"),
    }
}

/// Raw bytes of one line; a last line without its line end gets one, so the
/// next line does not run into it.
fn emit_raw(raw: &[u8], writer: &mut Writer) {
    writer.raw(raw);
    if !raw.is_empty() && !raw.ends_with(b"\n") && !raw.ends_with(b"\r") {
        writer.raw(b"\r\n");
    }
}

/// One property in the canonical form of `version`.
fn render_prop(prop: &Prop, version: VCardVersion, writer: &mut Writer) {
    let name = prop.name();
    let mut params = prop.params().clone();
    if version == VCardVersion::V3 {
        pref_to_type(&mut params);
    }
    let value = match prop.value() {
        _ if *name == PropName::Version => version.label().to_owned(),
        Value::Uri(uri) => uri_value(name, uri, version, &mut params),
        Value::Text(text) => {
            if needs_text_marker(name) {
                params.set(ParamName::Value, vec!["text".into()]);
            }
            escape_text(text)
        }
        Value::TextList(items) => {
            let mut out = String::new();
            join_list_into(items, &mut out);
            out
        }
        Value::Structured(fields) => join_structured(fields),
        Value::DateTimes(values) => {
            let style = if version == VCardVersion::V3 {
                DateStyle::Extended
            } else {
                DateStyle::Basic
            };
            format_date_times(values, style)
        }
        Value::Raw(text) | Value::Binary(text) => line_safe(text),
        Value::Duration(duration) => format_duration(duration),
        Value::Recur(recur) => format_recur(recur),
        Value::Integer(n) => n.to_string(),
        Value::UtcOffset(seconds) => format_utc_offset(*seconds),
        Value::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
    };
    writer.line(prop.group(), name.as_str(), &params, &value);
}

/// 3.0 has no PREF parameter: `PREF=1` is `TYPE=pref` (RFC 2426 §3.3.1).
fn pref_to_type(params: &mut Params) {
    if params.first_value(&ParamName::Pref) != Some("1") {
        return;
    }
    params.remove(&ParamName::Pref);
    let mut types: Vec<String> = params
        .get(&ParamName::Type)
        .map(|p| p.values.clone())
        .unwrap_or_default();
    types.push("pref".into());
    params.set(ParamName::Type, types);
}

/// A URI value; in 3.0 an inline base64 binary is written `ENCODING=b;TYPE=<format>`.
fn uri_value(name: &PropName, uri: &str, version: VCardVersion, params: &mut Params) -> String {
    let binary_prop = matches!(name, PropName::Photo | PropName::Logo | PropName::Sound | PropName::Key);
    if binary_prop
        && version == VCardVersion::V3
        && let Some((media_type, body)) = media::split_base64_data_uri(uri)
    {
        params.push(Param::new(ParamName::Encoding, vec!["b".into()]));
        if media_type != "application/octet-stream" {
            let mut types = vec![media::to_type_param(name, media_type)];
            types.extend(params.remove(&ParamName::Type).into_iter().flat_map(|p| p.values));
            params.set(ParamName::Type, types);
        }
        return body.to_owned();
    }
    // Where the default value type is not a URI, say it is one.
    let default_not_uri = *name == PropName::Tel || (binary_prop && version == VCardVersion::V3);
    if default_not_uri {
        params.set(ParamName::Value, vec!["uri".into()]);
    }
    line_safe(uri)
}

/// Properties whose default value type is not TEXT, so a text value says so.
fn needs_text_marker(name: &PropName) -> bool {
    use PropName as P;
    matches!(
        name,
        P::Bday
            | P::Anniversary
            | P::Rev
            | P::Url
            | P::Member
            | P::Source
            | P::Impp
            | P::CalUri
            | P::FbUrl
            | P::CalAdrUri
            | P::Related
            | P::Photo
            | P::Logo
            | P::Sound
            | P::Key
    )
}

/// A value written as it is, except that a line break cannot stand on a line.
fn line_safe(text: &str) -> String {
    if text.contains(['\r', '\n']) {
        text.replace("\r\n", "\\n").replace(['\n', '\r'], "\\n")
    } else {
        text.to_owned()
    }
}
