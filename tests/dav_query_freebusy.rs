//! free-busy-query (RFC 4791 §7.10) over fixtures.

mod dav_query_support;

use dav_query_support::{range, record, records, stamp};
use pimgate::adapters::ical;
use pimgate::server::dav::query::Options;
use pimgate::server::dav::query::freebusy::{FbType, collect, reply};

/// The busy periods of `fixtures` in `window`, as `start/end TYPE` strings.
fn check(fixtures: &[&str], window: &str, expected: &[&str]) {
    let records: Vec<_> = fixtures.iter().flat_map(|f| records(f)).collect();
    let got: Vec<String> = collect(&records, &range(window), &Options::default())
        .iter()
        .map(|p| format!("{}/{} {:?}", stamp(p.start), stamp(p.end), p.fbtype))
        .collect();
    assert_eq!(got, expected, "{fixtures:?} in {window}");
}

#[test]
fn rfc4791_7_10_tentative_is_busy_tentative_and_cancelled_is_free() {
    check(
        &["freebusy_mixed.ics"],
        "20240101T000000Z/20240201T000000Z",
        &[
            "20240108T090000Z/20240108T110000Z Busy",
            "20240109T090000Z/20240109T110000Z BusyTentative",
        ],
    );
}

#[test]
fn rfc4791_7_10_transparent_excluded_and_overlaps_merged() {
    check(
        &["freebusy_mixed.ics", "freebusy_transparent.ics"],
        "20240108T000000Z/20240109T000000Z",
        &["20240108T090000Z/20240108T113000Z Busy"],
    );
}

#[test]
fn rfc4791_7_10_periods_are_clipped_to_the_range() {
    check(
        &["freebusy_mixed.ics"],
        "20240108T100000Z/20240108T103000Z",
        &["20240108T100000Z/20240108T103000Z Busy"],
    );
}

#[test]
fn rfc4791_7_10_vfreebusy_periods_count_except_free() {
    check(
        &["vfreebusy.ics", "rfc4791_b_abcd3.ics"],
        "20060101T000000Z/20250101T000000Z",
        &[
            "20060104T150000Z/20060104T160000Z BusyTentative",
            "20240112T080000Z/20240112T100000Z BusyUnavailable",
        ],
    );
}

#[test]
fn rfc4791_7_10_reply_is_a_vfreebusy() {
    let window = range("20240108T000000Z/20240109T000000Z");
    let periods = collect(&[record("freebusy_mixed.ics")], &window, &Options::default());
    assert_eq!(periods[0].fbtype, FbType::Busy);
    let stamp = window.start.unwrap();
    let text = String::from_utf8(ical::render(&reply(&periods, &window, stamp)).unwrap()).unwrap();
    let expected = [
        "BEGIN:VFREEBUSY",
        "DTSTAMP:20240108T000000Z",
        "DTSTART:20240108T000000Z",
        "DTEND:20240109T000000Z",
        "FREEBUSY;FBTYPE=BUSY:20240108T090000Z/20240108T110000Z",
        "END:VFREEBUSY",
    ];
    let body: Vec<&str> = text.lines().skip_while(|l| *l != "BEGIN:VFREEBUSY").take(6).collect();
    assert_eq!(body, expected, "{text}");
}
