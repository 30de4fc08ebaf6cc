//! The span contract of [`super`]: unit cases, and for every case and fixture
//! a check under floating zones from UTC-12 to UTC+14.

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};

use super::*;
use crate::server::dav::query::calendar;
use crate::server::dav::xml::request::{TimeRange, UtcDateTime};

fn record(body: &str) -> Record {
    let text = format!("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}END:VCALENDAR\n");
    crate::adapters::ical::parse(text.replace('\n', "\r\n").as_bytes())
        .unwrap()
        .remove(0)
}

fn event(lines: &str) -> Record {
    record(&format!(
        "BEGIN:VEVENT\nUID:e\nDTSTAMP:20240101T000000Z\n{lines}END:VEVENT\n"
    ))
}

fn at(text: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&chrono::NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%SZ").unwrap())
}

/// The span expected for occurrences from `start` to `end` (`None`: no end).
fn spanning(start: &str, end: Option<&str>) -> Option<EventSpan> {
    Some(EventSpan {
        start: at(start) - MARGIN,
        end: end.map(|e| at(e) + MARGIN),
    })
}

fn utc_date_time(t: DateTime<Utc>) -> UtcDateTime {
    UtcDateTime {
        year: t.year() as u16,
        month: t.month() as u8,
        day: t.day() as u8,
        hour: t.hour() as u8,
        minute: t.minute() as u8,
        second: t.second() as u8,
    }
}

/// `VCALENDAR > VEVENT` with a time-range.
fn events_in(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> CompFilter {
    let comp = |name, time_range, comp_filters| CompFilter {
        name,
        is_not_defined: false,
        time_range,
        prop_filters: Vec::new(),
        comp_filters,
    };
    let range = TimeRange {
        start: start.map(utc_date_time),
        end: end.map(utc_date_time),
    };
    comp(
        ComponentName::VCalendar,
        None,
        vec![comp(ComponentName::VEvent, Some(range), Vec::new())],
    )
}

const FLOATING_ZONES: [&str; 5] = [
    "Pacific/Kiritimati",
    "Etc/GMT+12",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "UTC",
];

/// The contract, for every floating zone: no VEVENT occurrence lies wholly
/// before the span or after it, so the exact filter keeps nothing there.
fn check_contract(record: &Record) {
    let Some(span) = event_span(record) else { return };
    let zones = FLOATING_ZONES
        .iter()
        .map(|z| Zone::named(z).unwrap())
        .chain([Zone::Utc]);
    for zone in zones {
        let before = events_in(None, Some(span.start));
        assert!(
            !calendar::matches(&before, record, &zone),
            "before {span:?} in {zone:?}"
        );
        if let Some(end) = span.end {
            let after = events_in(Some(end), None);
            assert!(!calendar::matches(&after, record, &zone), "after {span:?} in {zone:?}");
        }
    }
}

#[test]
fn timed_event_spans_dtstart_to_dtend() {
    let e = event("DTSTART:20240105T100000Z\nDTEND:20240105T113000Z\n");
    assert_eq!(event_span(&e), spanning("20240105T100000Z", Some("20240105T113000Z")));
    let instant = event("DTSTART:20240105T100000Z\n");
    assert_eq!(
        event_span(&instant),
        spanning("20240105T100000Z", Some("20240105T100000Z"))
    );
}

#[test]
fn rfc5545_3_8_2_5_duration_gives_the_end() {
    let e = event("DTSTART:20240105T100000Z\nDURATION:PT2H\n");
    assert_eq!(event_span(&e), spanning("20240105T100000Z", Some("20240105T120000Z")));
}

#[test]
fn tzid_zone_is_converted_exactly() {
    let e = event("DTSTART;TZID=America/New_York:20240105T090000\nDTEND;TZID=America/New_York:20240105T100000\n");
    assert_eq!(event_span(&e), spanning("20240105T140000Z", Some("20240105T150000Z")));
    check_contract(&e);
}

#[test]
fn all_day_and_floating_events_hold_in_every_zone() {
    let all_day = event("DTSTART;VALUE=DATE:20240105\n");
    assert_eq!(
        event_span(&all_day),
        spanning("20240105T000000Z", Some("20240106T000000Z"))
    );
    check_contract(&all_day);
    let floating = event("DTSTART:20240105T230000\nDTEND:20240106T010000\n");
    assert_eq!(
        event_span(&floating),
        spanning("20240105T230000Z", Some("20240106T010000Z"))
    );
    check_contract(&floating);
}

#[test]
fn rfc5545_3_3_10_count_and_until_end_the_series() {
    let count = event("DTSTART:20240101T090000Z\nDTEND:20240101T100000Z\nRRULE:FREQ=DAILY;COUNT=5\n");
    assert_eq!(
        event_span(&count),
        spanning("20240101T090000Z", Some("20240105T100000Z"))
    );
    check_contract(&count);
    let until =
        event("DTSTART;TZID=Europe/Berlin:20240101T090000\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;UNTIL=20240122T080000Z\n");
    assert_eq!(
        event_span(&until),
        spanning("20240101T080000Z", Some("20240122T090000Z"))
    );
    check_contract(&until);
}

#[test]
fn series_without_end_or_too_long_has_no_end() {
    let weekly = event("DTSTART:20240101T090000Z\nRRULE:FREQ=WEEKLY\n");
    assert_eq!(event_span(&weekly), spanning("20240101T090000Z", None));
    let long = event("DTSTART:20240101T090000Z\nRRULE:FREQ=SECONDLY;COUNT=1000000\n");
    assert_eq!(event_span(&long), spanning("20240101T090000Z", None));
    let bad_until = event("DTSTART:20240101T090000Z\nRRULE:FREQ=DAILY;UNTIL=soon\n");
    assert_eq!(event_span(&bad_until).and_then(|s| s.end), None);
}

#[test]
fn rfc5545_3_8_5_2_rdates_before_and_after_the_rule() {
    let e = event(
        "DTSTART:20240110T090000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=2\n\
         RDATE:20231201T090000Z,20240301T090000Z\nRDATE;VALUE=PERIOD:20240401T090000Z/PT5H\n",
    );
    assert_eq!(event_span(&e), spanning("20231201T090000Z", Some("20240401T140000Z")));
    check_contract(&e);
}

#[test]
fn override_moved_outside_the_masters_range_widens_the_span() {
    let moved = record(
        "BEGIN:VEVENT\nUID:e\nDTSTAMP:20240101T000000Z\nDTSTART:20240101T090000Z\nDURATION:PT1H\n\
         RRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:e\nDTSTAMP:20240101T000000Z\nRECURRENCE-ID:20240102T090000Z\n\
         DTSTART:20240601T090000Z\nDTEND:20240601T100000Z\nEND:VEVENT\n",
    );
    assert_eq!(
        event_span(&moved),
        spanning("20240101T090000Z", Some("20240601T100000Z"))
    );
    check_contract(&moved);
    let earlier = record(
        "BEGIN:VEVENT\nUID:e\nDTSTAMP:20240101T000000Z\nRECURRENCE-ID:20240102T090000Z\n\
         DTSTART:20231101T090000Z\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:e\nDTSTAMP:20240101T000000Z\nDTSTART:20240101T090000Z\nDURATION:PT1H\n\
         RRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT\n",
    );
    assert_eq!(
        event_span(&earlier),
        spanning("20231101T090000Z", Some("20240103T100000Z"))
    );
    check_contract(&earlier);
}

#[test]
fn floating_exdates_and_until_cannot_narrow_the_span_in_another_zone() {
    // Read in UTC the EXDATE removes the last instance; read in Berlin it
    // names 08:00Z and removes nothing.
    let exdate = event("DTSTART:20240101T090000Z\nRRULE:FREQ=WEEKLY;COUNT=3\nEXDATE:20240115T090000\n");
    check_contract(&exdate);
    assert_eq!(
        event_span(&exdate),
        spanning("20240101T090000Z", Some("20240115T090000Z"))
    );
    // Read in UTC the series ends on the 8th; at UTC+14 UNTIL is the 15th,
    // 10:00 local, so the 15th is an instance too.
    let until = event("DTSTART;VALUE=DATE:20240101\nRRULE:FREQ=WEEKLY;UNTIL=20240114T200000Z\n");
    check_contract(&until);
    assert!(event_span(&until).unwrap().end.unwrap() >= at("20240116T000000Z"));
}

#[test]
fn fixtures_keep_the_contract() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dav_query");
    let mut spans = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ics") {
            for record in crate::adapters::ical::parse(&std::fs::read(&path).unwrap()).unwrap() {
                spans += usize::from(event_span(&record).is_some());
                check_contract(&record);
            }
        }
    }
    assert!(spans >= 5, "{spans} fixtures have a span");
}

#[test]
fn anything_else_has_no_span() {
    let todo = record("BEGIN:VTODO\nUID:t\nDTSTAMP:20240101T000000Z\nDTSTART:20240101T090000Z\nEND:VTODO\n");
    assert_eq!(event_span(&todo), None);
    let mixed = record(
        "BEGIN:VEVENT\nUID:e\nDTSTAMP:20240101T000000Z\nDTSTART:20240101T090000Z\nEND:VEVENT\n\
         BEGIN:VJOURNAL\nUID:e\nDTSTAMP:20240101T000000Z\nDTSTART:20240101T090000Z\nEND:VJOURNAL\n",
    );
    assert_eq!(event_span(&mixed), None);
    assert_eq!(event_span(&event("SUMMARY:no start\n")), None);
    let this_and_future = record(
        "BEGIN:VEVENT\nUID:e\nDTSTAMP:20240101T000000Z\nDTSTART:20240101T090000Z\nRRULE:FREQ=DAILY;COUNT=9\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:e\nDTSTAMP:20240101T000000Z\nRECURRENCE-ID;RANGE=THISANDFUTURE:20240105T090000Z\n\
         DTSTART:20240105T100000Z\nEND:VEVENT\n",
    );
    assert_eq!(event_span(&this_and_future), None);
    let card = crate::adapters::vcard::parse(b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c\r\nFN:C\r\nEND:VCARD\r\n")
        .unwrap()
        .remove(0);
    assert_eq!(event_span(&card), None);
}

#[test]
fn vtimezone_components_are_read_for_their_zone() {
    let e = record(
        "BEGIN:VTIMEZONE\nTZID:Custom\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0300\n\
         TZOFFSETTO:+0300\nEND:STANDARD\nEND:VTIMEZONE\n\
         BEGIN:VEVENT\nUID:e\nDTSTAMP:20240101T000000Z\nDTSTART;TZID=Custom:20240105T120000\nEND:VEVENT\n",
    );
    assert_eq!(event_span(&e), spanning("20240105T090000Z", Some("20240105T090000Z")));
}

#[test]
fn query_window_only_for_vevent_time_ranges() {
    let (s, e) = (at("20240101T000000Z"), at("20240201T000000Z"));
    let events = events_in(Some(s), Some(e));
    assert_eq!(query_window(&events), Some(Range::new(s, e)));
    let mut negated = events.clone();
    negated.comp_filters[0].is_not_defined = true;
    assert_eq!(query_window(&negated), None);
    let mut todos = events.clone();
    todos.comp_filters[0].name = ComponentName::VTodo;
    assert_eq!(query_window(&todos), None);
    // A time-range on the alarms only: the event itself may lie anywhere.
    let mut alarms = events.clone();
    let range = alarms.comp_filters[0].time_range.take();
    alarms.comp_filters[0].comp_filters.push(CompFilter {
        name: ComponentName::VAlarm,
        is_not_defined: false,
        time_range: range,
        prop_filters: Vec::new(),
        comp_filters: Vec::new(),
    });
    assert_eq!(query_window(&alarms), None);
}
