//! calendar-query with a VEVENT time-range (RFC 4791 §7.8, §9.9) over real
//! HTTP reads only the objects whose stored time span meets the range: the
//! answer is exactly the exact filter's over every object, for events
//! inside and outside the range, recurring ones, overrides, EXDATEs,
//! floating and all-day events read in another zone, and tasks.

mod common;

use common::dav_client::{DavClient, Reply};
use pimgate::server::dav::query::zone::Zone;
use pimgate::server::dav::query::{calendar, span};
use pimgate::server::dav::xml::request::CompFilter;
use pimgate::store::{ObjectStore, TimeSpan};
use pimgate::universal::CollectionId;
use reqwest::StatusCode;

const CAL: &str = "/dav/calendars/alice/calendar/";
const NS: &str = r#"xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav""#;
/// The week queried: 2026-01-05 (a Monday) up to 2026-01-12.
const FILTER: &str = r#"<cal:comp-filter name="VCALENDAR"><cal:comp-filter name="VEVENT"><cal:time-range start="20260105T000000Z" end="20260112T000000Z"/></cal:comp-filter></cal:comp-filter>"#;

fn calendar_object(components: &str) -> String {
    format!("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{components}END:VCALENDAR\n").replace('\n', "\r\n")
}

fn event(uid: &str, lines: &str) -> String {
    format!("BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20240101T000000Z\n{lines}END:VEVENT\n")
}

/// (name, object): the calendar the queries run over.
fn objects() -> Vec<(&'static str, String)> {
    let one = |uid: &'static str, lines: &str| (uid, calendar_object(&event(uid, lines)));
    vec![
        one("inside", "DTSTART:20260107T100000Z\nDTEND:20260107T110000Z\n"),
        one("before", "DTSTART:20200301T100000Z\nDTEND:20200301T110000Z\n"),
        one("after", "DTSTART:20300301T100000Z\nDTEND:20300301T110000Z\n"),
        one(
            "weekly",
            "DTSTART;TZID=Europe/Berlin:20240101T100000\nDTEND;TZID=Europe/Berlin:20240101T110000\nRRULE:FREQ=WEEKLY\n",
        ),
        one(
            "ended",
            "DTSTART:20250101T090000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=10\n",
        ),
        (
            "moved",
            calendar_object(&format!(
                "{}{}",
                event(
                    "moved",
                    "DTSTART:20250601T090000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3\n"
                ),
                event(
                    "moved",
                    "RECURRENCE-ID:20250608T090000Z\nDTSTART:20260108T090000Z\nDTEND:20260108T100000Z\n"
                ),
            )),
        ),
        one(
            "excluded",
            "DTSTART:20251201T090000Z\nRRULE:FREQ=WEEKLY;UNTIL=20260131T000000Z\nEXDATE:20260105T090000Z\n",
        ),
        one("floating", "DTSTART:20260104T220000\nDTEND:20260104T230000\n"),
        one("all-day", "DTSTART;VALUE=DATE:20260104\n"),
        one("at-start", "DTSTART:20260105T000000Z\n"),
        one("at-end", "DTSTART:20260112T000000Z\n"),
        one("ends-at-start", "DTSTART:20260104T230000Z\nDTEND:20260105T000000Z\n"),
        one(
            "duration",
            "DTSTART;TZID=Europe/Berlin:20260111T230000\nDURATION:PT2H\n",
        ),
        one(
            "unknown-zone",
            "DTSTART;TZID=Nowhere/Special:20260104T230000\nDTEND;TZID=Nowhere/Special:20260104T233000\n",
        ),
        (
            "task",
            calendar_object("BEGIN:VTODO\nUID:task\nDTSTAMP:20240101T000000Z\nDUE:20260107T120000Z\nEND:VTODO\n"),
        ),
    ]
}

async fn query(c: &DavClient<'_>, path: &str, timezone_id: Option<&str>) -> Vec<String> {
    let zone = timezone_id.map_or(String::new(), |z| format!("<cal:timezone-id>{z}</cal:timezone-id>"));
    let body = format!(
        r#"<?xml version="1.0"?><cal:calendar-query {NS}><d:prop><d:getetag/></d:prop><cal:filter>{FILTER}</cal:filter>{zone}</cal:calendar-query>"#
    );
    let r: Reply = c.request("REPORT", path, &[("depth", "1")], body).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    let mut hrefs: Vec<String> = r
        .texts("href")
        .into_iter()
        .map(|h| h.trim_start_matches(path).trim_end_matches(".ics").to_owned())
        .collect();
    hrefs.sort();
    hrefs
}

/// What the exact filter keeps when it reads every object (the answer before the prefilter).
fn exact(zone: &Zone) -> Vec<String> {
    let filter = pimgate::server::dav::xml::request::parse_report(
        format!(r#"<cal:calendar-query {NS}><d:prop/><cal:filter>{FILTER}</cal:filter></cal:calendar-query>"#)
            .as_bytes(),
        &Default::default(),
    )
    .unwrap();
    let pimgate::server::dav::xml::request::Report::CalendarQuery { filter, .. } = filter else {
        panic!("a calendar-query")
    };
    let mut kept: Vec<String> = objects()
        .into_iter()
        .filter(|(_, body)| {
            let record = pimgate::adapters::ical::parse(body.as_bytes()).unwrap().remove(0);
            calendar::matches(&filter, &record, zone)
        })
        .map(|(name, _)| name.to_owned())
        .collect();
    kept.sort();
    kept
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    names.sort();
    names
}

/// The names the store offers as candidates of the queried week.
async fn candidates(s: &common::server::TestServer, collection: &str) -> Vec<String> {
    let window = TimeSpan::between(
        Some(1_767_571_200), // 2026-01-05T00:00:00Z
        Some(1_768_176_000), // 2026-01-12T00:00:00Z
    );
    let id = CollectionId(format!("alice/calendars/{collection}"));
    let found = s.state.store().objects_meeting(&id, window, None, 1000).await.unwrap();
    found
        .into_iter()
        .map(|o| o.name.0.trim_end_matches(".ics").to_owned())
        .collect()
}

/// The names whose stored span is exact (every object, any range).
async fn exact_spans(s: &common::server::TestServer, collection: &str) -> Vec<String> {
    let id = CollectionId(format!("alice/calendars/{collection}"));
    let found = s
        .state
        .store()
        .spans_meeting(&id, TimeSpan::UNKNOWN, None, 1000)
        .await
        .unwrap();
    let mut names: Vec<String> = found
        .into_iter()
        .filter(|(_, span)| span.exact)
        .map(|(name, _)| name.0.trim_end_matches(".ics").to_owned())
        .collect();
    names.sort();
    names
}

dav_test!(rfc4791_9_9_time_range_prefilter_keeps_exactly_the_matches, |s| {
    let c = DavClient::new(s, "alice").await;
    for (name, body) in objects() {
        let r = c.put(&format!("{CAL}{name}.ics"), "text/calendar", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.body);
    }
    let in_utc = sorted(&["inside", "weekly", "moved", "at-start", "duration"]);
    assert_eq!(exact(&Zone::Utc), in_utc);
    assert_eq!(query(&c, CAL, None).await, in_utc);
    // Read in Los Angeles (UTC-8) the floating and all-day events of the
    // 4th reach into the week.
    let in_la = sorted(&[
        "inside",
        "weekly",
        "moved",
        "at-start",
        "duration",
        "floating",
        "all-day",
        "unknown-zone",
    ]);
    assert_eq!(exact(&Zone::named("America/Los_Angeles").unwrap()), in_la);
    assert_eq!(query(&c, CAL, Some("America/Los_Angeles")).await, in_la);

    // The prefilter did leave objects out: those whose events all lie
    // elsewhere. The task has no span and is always read.
    let offered = candidates(s, "calendar").await;
    for far in ["before", "after", "ended"] {
        assert!(!offered.iter().any(|n| n == far), "{far} in {offered:?}");
    }
    for near in ["task", "floating", "all-day", "at-end", "excluded", "moved"] {
        assert!(offered.iter().any(|n| n == near), "{near} not in {offered:?}");
    }

    // Events with one occurrence the same in every zone are decided on
    // their spans; the rest are read.
    let exact = exact_spans(s, "calendar").await;
    assert_eq!(
        exact,
        sorted(&[
            "inside",
            "before",
            "after",
            "at-start",
            "at-end",
            "ends-at-start",
            "duration"
        ])
    );

    // A copied calendar keeps the spans, and the same answer.
    let destination = s.url("/dav/calendars/alice/copy/");
    let copied = c
        .request("COPY", CAL, &[("destination", destination.as_str())], Vec::new())
        .await;
    assert_eq!(copied.status, StatusCode::CREATED, "{}", copied.body);
    assert_eq!(candidates(s, "copy").await, offered);
    assert_eq!(exact_spans(s, "copy").await, exact);
    assert_eq!(query(&c, "/dav/calendars/alice/copy/", None).await, in_utc);
});

dav_test!(rfc4791_9_9_prefilter_reads_candidates_in_pages, |s| {
    let c = DavClient::new(s, "alice").await;
    // More candidates than one page (500), and objects outside the range.
    let inside = |i: usize| !i.is_multiple_of(7);
    for i in 0..640 {
        let day = if inside(i) { "20260106" } else { "20250106" };
        let body = calendar_object(&event(
            &format!("e{i:04}"),
            &format!("DTSTART:{day}T100000Z\nDTEND:{day}T110000Z\n"),
        ));
        let r = c.put(&format!("{CAL}e{i:04}.ics"), "text/calendar", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let expected: Vec<String> = (0..640).filter(|i| inside(*i)).map(|i| format!("e{i:04}")).collect();
    assert!(expected.len() > 500);
    assert_eq!(query(&c, CAL, None).await, expected);
});

/// A calendar-query filter for VEVENTs in [start, end).
fn sole_filter(start: chrono::DateTime<chrono::Utc>, end: chrono::DateTime<chrono::Utc>) -> CompFilter {
    let filter = format!(
        r#"<cal:comp-filter name="VCALENDAR"><cal:comp-filter name="VEVENT"><cal:time-range start="{}" end="{}"/></cal:comp-filter></cal:comp-filter>"#,
        start.format("%Y%m%dT%H%M%SZ"),
        end.format("%Y%m%dT%H%M%SZ")
    );
    let report = pimgate::server::dav::xml::request::parse_report(
        format!(r#"<cal:calendar-query {NS}><d:prop/><cal:filter>{filter}</cal:filter></cal:calendar-query>"#)
            .as_bytes(),
        &Default::default(),
    )
    .unwrap();
    let pimgate::server::dav::xml::request::Report::CalendarQuery { filter, .. } = report else {
        panic!("a calendar-query")
    };
    filter
}

/// Over every calendar object of the real-world corpus: where the span is
/// exact, deciding a time-range on the stored span answers like the exact
/// filter on the record, in UTC and in another floating zone, for ranges
/// touching each edge.
#[test]
fn exact_spans_decide_like_records_over_the_corpus() {
    use chrono::Duration;
    let zones = [Zone::Utc, Zone::named("Pacific/Kiritimati").unwrap()];
    let (mut exact, mut checked) = (0usize, 0usize);
    for file in common::corpus("ical") {
        let Ok(records) = pimgate::adapters::ical::parse(&file.bytes()) else {
            continue;
        };
        for record in &records {
            let span = pimgate::server::render::time_span(record);
            if !span.exact {
                continue;
            }
            exact += 1;
            let (start, end) = (span.start.unwrap(), span.end.unwrap());
            let occurrence = span::stored_occurrence(start, end).expect("an exact span has an occurrence");
            let at = |t: i64| chrono::DateTime::from_timestamp(t, 0).unwrap();
            let (s, e) = (at(start), at(end));
            let second = Duration::seconds(1);
            let ranges = [
                (s - Duration::hours(1), s),
                (s - second, s + second),
                (s, s + second),
                (e - second, e),
                (e, e + Duration::hours(1)),
                (s - Duration::days(2), e + Duration::days(2)),
                (e + Duration::days(1), e + Duration::days(2)),
            ];
            for (from, to) in ranges {
                let filter = sole_filter(from, to);
                let range = span::sole_window(&filter).expect("a sole VEVENT time-range");
                for zone in &zones {
                    checked += 1;
                    assert_eq!(
                        occurrence.overlaps(&range),
                        calendar::matches(&filter, record, zone),
                        "{}: {from}..{to} in {zone:?}, span {start}..{end}",
                        file.name
                    );
                }
            }
        }
    }
    assert!(exact > 50, "only {exact} exact spans in the corpus");
    assert!(checked > 500);
}
