//! Instances, `<C:expand>` (RFC 4791 §9.6.5) and `<C:limit-recurrence-set>`
//! (§9.6.6) over fixtures, checked against RFC 4791 §7.8.3 and §7.8.4.

mod dav_query_support;

use dav_query_support::{range, record, stamp};
use pimgate::adapters::ical;
use pimgate::server::dav::query::Options;
use pimgate::server::dav::query::expand::{expanded_record, instances, limit_recurrence_set};

/// The instances of `fixture` in `window`, as `start/end` UTC strings.
fn check_instances(fixture: &str, window: &str, expected: &[&str]) {
    let got: Vec<String> = instances(&record(fixture), &range(window))
        .iter()
        .map(|i| format!("{}/{}", stamp(i.start), stamp(i.end)))
        .collect();
    assert_eq!(got, expected, "{fixture} in {window}");
}

/// The canonical iCalendar text of a record, the lines that matter only.
fn lines(record: &pimgate::universal::Record) -> Vec<String> {
    let mut record = record.clone();
    record.clear_raw();
    let bytes = ical::render(&record).unwrap();
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("DTSTAMP") && !l.starts_with("PRODID") && !l.starts_with("VERSION"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn rfc4791_9_9_instances_of_appendix_b_event_2() {
    check_instances(
        "rfc4791_b_abcd2.ics",
        "20060101T000000Z/20060110T000000Z",
        &[
            "20060102T170000Z/20060102T180000Z",
            "20060103T170000Z/20060103T180000Z",
            "20060104T190000Z/20060104T200000Z",
            "20060105T170000Z/20060105T180000Z",
            "20060106T190000Z/20060106T200000Z",
        ],
    );
}

#[test]
fn rfc5545_3_8_5_1_exdate_and_override_into_range() {
    check_instances(
        "weekly_2020_new_york.ics",
        "20260309T000000Z/20260406T000000Z",
        &[
            "20260309T130000Z/20260309T140000Z",
            // March 16th excluded, March 23rd moved to April 1st.
            "20260330T130000Z/20260330T140000Z",
            "20260401T130000Z/20260401T140000Z",
        ],
    );
}

#[test]
fn rfc5545_3_3_6_all_day_instances_last_one_day() {
    check_instances(
        "all_day.ics",
        "20240101T000000Z/20270101T000000Z",
        &["20240105T000000Z/20240106T000000Z", "20260105T000000Z/20260106T000000Z"],
    );
}

#[test]
fn rfc4791_7_8_3_expand_returns_instances_in_utc() {
    let expanded = expanded_record(
        &record("rfc4791_b_abcd2.ics"),
        &range("20060103T000000Z/20060105T000000Z"),
    );
    let expected = [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "DTSTART:20060103T170000Z",
        "DURATION:PT1H",
        "SUMMARY:Event #2",
        "UID:00959BC664CA650E933C892C@example.com",
        "RECURRENCE-ID:20060103T170000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "DTSTART:20060104T190000Z",
        "DURATION:PT1H",
        "RECURRENCE-ID:20060104T170000Z",
        "SUMMARY:Event #2 bis",
        "UID:00959BC664CA650E933C892C@example.com",
        "END:VEVENT",
        "END:VCALENDAR",
    ];
    assert_eq!(lines(&expanded), expected);
}

#[test]
fn rfc4791_9_6_5_expand_of_all_day_keeps_dates() {
    let expanded = expanded_record(&record("all_day.ics"), &range("20260101T000000Z/20260201T000000Z"));
    let text = lines(&expanded).join("\n");
    assert!(text.contains("DTSTART;VALUE=DATE:20260105"), "{text}");
    assert!(text.contains("RECURRENCE-ID;VALUE=DATE:20260105"), "{text}");
    assert!(!text.contains("RRULE") && !text.contains("EXDATE"), "{text}");
}

#[test]
fn rfc4791_7_8_4_limit_recurrence_set_keeps_master_and_overrides_in_range() {
    let limited = limit_recurrence_set(
        &record("rfc4791_b_abcd2.ics"),
        &range("20060103T000000Z/20060105T000000Z"),
        &Options::default(),
    );
    let summaries: Vec<String> = lines(&limited)
        .into_iter()
        .filter(|l| l.starts_with("SUMMARY"))
        .collect();
    assert_eq!(summaries, ["SUMMARY:Event #2", "SUMMARY:Event #2 bis"]);
    assert!(lines(&limited).iter().any(|l| l == "BEGIN:VTIMEZONE"), "VTIMEZONE kept");
}

#[test]
fn rfc4791_9_6_5_expand_drops_vtimezone_and_recurrence_rules() {
    let expanded = expanded_record(
        &record("weekly_2020_new_york.ics"),
        &range("20260309T000000Z/20260310T000000Z"),
    );
    let text = lines(&expanded).join("\n");
    assert!(text.contains("DTSTART:20260309T130000Z"), "{text}");
    assert!(text.contains("DTEND:20260309T140000Z"), "{text}");
    assert!(
        !text.contains("TZID") && !text.contains("RRULE") && !text.contains("EXDATE"),
        "{text}"
    );
}
