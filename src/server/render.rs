//! What the engine asks of the server about the records it writes: bytes
//! for records it built (a merged or pushed version), the
//! [`ObjectRenderer`] written with the adapters — vCard objects keep the
//! vCard version they were stored in (3.0 unless 4.0) — and what is stored
//! with every version to narrow queries: the time span ([`time_span`]) and
//! the search text of contacts ([`search_text`]).

use crate::adapters::{ical, vcard};
use crate::engine::ObjectRenderer;
use crate::server::dav::query::search;
use crate::server::dav::query::span::{event_span, exact_occurrence};
use crate::store::TimeSpan;
use crate::universal::{ObjectName, Record};

/// The [`TimeSpan`] the store keeps for `record` (the engine's
/// [`SpanOf`](crate::engine::SpanOf)): its VEVENTs' span, in seconds.
pub fn time_span(record: &Record) -> TimeSpan {
    if let Some((start, end)) = exact_occurrence(record).and_then(|o| o.bounds()) {
        return TimeSpan {
            start: Some(start.timestamp()),
            end: Some(end.timestamp()),
            exact: true,
        };
    }
    event_span(record).map_or(TimeSpan::UNKNOWN, |span| {
        TimeSpan::between(Some(span.start.timestamp()), span.end.map(|end| end.timestamp()))
    })
}

/// The search text the store keeps for a contact (the engine's
/// [`SearchTextOf`](crate::engine::SearchTextOf)): see
/// [`query::search`](crate::server::dav::query::search). Calendar objects
/// have none.
pub fn search_text(record: &Record) -> Option<String> {
    search::search_text(record)
}

/// Media type of vCard 3.0 objects (RFC 6350 §10.1 registers `text/vcard`).
pub const VCARD3: &str = "text/vcard; charset=utf-8; version=3.0";
/// Media type of vCard 4.0 objects.
pub const VCARD4: &str = "text/vcard; charset=utf-8; version=4.0";
/// Media type of iCalendar objects (RFC 5545 §8.1).
pub const ICALENDAR: &str = "text/calendar; charset=utf-8";

/// Renders with the vCard and iCalendar adapters.
#[derive(Debug, Clone, Copy, Default)]
pub struct AdapterRenderer;

impl ObjectRenderer for AdapterRenderer {
    fn render(&self, record: &Record, content_type: &str) -> Result<(Vec<u8>, String), String> {
        if !record.is_contact() {
            let bytes = ical::render(record).map_err(|e| e.to_string())?;
            return Ok((bytes, ICALENDAR.to_owned()));
        }
        let (version, media_type) = if content_type.contains("4.0") {
            (vcard::VCardVersion::V4, VCARD4)
        } else {
            (vcard::VCardVersion::V3, VCARD3)
        };
        let bytes = vcard::render(record, version).map_err(|e| e.to_string())?;
        Ok((bytes, media_type.to_owned()))
    }

    /// `<uid>.vcf` / `<uid>.ics`, with characters outside `A-Z a-z 0-9 - _ .`
    /// replaced, so the name needs no escaping in a URL.
    fn object_name(&self, record: &Record) -> ObjectName {
        let uid: String = record
            .uid()
            .unwrap_or("object")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .take(200)
            .collect();
        ObjectName(format!("{uid}.{}", if record.is_contact() { "vcf" } else { "ics" }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_keep_their_vcard_version_and_names_are_url_safe() {
        let card = b"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:a/b c\r\nFN:Jane\r\nEND:VCARD\r\n";
        let record = vcard::parse(card).unwrap().remove(0);
        let (bytes, media_type) = AdapterRenderer.render(&record, VCARD4).unwrap();
        assert_eq!(media_type, VCARD4);
        assert!(String::from_utf8(bytes).unwrap().contains("VERSION:4.0"));
        assert_eq!(AdapterRenderer.render(&record, VCARD3).unwrap().1, VCARD3);
        assert_eq!(AdapterRenderer.object_name(&record).as_str(), "a_b_c.vcf");
    }
}
