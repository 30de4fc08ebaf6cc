//! The query REPORTs over real HTTP: addressbook-query (RFC 6352 §8.6),
//! calendar-query (RFC 4791 §7.8) with expand, and free-busy-query
//! (RFC 4791 §7.10).

mod common;

use common::dav_client::{DavClient, Reply, vevent, vtodo};
use reqwest::StatusCode;

const BOOK: &str = "/dav/addressbooks/alice/contacts/";
const CAL: &str = "/dav/calendars/alice/calendar/";
const NS: &str =
    r#"xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav""#;

fn card_with_email(uid: &str, email: Option<&str>) -> String {
    let email = email.map_or(String::new(), |e| format!("EMAIL;TYPE=WORK:{e}\r\n"));
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{uid}\r\nN:{uid};;;;\r\n{email}END:VCARD\r\n")
}

/// A weekly event from Monday 2024-01-01 10:00 Berlin time.
fn weekly(uid: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20240101T100000\r\nDTEND;TZID=Europe/Berlin:20240101T110000\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:weekly\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn put(c: &DavClient<'_>, path: &str, media: &str, body: &str) {
    let r = c.put(path, media, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.body);
}

async fn report(c: &DavClient<'_>, path: &str, depth: &str, body: &str) -> Reply {
    let body = format!(r#"<?xml version="1.0"?>{body}"#).replace("NS", NS);
    c.request("REPORT", path, &[("depth", depth)], body).await
}

async fn calendar_fixture(c: &DavClient<'_>) {
    put(c, &format!("{CAL}weekly.ics"), "text/calendar", &weekly("weekly")).await;
    put(
        c,
        &format!("{CAL}old.ics"),
        "text/calendar",
        &vevent("old", "once in 2024"),
    )
    .await;
    put(c, &format!("{CAL}task.ics"), "text/calendar", &vtodo("task")).await;
}

const WEEK_2026: &str = r#"start="20260105T000000Z" end="20260112T000000Z""#;

dav_test!(
    rfc6352_8_6_addressbook_query_matches_email_text_and_is_not_defined,
    |s| {
        let c = DavClient::new(s, "alice").await;
        put(
            &c,
            &format!("{BOOK}ann.vcf"),
            "text/vcard",
            &card_with_email("ann", Some("ann@example.com")),
        )
        .await;
        put(
            &c,
            &format!("{BOOK}bob.vcf"),
            "text/vcard",
            &card_with_email("bob", Some("bob@other.org")),
        )
        .await;
        put(&c, &format!("{BOOK}cy.vcf"), "text/vcard", &card_with_email("cy", None)).await;
        let by_email = report(&c, BOOK, "1", r#"<card:addressbook-query NS><d:prop><d:getetag/><card:address-data/></d:prop><card:filter><card:prop-filter name="EMAIL"><card:text-match match-type="contains">EXAMPLE.com</card:text-match></card:prop-filter></card:filter></card:addressbook-query>"#).await;
        assert_eq!(by_email.status, StatusCode::MULTI_STATUS, "{}", by_email.body);
        assert_eq!(by_email.responses().len(), 1, "{}", by_email.body);
        let ann = by_email.response_for(&format!("{BOOK}ann.vcf")).expect("ann matches");
        assert!(ann.contains("ann@example.com") && ann.contains("<d:getetag>"), "{ann}");
        let without = report(&c, BOOK, "1", r#"<card:addressbook-query NS><d:prop><d:getetag/></d:prop><card:filter><card:prop-filter name="EMAIL"><card:is-not-defined/></card:prop-filter></card:filter></card:addressbook-query>"#).await;
        assert_eq!(without.responses().len(), 1, "{}", without.body);
        assert!(
            without.response_for(&format!("{BOOK}cy.vcf")).is_some(),
            "{}",
            without.body
        );
    }
);

dav_test!(rfc6352_8_6_1_addressbook_query_limit_truncates_with_507, |s| {
    let c = DavClient::new(s, "alice").await;
    for n in ["a", "b", "c"] {
        put(
            &c,
            &format!("{BOOK}{n}.vcf"),
            "text/vcard",
            &card_with_email(n, Some("x@example.com")),
        )
        .await;
    }
    let r = report(&c, BOOK, "1", r#"<card:addressbook-query NS><d:prop><d:getetag/></d:prop><card:filter><card:prop-filter name="EMAIL"/></card:filter><card:limit><card:nresults>2</card:nresults></card:limit></card:addressbook-query>"#).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    let truncated = r.response_for(BOOK).expect("a response for the request-URI");
    assert!(truncated.contains("507"), "{truncated}");
    assert!(truncated.contains("number-of-matches-within-limits"), "{truncated}");
    assert_eq!(r.responses().len(), 3, "two members and the 507: {}", r.body);
});

dav_test!(
    rfc4791_7_8_calendar_query_time_range_matches_recurring_instance_in_later_year,
    |s| {
        let c = DavClient::new(s, "alice").await;
        calendar_fixture(&c).await;
        let body = format!(
            r#"<cal:calendar-query NS><d:prop><d:getetag/></d:prop><cal:filter><cal:comp-filter name="VCALENDAR"><cal:comp-filter name="VEVENT"><cal:time-range {WEEK_2026}/></cal:comp-filter></cal:comp-filter></cal:filter></cal:calendar-query>"#
        );
        let r = report(&c, CAL, "1", &body).await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
        assert_eq!(r.responses().len(), 1, "{}", r.body);
        assert!(r.response_for(&format!("{CAL}weekly.ics")).is_some(), "{}", r.body);
        // Outlook sends Depth 0 and means the members.
        let outlook = report(&c, CAL, "0", &body).await;
        assert_eq!(outlook.responses().len(), 1, "{}", outlook.body);
    }
);

dav_test!(rfc4791_9_6_5_expand_returns_instances_in_utc, |s| {
    let c = DavClient::new(s, "alice").await;
    calendar_fixture(&c).await;
    let range = r#"start="20260105T000000Z" end="20260119T000000Z""#;
    let body = format!(
        r#"<cal:calendar-query NS><d:prop><cal:calendar-data><cal:expand {range}/></cal:calendar-data></d:prop><cal:filter><cal:comp-filter name="VCALENDAR"><cal:comp-filter name="VEVENT"><cal:time-range {range}/></cal:comp-filter></cal:comp-filter></cal:filter></cal:calendar-query>"#
    );
    let r = report(&c, CAL, "1", &body).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    let weekly = r.response_for(&format!("{CAL}weekly.ics")).expect("weekly listed");
    for start in ["DTSTART:20260105T090000Z", "DTSTART:20260112T090000Z"] {
        assert!(weekly.contains(start), "{start} in {weekly}");
    }
    assert_eq!(weekly.matches("RECURRENCE-ID").count(), 2, "{weekly}");
    assert!(!weekly.contains("RRULE") && !weekly.contains("TZID"), "{weekly}");
});

dav_test!(rfc4791_9_7_1_vtodo_comp_filter_selects_tasks, |s| {
    let c = DavClient::new(s, "alice").await;
    calendar_fixture(&c).await;
    let r = report(&c, CAL, "1", r#"<cal:calendar-query NS><d:prop><d:getetag/><cal:calendar-data/></d:prop><cal:filter><cal:comp-filter name="VCALENDAR"><cal:comp-filter name="VTODO"/></cal:comp-filter></cal:filter></cal:calendar-query>"#).await;
    assert_eq!(r.responses().len(), 1, "{}", r.body);
    let task = r.response_for(&format!("{CAL}task.ics")).expect("task listed");
    assert!(task.contains("BEGIN:VTODO"), "{task}");
});

dav_test!(rfc4791_7_10_free_busy_query_returns_busy_periods, |s| {
    let c = DavClient::new(s, "alice").await;
    calendar_fixture(&c).await;
    let r = report(
        &c,
        CAL,
        "1",
        &format!(r#"<cal:free-busy-query NS><cal:time-range {WEEK_2026}/></cal:free-busy-query>"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/calendar"));
    assert!(r.body.contains("BEGIN:VFREEBUSY"), "{}", r.body);
    assert!(
        r.body
            .contains("FREEBUSY;FBTYPE=BUSY:20260105T090000Z/20260105T100000Z"),
        "{}",
        r.body
    );
    assert_eq!(
        r.body.matches("FREEBUSY;").count(),
        1,
        "the 2024 event is outside: {}",
        r.body
    );
});

dav_test!(rfc4791_7_5_unknown_collation_is_403_supported_collation, |s| {
    let c = DavClient::new(s, "alice").await;
    let r = report(&c, CAL, "1", r#"<cal:calendar-query NS><d:prop><d:getetag/></d:prop><cal:filter><cal:comp-filter name="VCALENDAR"><cal:comp-filter name="VEVENT"><cal:prop-filter name="SUMMARY"><cal:text-match collation="i;klingon">x</cal:text-match></cal:prop-filter></cal:comp-filter></cal:comp-filter></cal:filter></cal:calendar-query>"#).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("supported-collation"), "{}", r.body);
});
