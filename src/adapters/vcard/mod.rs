//! vCard 2.1, 3.0 and 4.0 (RFC 6350, RFC 2426, vCard 2.1) to and from the
//! universal model.
//!
//! Owns: the card structure ([`parse`] splits files with many cards, nested
//! 2.1 AGENT cards, junk between cards), the normalization of all three
//! versions into one vocabulary, and [`render`] to 3.0 or 4.0. Lines, escapes
//! and encodings come from [`contentline`](crate::adapters::contentline).
//!
//! # Normalization (what "the same card" means)
//!
//! - Parameters: 2.1 bare parameters get names (`TEL;WORK;VOICE` →
//!   `TYPE=work,voice`; `QUOTED-PRINTABLE`/`BASE64`/`8BIT` → ENCODING;
//!   charset names → CHARSET). TYPE values are lower case, split on `,` and
//!   merged into one TYPE. `TYPE=pref` → `PREF=1`. `VALUE` is dropped when
//!   the typed value says it (`VALUE=uri` on a URI, `VALUE=date` on a date).
//! - Transport: QUOTED-PRINTABLE and CHARSET (UTF-8, ISO-8859-1,
//!   Windows-1252, Shift_JIS, ...) are decoded and their parameters removed;
//!   an unknown charset leaves a diagnostic. A UTF-16 input (with or without
//!   a byte-order mark) is transcoded first.
//! - Binaries: `ENCODING=b`/`BASE64` on PHOTO, LOGO, SOUND and KEY becomes a
//!   `data:<media type>;base64,<body>` URI; the format TYPE (`JPEG`) moves
//!   into the media type. A `data:` URI written with `ENCODING=b` (InfCloud)
//!   is read as that one URI.
//! - Values: N, ADR, ORG, GENDER, CLIENTPIDMAP are structured; NICKNAME and
//!   CATEGORIES are text lists; BDAY, ANNIVERSARY, REV are dates when they
//!   parse (else kept as written, with a diagnostic); URL, MEMBER, SOURCE,
//!   IMPP, CALURI, FBURL, CALADRURI, RELATED and non-inline PHOTO/LOGO/SOUND/
//!   KEY are URIs; TEL is text, or a URI when it is a `tel:` URI; the other
//!   RFC text properties are unescaped text. In 2.1 only `;` separates
//!   structured fields and only `\;` is an escape. Unknown and X- properties
//!   keep their value text as written ([`Value::Raw`](crate::universal::Value::Raw)),
//!   their group and their parameters.
//! - VERSION stays a property; [`render`] writes the target's.
//! - A nested card (2.1 `AGENT:` followed by `BEGIN:VCARD`, or a bare nested
//!   `BEGIN:VCARD`) becomes one AGENT property whose text is the nested card,
//!   lines joined with `\n` — the 3.0 form of an inline AGENT.
//! - A card without VERSION is read as 2.1 when it uses 2.1 syntax (bare
//!   parameters, QUOTED-PRINTABLE, nested cards), else as 3.0, with a
//!   diagnostic.
//!
//! Diagnostics (lenient fixes): lines that are not content lines (their text
//! is kept), lines outside any card, a missing FN (3.0/4.0), a missing END,
//! an unknown charset, undecodable bytes, a date that does not parse.
//! Errors: input with no `BEGIN:VCARD`, an `END:` of something else.

mod media;
mod normalize;
mod params;
mod parse;
mod render;
#[cfg(test)]
mod tests;

use bytes::Bytes;

use crate::adapters::FormatError;
use crate::universal::{Diagnostic, Record};

/// The vCard version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VCardVersion {
    /// RFC 2426.
    V3,
    /// RFC 6350.
    V4,
}

/// Reads every card of a vCard stream (2.1, 3.0 or 4.0, many cards per file).
pub fn parse(input: &[u8]) -> Result<Vec<Record>, FormatError> {
    let mut diagnostics = Vec::new();
    let bytes = match crate::adapters::contentline::whole_input_to_utf8(input) {
        std::borrow::Cow::Owned(text) => Bytes::from(text),
        std::borrow::Cow::Borrowed(_) => match utf16_without_bom(input) {
            Some(text) => {
                diagnostics.push(Diagnostic {
                    line: 1,
                    message: "UTF-16 input without a byte-order mark; transcoded".into(),
                    text: None,
                });
                Bytes::from(text)
            }
            None => Bytes::copy_from_slice(input),
        },
    };
    parse::parse_bytes(&bytes, diagnostics)
}

/// Writes one contact as vCard 3.0 or 4.0. Properties of a record read from
/// that same version that nobody changed are written as their raw bytes.
pub fn render(record: &Record, version: VCardVersion) -> Result<Vec<u8>, FormatError> {
    render::render_record(record, version)
}

/// The bytes a record was read from — for a 2.1 card, which [`render`] cannot
/// write back as 2.1. `None` when part of the record has changed since.
pub fn original_bytes(record: &Record) -> Option<Vec<u8>> {
    let root = &record.root;
    let mut out = root.begin_raw()?.to_vec();
    for prop in &root.props {
        out.extend_from_slice(prop.raw()?);
    }
    if let Some(end) = root.end_raw() {
        out.extend_from_slice(end);
    }
    Some(out)
}

/// UTF-16 written without a byte-order mark (roundcube's sample): every other
/// byte of the first line is zero.
fn utf16_without_bom(input: &[u8]) -> Option<Vec<u8>> {
    let head = input.get(..8)?;
    let encoding = if head.iter().step_by(2).all(|b| *b == 0) && head.iter().skip(1).step_by(2).all(|b| *b != 0) {
        encoding_rs::UTF_16BE
    } else if head.iter().skip(1).step_by(2).all(|b| *b == 0) && head.iter().step_by(2).all(|b| *b != 0) {
        encoding_rs::UTF_16LE
    } else {
        return None;
    };
    let (text, _) = encoding.decode_without_bom_handling(input);
    Some(text.into_owned().into_bytes())
}
