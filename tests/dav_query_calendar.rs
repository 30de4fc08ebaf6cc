//! calendar-query filters (RFC 4791 §9.7, §9.9) over fixtures, RFC 4791
//! Appendix B's data and queries among them.

mod dav_query_support;

use dav_query_support::{comp_filter, record};
use pimgate::server::dav::query::calendar;
use pimgate::server::dav::query::zone::Zone;

/// Whether `fixture` matches the calendar-query filter `filter`, floating
/// times in `zone` (UTC when `None`).
fn check_in(fixture: &str, filter: &str, zone: Option<&str>, expected: bool) {
    let floating = zone.map_or(Zone::Utc, |z| Zone::named(z).unwrap());
    let got = calendar::matches(&comp_filter(filter), &record(fixture), &floating);
    assert_eq!(got, expected, "{fixture} with {filter}");
}

fn check(fixture: &str, filter: &str, expected: bool) {
    check_in(fixture, filter, None, expected);
}

fn events_in(range: &str) -> String {
    let (start, end) = range.split_once('/').unwrap();
    let start = if start.is_empty() {
        String::new()
    } else {
        format!(r#" start="{start}""#)
    };
    let end = if end.is_empty() {
        String::new()
    } else {
        format!(r#" end="{end}""#)
    };
    format!(
        r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range{start}{end}/></C:comp-filter></C:comp-filter>"#
    )
}

const ABCD: [&str; 4] = [
    "rfc4791_b_abcd1.ics",
    "rfc4791_b_abcd2.ics",
    "rfc4791_b_abcd3.ics",
    "rfc4791_b_abcd4.ics",
];

/// Runs one filter over the four Appendix B objects; `expected` lists the matches.
fn check_appendix_b(filter: &str, expected: &[&str]) {
    for fixture in ABCD {
        check(fixture, filter, expected.iter().any(|e| fixture.contains(e)));
    }
}

#[test]
fn rfc4791_7_8_1_time_range_finds_events_of_january_4th() {
    check_appendix_b(&events_in("20060104T000000Z/20060105T000000Z"), &["abcd2", "abcd3"]);
}

#[test]
fn rfc4791_9_9_open_ended_time_range() {
    check_appendix_b(&events_in("20060104T000000Z/"), &["abcd2", "abcd3"]);
    check_appendix_b(&events_in("/20060102T150001Z"), &["abcd1"]);
}

#[test]
fn rfc4791_9_9_time_range_matches_recurrence_instances_only_through_expansion() {
    // Only the second instance of Event #2 (Jan 3rd, 17:00Z) is in range.
    check_appendix_b(&events_in("20060103T000000Z/20060104T000000Z"), &["abcd2"]);
    // The COUNT=5 series ends on Jan 6th; Jan 7th has nothing.
    check_appendix_b(&events_in("20060107T000000Z/20060108T000000Z"), &[]);
}

#[test]
fn rfc4791_9_9_override_moves_an_instance_out_of_its_slot() {
    // Jan 4th's instance moved from 12:00 to 14:00 EST (17:00Z → 19:00Z).
    check(
        "rfc4791_b_abcd2.ics",
        &events_in("20060104T170000Z/20060104T180000Z"),
        false,
    );
    check(
        "rfc4791_b_abcd2.ics",
        &events_in("20060104T190000Z/20060104T193000Z"),
        true,
    );
}

#[test]
fn rfc4791_7_8_6_text_match_on_uid_and_description() {
    let uid = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;octet">DC6C50A017428C5216A2F1CD@example.com</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    check_appendix_b(uid, &["abcd3"]);
    let steelers = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="DESCRIPTION"><C:text-match>steelers</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    check_appendix_b(steelers, &["abcd1"]);
}

#[test]
fn rfc4791_7_8_8_comp_filter_selects_events_only() {
    let events = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter>"#;
    check_appendix_b(events, &["abcd1", "abcd2", "abcd3"]);
    let todos = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"/></C:comp-filter>"#;
    check_appendix_b(todos, &["abcd4"]);
}

#[test]
fn rfc4791_7_8_7_param_filter_on_attendee_partstat() {
    let filter = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="ATTENDEE"><C:text-match collation="i;ascii-casemap">mailto:lisa@example.com</C:text-match><C:param-filter name="PARTSTAT"><C:text-match collation="i;ascii-casemap">NEEDS-ACTION</C:text-match></C:param-filter></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    check_appendix_b(filter, &["abcd3"]);
    let accepted = filter.replace("NEEDS-ACTION", "ACCEPTED");
    check_appendix_b(&accepted, &[]);
}

#[test]
fn rfc4791_9_7_1_is_not_defined_and_negated_text_match() {
    let no_rrule = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="RRULE"><C:is-not-defined/></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    // abcd2's overrides have no RRULE: one component without it suffices.
    check_appendix_b(no_rrule, &["abcd1", "abcd2", "abcd3"]);
    let no_todo = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:is-not-defined/></C:comp-filter></C:comp-filter>"#;
    check_appendix_b(no_todo, &["abcd1", "abcd2", "abcd3"]);
    let not_event_1 = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match negate-condition="yes">Event #1</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    check_appendix_b(not_event_1, &["abcd2", "abcd3"]);
}

#[test]
fn rfc4791_7_8_5_alarm_time_range_on_todo() {
    // Task #1 is due (DATE) on Jan 4th; its alarm is relative to a start it does not have.
    let alarm_of = |parent: &str, range: &str| {
        let (s, e) = range.split_once('/').unwrap();
        format!(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="{parent}"><C:comp-filter name="VALARM"><C:time-range start="{s}" end="{e}"/></C:comp-filter></C:comp-filter></C:comp-filter>"#
        )
    };
    check(
        "rfc4791_b_abcd4.ics",
        &alarm_of("VTODO", "20060106T100000Z/20060107T100000Z"),
        false,
    );
    let alarm = |range: &str| alarm_of("VEVENT", range);
    // An alarm one day before each of three monthly instances (Jan, Feb, Mar 10th, 15:00Z).
    check(
        "alarm_day_before.ics",
        &alarm("20240209T140000Z/20240209T160000Z"),
        true,
    );
    check(
        "alarm_day_before.ics",
        &alarm("20240210T140000Z/20240210T160000Z"),
        false,
    );
    check(
        "alarm_day_before.ics",
        &alarm("20240409T000000Z/20240410T000000Z"),
        false,
    );
}

#[test]
fn rfc4791_9_9_time_range_matches_recurring_weekly_event_years_later() {
    let planning = "weekly_2020_new_york.ics";
    // Monday 2026-03-09, 09:00 EDT (DST began March 8th) = 13:00Z.
    check(planning, &events_in("20260309T130000Z/20260309T133000Z"), true);
    check(planning, &events_in("20260309T140000Z/20260309T150000Z"), false);
    // Monday 2026-01-05, 09:00 EST = 14:00Z.
    check(planning, &events_in("20260105T140000Z/20260105T143000Z"), true);
    // EXDATE removes March 16th.
    check(planning, &events_in("20260316T000000Z/20260317T000000Z"), false);
    // The override moves March 23rd to April 1st.
    check(planning, &events_in("20260323T000000Z/20260324T000000Z"), false);
    check(planning, &events_in("20260401T130000Z/20260401T140000Z"), true);
}

#[test]
fn rfc5545_3_3_5_dst_gap_in_europe_berlin_uses_the_offset_before_it() {
    let job = "daily_berlin_dst.ics";
    // March 29th and 30th: 02:30 CET = 01:30Z.
    check(job, &events_in("20240330T013000Z/20240330T014000Z"), true);
    // March 31st: 02:30 does not exist; read with the offset before the gap (+01:00) = 01:30Z.
    check(job, &events_in("20240331T013000Z/20240331T014000Z"), true);
    // UNTIL 2024-04-01T00:30Z = 02:30 CEST local, so April 1st (00:30Z) is the last.
    check(job, &events_in("20240401T003000Z/20240401T004000Z"), true);
    check(job, &events_in("20240402T000000Z/20240403T000000Z"), false);
}

#[test]
fn rfc4791_9_9_all_day_events_follow_the_floating_zone() {
    let birthday = "all_day.ics";
    check(birthday, &events_in("20260105T120000Z/20260105T130000Z"), true);
    check(birthday, &events_in("20260106T000000Z/20260107T000000Z"), false);
    // EXDATE;VALUE=DATE removes 2025.
    check(birthday, &events_in("20250105T000000Z/20250106T000000Z"), false);
    // In New York, the day starts at 05:00Z: 04:00Z on the 5th is still the 4th there.
    check_in(
        birthday,
        &events_in("20260105T040000Z/20260105T045959Z"),
        Some("America/New_York"),
        false,
    );
    check_in(
        birthday,
        &events_in("20260106T040000Z/20260106T045959Z"),
        Some("America/New_York"),
        true,
    );
}

#[test]
fn rfc4791_9_9_vtodo_without_dtstart() {
    let todos = |range: &str| {
        let (s, e) = range.split_once('/').unwrap();
        format!(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:time-range start="{s}" end="{e}"/></C:comp-filter></C:comp-filter>"#
        )
    };
    // DUE only: (start < DUE) AND (end >= DUE).
    check("todos.ics", &todos("20240110T000000Z/20240110T120000Z"), true);
    check("todos.ics", &todos("20240110T120000Z/20240111T000000Z"), false);
    // COMPLETED only: (start <= COMPLETED) AND (end >= COMPLETED).
    check("todo_completed.ics", &todos("20240115T080000Z/20240116T000000Z"), true);
    check("todo_completed.ics", &todos("20240116T000000Z/20240117T000000Z"), false);
    // Nothing at all: always in range.
    check("todo_bare.ics", &todos("19990101T000000Z/19990102T000000Z"), true);
    // DUE;VALUE=DATE in Appendix B: due at midnight UTC on Jan 4th.
    check("rfc4791_b_abcd4.ics", &todos("20060103T000000Z/20060104T000000Z"), true);
    check(
        "rfc4791_b_abcd4.ics",
        &todos("20060104T000000Z/20060105T000000Z"),
        false,
    );
}

#[test]
fn outlook_windows_tzid_resolves_through_the_tz_database() {
    // W. Europe Standard Time = Europe/Berlin: 09:00 CEST = 07:00Z.
    check(
        "outlook_windows_tz.ics",
        &events_in("20240701T070000Z/20240701T071500Z"),
        true,
    );
    check(
        "outlook_windows_tz.ics",
        &events_in("20240701T090000Z/20240701T091500Z"),
        false,
    );
}

#[test]
fn rfc4791_9_7_1_top_level_name_must_be_vcalendar() {
    check("rfc4791_b_abcd1.ics", r#"<C:comp-filter name="VCARD"/>"#, false);
    check("rfc4791_b_abcd1.ics", r#"<C:comp-filter name="VCALENDAR"/>"#, true);
}

#[test]
fn rfc4791_9_9_prop_filter_time_range_on_dtstamp() {
    let stamp = |s: &str, e: &str| {
        format!(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="DTSTAMP"><C:time-range start="{s}" end="{e}"/></C:prop-filter></C:comp-filter></C:comp-filter>"#
        )
    };
    check(
        "rfc4791_b_abcd1.ics",
        &stamp("20060206T001102Z", "20060206T001103Z"),
        true,
    );
    check(
        "rfc4791_b_abcd1.ics",
        &stamp("20060206T001103Z", "20060207T000000Z"),
        false,
    );
}

#[test]
fn unbounded_rules_terminate_within_the_limits() {
    let started = std::time::Instant::now();
    check("secondly.ics", &events_in("20260101T000000Z/20260102T000000Z"), false);
    check("secondly.ics", &events_in("20000101T000010Z/20000101T000011Z"), true);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}
