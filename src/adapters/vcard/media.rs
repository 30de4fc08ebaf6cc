//! Media types of inline binaries: vCard 3.0 `TYPE=JPEG` ↔ the media type of a
//! 4.0 `data:` URI (RFC 6350 §6.2.4, RFC 2426 §3.1.4, RFC 2397).
//!
//! The two directions are inverse on what they produce: for every media type
//! `m` that [`from_type_param`] yields, `from_type_param(to_type_param(m)) == m`.

use crate::universal::PropName;

/// The family a bare TYPE value belongs to, per property.
fn family(name: &PropName) -> &'static str {
    match name {
        PropName::Sound => "audio/",
        PropName::Key => "application/",
        _ => "image/",
    }
}

/// Well-known KEY formats of 3.0 (`TYPE=X509`, `TYPE=PGP`).
const KEY_TYPES: [(&str, &str); 2] = [("x509", "application/x-x509-ca-cert"), ("pgp", "application/pgp-keys")];

/// A 3.0 TYPE value (`JPEG`, `image/png`, absent) as a media type.
pub(super) fn from_type_param(name: &PropName, type_value: Option<&str>) -> String {
    let Some(value) = type_value.map(str::to_ascii_lowercase).filter(|v| !v.is_empty()) else {
        return "application/octet-stream".to_owned();
    };
    if value.contains('/') {
        return value;
    }
    if *name == PropName::Key
        && let Some((_, media)) = KEY_TYPES.iter().find(|(t, _)| *t == value)
    {
        return (*media).to_owned();
    }
    format!("{}{value}", family(name))
}

/// The 3.0 TYPE value for a media type (`image/jpeg` on PHOTO → `JPEG`).
pub(super) fn to_type_param(name: &PropName, media_type: &str) -> String {
    if *name == PropName::Key
        && let Some((t, _)) = KEY_TYPES.iter().find(|(_, m)| *m == media_type)
    {
        return t.to_ascii_uppercase();
    }
    match media_type.strip_prefix(family(name)) {
        Some(sub)
            if !sub.is_empty()
                && !sub.contains('/')
                && KEY_TYPES.iter().all(|(t, _)| *name != PropName::Key || *t != sub) =>
        {
            sub.to_ascii_uppercase()
        }
        _ => media_type.to_owned(),
    }
}

/// A `data:` URI in one form: media type lower case, no whitespace in the body.
pub(super) fn normalize_data_uri(uri: &str) -> String {
    match uri.split_once(',') {
        Some((head, body))
            if head.bytes().any(|b| b.is_ascii_uppercase()) || body.bytes().any(|b| b.is_ascii_whitespace()) =>
        {
            let body: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            format!("{},{body}", head.to_ascii_lowercase())
        }
        _ => uri.to_owned(),
    }
}

/// Splits `data:<media type>;base64,<body>`; `None` for other URIs.
pub(super) fn split_base64_data_uri(uri: &str) -> Option<(&str, &str)> {
    let (head, body) = uri.strip_prefix("data:")?.split_once(',')?;
    let media_type = head.strip_suffix(";base64")?;
    (!media_type.is_empty() && !media_type.contains(';')).then_some((media_type, body))
}
