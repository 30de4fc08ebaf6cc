//! Shared helpers of the `dav_query_*` tests: fixtures from
//! `fixtures/dav_query/` parsed with the real adapters, filters parsed from
//! real REPORT bodies.
#![allow(dead_code)]

use pimgate::server::dav::query::{Range, utc};
use pimgate::server::dav::xml::XmlLimits;
use pimgate::server::dav::xml::request::{CardFilter, CompFilter, Report, UtcDateTime, parse_report};
use pimgate::universal::Record;

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/dav_query")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The objects of a fixture (.ics through the iCalendar adapter, .vcf through vCard).
pub fn records(name: &str) -> Vec<Record> {
    let bytes = fixture_bytes(name);
    if name.ends_with(".vcf") {
        pimgate::adapters::vcard::parse(&bytes).unwrap()
    } else {
        pimgate::adapters::ical::parse(&bytes).unwrap()
    }
}

/// The one object of a fixture.
pub fn record(name: &str) -> Record {
    let mut records = records(name);
    assert_eq!(records.len(), 1, "{name} holds one object");
    records.remove(0)
}

/// The top-level comp-filter of a calendar-query whose `<C:filter>` holds `filter`.
pub fn comp_filter(filter: &str) -> CompFilter {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8" ?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter>{filter}</C:filter>
</C:calendar-query>"#
    );
    match parse_report(body.as_bytes(), &XmlLimits::default()).unwrap() {
        Report::CalendarQuery { filter, .. } => filter,
        other => panic!("not a calendar-query: {other:?}"),
    }
}

/// The filter of an addressbook-query whose `<C:filter>` element is `filter`.
pub fn card_filter(filter: &str) -> CardFilter {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8" ?>
<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop><D:getetag/></D:prop>
  {filter}
</C:addressbook-query>"#
    );
    match parse_report(body.as_bytes(), &XmlLimits::default()).unwrap() {
        Report::AddressbookQuery { filter, .. } => filter,
        other => panic!("not an addressbook-query: {other:?}"),
    }
}

/// `"20060104T000000Z/20060105T000000Z"`; either side may be empty (open).
pub fn range(text: &str) -> Range {
    let (start, end) = text.split_once('/').expect("start/end");
    let bound = |t: &str| (!t.is_empty()).then(|| utc(&UtcDateTime::parse(t).expect(t)).unwrap());
    Range {
        start: bound(start),
        end: bound(end),
    }
}

/// An instant as `YYYYMMDDTHHMMSSZ`.
pub fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}
