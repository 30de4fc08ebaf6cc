//! Partial retrieval over real HTTP: calendar-data `<C:comp>` (RFC 4791
//! §9.6.1–§9.6.4) alone and with expand / limit-recurrence-set, address-data
//! `<CARD:prop>` (RFC 6352 §10.4.2) with the vCard version, both in every
//! report that returns data; and DAV:creationdate (RFC 4918 §15.1).

mod common;

use common::dav_client::{DavClient, Reply};
use reqwest::StatusCode;

const BOOK: &str = "/dav/addressbooks/alice/contacts/";
const CAL: &str = "/dav/calendars/alice/calendar/";
const NS: &str =
    r#"xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav""#;

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/dav_query/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // The fixtures are written with bare LFs; the wire form is CRLF.
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// The text without the lines that start with one of `names` followed by `:` or `;`.
fn without(text: &str, names: &[&str]) -> String {
    text.split_inclusive("\r\n")
        .filter(|line| {
            !names
                .iter()
                .any(|n| line.starts_with(&format!("{n}:")) || line.starts_with(&format!("{n};")))
        })
        .collect()
}

async fn put(c: &DavClient<'_>, path: &str, media: &str, body: &str) -> String {
    let r = c.put(path, media, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.body);
    r.header("etag").expect("ETag on PUT").to_owned()
}

async fn report(c: &DavClient<'_>, path: &str, body: &str) -> Reply {
    let body = format!(r#"<?xml version="1.0"?>{body}"#).replace("NS", NS);
    c.request("REPORT", path, &[("depth", "1")], body).await
}

/// The unescaped text of the `<prefix:name>` data element in a response.
fn data(response: &str, element: &str) -> String {
    let open = format!("<{element}>");
    let start = response
        .find(&open)
        .unwrap_or_else(|| panic!("no {open} in {response}"))
        + open.len();
    let end = response[start..].find(&format!("</{element}>")).expect("closed") + start;
    response[start..end]
        .replace("&#13;", "\r")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn cal_data(r: &Reply, name: &str) -> String {
    let response = r
        .response_for(&format!("{CAL}{name}"))
        .unwrap_or_else(|| panic!("{name} not listed: {}", r.body));
    data(&response, "cal:calendar-data")
}

fn card_data(r: &Reply, name: &str) -> String {
    let response = r
        .response_for(&format!("{BOOK}{name}"))
        .unwrap_or_else(|| panic!("{name} not listed: {}", r.body));
    data(&response, "card:address-data")
}

/// RFC 4791 §7.8.1's calendar-data: VERSION, the named VEVENT properties,
/// and VTIMEZONE (an empty `comp`: the whole component).
const RFC_7_8_1_DATA: &str = r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:prop name="VERSION"/><cal:comp name="VEVENT"><cal:prop name="SUMMARY"/><cal:prop name="UID"/><cal:prop name="DTSTART"/><cal:prop name="DTEND"/><cal:prop name="DURATION"/><cal:prop name="RRULE"/><cal:prop name="RDATE"/><cal:prop name="EXRULE"/><cal:prop name="EXDATE"/><cal:prop name="RECURRENCE-ID"/></cal:comp><cal:comp name="VTIMEZONE"/></cal:comp></cal:calendar-data>"#;

async fn appendix_b(c: &DavClient<'_>) -> Vec<String> {
    let mut etags = Vec::new();
    for n in 1..=4 {
        let body = fixture(&format!("rfc4791_b_abcd{n}.ics"));
        etags.push(put(c, &format!("{CAL}abcd{n}.ics"), "text/calendar", &body).await);
    }
    etags
}

dav_test!(rfc4791_7_8_1_partial_retrieval_of_events_by_time_range, |s| {
    let c = DavClient::new(s, "alice").await;
    let etags = appendix_b(&c).await;
    let body = format!(
        r#"<cal:calendar-query NS><d:prop><d:getetag/>{RFC_7_8_1_DATA}</d:prop><cal:filter><cal:comp-filter name="VCALENDAR"><cal:comp-filter name="VEVENT"><cal:time-range start="20060104T000000Z" end="20060105T000000Z"/></cal:comp-filter></cal:comp-filter></cal:filter></cal:calendar-query>"#
    );
    let r = report(&c, CAL, &body).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    assert_eq!(r.responses().len(), 2, "abcd2 and abcd3: {}", r.body);
    // The RFC's answer: the objects without PRODID, DTSTAMP and what else
    // the VEVENT selection leaves out; VTIMEZONE whole.
    let two = without(&fixture("rfc4791_b_abcd2.ics"), &["PRODID", "DTSTAMP"]);
    assert_eq!(cal_data(&r, "abcd2.ics"), two);
    let three = without(
        &fixture("rfc4791_b_abcd3.ics"),
        &["PRODID", "DTSTAMP", "ATTENDEE", "ORGANIZER", "SEQUENCE", "STATUS"],
    );
    // The VEVENT's LAST-MODIFIED goes, the VTIMEZONE's stays.
    let three = three.replace("LAST-MODIFIED:20060206T001330Z\r\n", "");
    assert_eq!(cal_data(&r, "abcd3.ics"), three);
    // A view of the stored object, not a new version: the same ETag.
    let response = r.response_for(&format!("{CAL}abcd2.ics")).unwrap();
    assert!(
        response.contains(&format!("<d:getetag>{}</d:getetag>", etags[1])),
        "{response}"
    );
    let stored = c.get(&format!("{CAL}abcd2.ics"), &[]).await;
    assert_eq!(
        stored.body,
        fixture("rfc4791_b_abcd2.ics"),
        "the stored object is untouched"
    );
});

dav_test!(rfc4791_9_6_4_novalue_returns_name_and_parameters_only, |s| {
    let c = DavClient::new(s, "alice").await;
    appendix_b(&c).await;
    let data = r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:comp name="VEVENT"><cal:prop name="UID"/><cal:prop name="ATTENDEE" novalue="yes"/><cal:prop name="SUMMARY" novalue="no"/></cal:comp></cal:comp></cal:calendar-data>"#;
    let r = c.multiget(CAL, "cal", data, &[format!("{CAL}abcd3.ics")]).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    assert_eq!(
        cal_data(&r, "abcd3.ics"),
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED;ROLE=CHAIR:\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:\r\n\
         SUMMARY:Event #3\r\nUID:DC6C50A017428C5216A2F1CD@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
});

dav_test!(rfc4791_9_6_1_vtimezone_follows_a_kept_tzid, |s| {
    let c = DavClient::new(s, "alice").await;
    appendix_b(&c).await;
    let select = |props: &str| {
        format!(
            r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:comp name="VEVENT">{props}</cal:comp></cal:comp></cal:calendar-data>"#
        )
    };
    let href = [format!("{CAL}abcd3.ics")];
    let with_start = c
        .multiget(CAL, "cal", &select(r#"<cal:prop name="DTSTART"/>"#), &href)
        .await;
    let text = cal_data(&with_start, "abcd3.ics");
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nLAST-MODIFIED:20040110T032845Z\r\nTZID:US/Eastern\r\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "END:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nDTSTART;TZID=US/Eastern:20060104T100000\r\nEND:VEVENT"
        ),
        "{text}"
    );
    let summary_only = c
        .multiget(CAL, "cal", &select(r#"<cal:prop name="SUMMARY"/>"#), &href)
        .await;
    assert_eq!(
        cal_data(&summary_only, "abcd3.ics"),
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Event #3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "no kept property names a zone"
    );
});

dav_test!(rfc4791_9_6_1_selecting_everything_serves_the_stored_bytes, |s| {
    let c = DavClient::new(s, "alice").await;
    // Folded where a canonical writer would not fold, and in lower case:
    // only the stored bytes look like this.
    let odd = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:odd\r\nDTSTAMP:20240101T000000Z\r\n\
               dtstart:20240102T100000Z\r\nSUMMARY:folded\r\n  early\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\n\
               END:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let etag = put(&c, &format!("{CAL}odd.ics"), "text/calendar", odd).await;
    let href = [format!("{CAL}odd.ics")];
    for data in [
        r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:allprop/><cal:allcomp/></cal:comp></cal:calendar-data>"#,
        r#"<cal:calendar-data><cal:comp name="VCALENDAR"/></cal:calendar-data>"#,
        r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:allprop/><cal:comp name="VEVENT"><cal:allprop/><cal:allcomp/></cal:comp></cal:comp></cal:calendar-data>"#,
        "<cal:calendar-data/>",
    ] {
        let r = c.multiget(CAL, "cal", data, &href).await;
        assert_eq!(cal_data(&r, "odd.ics"), odd, "{data}");
        assert!(r.body.contains(&format!("<d:getetag>{etag}</d:getetag>")), "{}", r.body);
    }
    // Leaving out the alarm is a new rendering (canonical), the ETag the same.
    let no_alarm = r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:allprop/><cal:comp name="VEVENT"><cal:allprop/></cal:comp></cal:comp></cal:calendar-data>"#;
    let r = c.multiget(CAL, "cal", no_alarm, &href).await;
    assert_eq!(
        cal_data(&r, "odd.ics"),
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:odd\r\nDTSTAMP:20240101T000000Z\r\n\
         DTSTART:20240102T100000Z\r\nSUMMARY:folded early\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    assert!(r.body.contains(&format!("<d:getetag>{etag}</d:getetag>")), "{}", r.body);
});

/// A weekly event from Monday 2024-01-01 10:00 Berlin time.
const WEEKLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:weekly\r\n\
    DTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20240101T100000\r\nDTEND;TZID=Europe/Berlin:20240101T110000\r\n\
    RRULE:FREQ=WEEKLY\r\nSUMMARY:weekly\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

dav_test!(rfc4791_9_6_5_comp_selects_from_the_expanded_instances, |s| {
    let c = DavClient::new(s, "alice").await;
    put(&c, &format!("{CAL}weekly.ics"), "text/calendar", WEEKLY).await;
    let range = r#"start="20260105T000000Z" end="20260119T000000Z""#;
    let body = format!(
        r#"<cal:calendar-query NS><d:prop><cal:calendar-data><cal:comp name="VCALENDAR"><cal:prop name="VERSION"/><cal:comp name="VEVENT"><cal:prop name="UID"/><cal:prop name="RECURRENCE-ID"/><cal:prop name="DTSTART"/></cal:comp></cal:comp><cal:expand {range}/></cal:calendar-data></d:prop><cal:filter><cal:comp-filter name="VCALENDAR"><cal:comp-filter name="VEVENT"><cal:time-range {range}/></cal:comp-filter></cal:comp-filter></cal:filter></cal:calendar-query>"#
    );
    let r = report(&c, CAL, &body).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    let text = cal_data(&r, "weekly.ics");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    for start in ["DTSTART:20260105T090000Z", "DTSTART:20260112T090000Z"] {
        assert!(text.contains(start), "{start} in {text}");
    }
    assert_eq!(text.matches("RECURRENCE-ID:").count(), 2, "{text}");
    for gone in ["SUMMARY", "DTEND", "DTSTAMP", "RRULE", "TZID", "PRODID"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
});

dav_test!(rfc4791_9_6_6_comp_selects_from_the_limited_recurrence_set, |s| {
    let c = DavClient::new(s, "alice").await;
    appendix_b(&c).await;
    let data = r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:comp name="VEVENT"><cal:prop name="SUMMARY"/><cal:prop name="RECURRENCE-ID"/></cal:comp></cal:comp><cal:limit-recurrence-set start="20060105T000000Z" end="20060107T000000Z"/></cal:calendar-data>"#;
    let r = c.multiget(CAL, "cal", data, &[format!("{CAL}abcd2.ics")]).await;
    let text = cal_data(&r, "abcd2.ics");
    assert!(
        text.contains("BEGIN:VEVENT\r\nSUMMARY:Event #2\r\nEND:VEVENT"),
        "{text}"
    );
    assert!(
        text.contains("RECURRENCE-ID;TZID=US/Eastern:20060106T120000\r\nSUMMARY:Event #2 bis bis\r\n"),
        "{text}"
    );
    assert!(
        !text.contains("SUMMARY:Event #2 bis\r\n"),
        "Jan 4th's override is out of range: {text}"
    );
    assert!(
        text.contains("TZID:US/Eastern"),
        "RECURRENCE-ID's zone comes along: {text}"
    );
});

dav_test!(rfc6578_sync_collection_returns_the_selected_calendar_data, |s| {
    let c = DavClient::new(s, "alice").await;
    appendix_b(&c).await;
    let props = r#"<d:getetag/><cal:calendar-data><cal:comp name="VCALENDAR"><cal:comp name="VEVENT"><cal:prop name="UID"/></cal:comp></cal:comp></cal:calendar-data>"#;
    let r = c.sync_collection(CAL, "", None, props).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    assert_eq!(
        cal_data(&r, "abcd3.ics"),
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:DC6C50A017428C5216A2F1CD@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    assert_eq!(cal_data(&r, "abcd2.ics").matches("BEGIN:VEVENT\r\nUID:").count(), 3);
});

dav_test!(rfc4791_9_6_1_misplaced_comp_or_prop_is_400_naming_the_element, |s| {
    let c = DavClient::new(s, "alice").await;
    appendix_b(&c).await;
    let href = [format!("{CAL}abcd1.ics")];
    for (data, named) in [
        (
            r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:comp name="VALARM"/></cal:comp></cal:calendar-data>"#,
            r#"comp name="VALARM""#,
        ),
        (
            r#"<cal:calendar-data><cal:comp name="VEVENT"/></cal:calendar-data>"#,
            r#"comp name="VEVENT""#,
        ),
        (
            r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:comp name="VTIMEZONE"><cal:comp name="VEVENT"/></cal:comp></cal:comp></cal:calendar-data>"#,
            r#"comp name="VEVENT""#,
        ),
        (
            r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:allprop/><cal:prop name="VERSION"/></cal:comp></cal:calendar-data>"#,
            "allprop",
        ),
        (
            r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:prop name="VERSION" novalue="maybe"/></cal:comp></cal:calendar-data>"#,
            "novalue",
        ),
        (
            r#"<cal:calendar-data><cal:comp name="VCALENDAR"><cal:prop/></cal:comp></cal:calendar-data>"#,
            "@name",
        ),
    ] {
        let r = c.multiget(CAL, "cal", data, &href).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{data}: {}", r.body);
        assert!(r.body.contains(named), "{data}: {} should name {named}", r.body);
    }
});

/// A vCard 3.0 with more than a name.
fn card(uid: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Ann {uid}\r\nN:{uid};Ann;;;\r\nEMAIL;TYPE=WORK:{uid}@example.com\r\n\
         TEL;TYPE=cell:+49 1\r\nNOTE:a note\r\nEND:VCARD\r\n"
    )
}

dav_test!(rfc6352_10_4_2_address_data_prop_subset_in_either_version, |s| {
    let c = DavClient::new(s, "alice").await;
    let etag = put(&c, &format!("{BOOK}ann.vcf"), "text/vcard", &card("ann")).await;
    let href = [format!("{BOOK}ann.vcf")];
    let v3 = c
        .multiget(
            BOOK,
            "card",
            r#"<card:address-data><card:prop name="EMAIL"/></card:address-data>"#,
            &href,
        )
        .await;
    assert_eq!(v3.status, StatusCode::MULTI_STATUS, "{}", v3.body);
    // VERSION, UID, FN and (in 3.0) N stay: the answer is a valid vCard.
    assert_eq!(
        card_data(&v3, "ann.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ann\r\nFN:Ann ann\r\nN:ann;Ann;;;\r\nEMAIL;TYPE=work:ann@example.com\r\nEND:VCARD\r\n"
    );
    assert!(
        v3.body.contains(&format!("<d:getetag>{etag}</d:getetag>")),
        "{}",
        v3.body
    );
    let v4 = c
        .multiget(
            BOOK,
            "card",
            r#"<card:address-data content-type="text/vcard" version="4.0"><card:prop name="TEL"/><card:prop name="NOTE"/></card:address-data>"#,
            &href,
        )
        .await;
    assert_eq!(
        card_data(&v4, "ann.vcf"),
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:ann\r\nFN:Ann ann\r\nTEL;TYPE=cell:+49 1\r\nNOTE:a note\r\nEND:VCARD\r\n"
    );
    // allprop (or no prop at all) is the whole card as stored.
    for data in [
        "<card:address-data><card:allprop/></card:address-data>",
        "<card:address-data/>",
    ] {
        let whole = c.multiget(BOOK, "card", data, &href).await;
        assert_eq!(card_data(&whole, "ann.vcf"), card("ann"), "{data}");
    }
    let both = c
        .multiget(
            BOOK,
            "card",
            r#"<card:address-data><card:allprop/><card:prop name="FN"/></card:address-data>"#,
            &href,
        )
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST, "{}", both.body);
    assert!(both.body.contains("allprop"), "{}", both.body);
});

dav_test!(rfc6352_10_4_2_novalue_in_addressbook_query, |s| {
    let c = DavClient::new(s, "alice").await;
    put(&c, &format!("{BOOK}ann.vcf"), "text/vcard", &card("ann")).await;
    put(&c, &format!("{BOOK}bob.vcf"), "text/vcard", &card("bob")).await;
    let body = r#"<card:addressbook-query NS><d:prop><d:getetag/><card:address-data><card:prop name="TEL" novalue="yes"/><card:prop name="FN" novalue="yes"/></card:address-data></d:prop><card:filter><card:prop-filter name="EMAIL"><card:text-match>bob@</card:text-match></card:prop-filter></card:filter></card:addressbook-query>"#;
    let r = report(&c, BOOK, body).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    assert_eq!(r.responses().len(), 1, "{}", r.body);
    // FN asked with novalue keeps its name only; N is kept whole for 3.0.
    assert_eq!(
        card_data(&r, "bob.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob\r\nFN:\r\nN:bob;Ann;;;\r\nTEL;TYPE=cell:\r\nEND:VCARD\r\n"
    );
});

dav_test!(rfc6578_sync_collection_returns_the_selected_address_data, |s| {
    let c = DavClient::new(s, "alice").await;
    put(&c, &format!("{BOOK}ann.vcf"), "text/vcard", &card("ann")).await;
    let props = r#"<d:getetag/><card:address-data content-type="text/vcard" version="4.0"><card:prop name="EMAIL"/></card:address-data>"#;
    let r = c.sync_collection(BOOK, "", None, props).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    assert_eq!(
        card_data(&r, "ann.vcf"),
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:ann\r\nFN:Ann ann\r\nEMAIL;TYPE=work:ann@example.com\r\nEND:VCARD\r\n"
    );
});

/// The `<d:creationdate>` of the response for `href`, parsed.
fn creationdate(r: &Reply, href: &str) -> chrono::DateTime<chrono::Utc> {
    let response = r
        .response_for(href)
        .unwrap_or_else(|| panic!("{href} not listed: {}", r.body));
    let text = data(&response, "d:creationdate");
    assert!(text.ends_with('Z') && text.len() == 20, "RFC 3339 in UTC: {text}");
    chrono::DateTime::parse_from_rfc3339(&text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .to_utc()
}

dav_test!(rfc4918_15_1_creationdate_of_collections_and_objects, |s| {
    let c = DavClient::new(s, "alice").await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let object = format!("{BOOK}ann.vcf");
    put(&c, &object, "text/vcard", &card("ann")).await;
    let listed = c.propfind(BOOK, "1", "<d:creationdate/>").await;
    assert_eq!(listed.status, StatusCode::MULTI_STATUS, "{}", listed.body);
    let book = creationdate(&listed, BOOK);
    let created = creationdate(&listed, &object);
    let after = chrono::Utc::now();
    assert!(
        before <= book && book <= created && created <= after,
        "{book} {created}"
    );
    // allprop names it too (RFC 4918 §15.1 is a live property of every resource here).
    let all = c.request("PROPFIND", &object, &[("depth", "0")], Vec::new()).await;
    assert_eq!(creationdate(&all, &object), created, "{}", all.body);

    // An update keeps the creation date (a second later, to tell them apart).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = c
        .put(&object, "text/vcard", &card("ann").replace("a note", "changed"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let updated = c.propfind(&object, "0", "<d:creationdate/>").await;
    assert_eq!(creationdate(&updated, &object), created);
    // A delete and a new create at the same name start anew.
    c.delete(&object).await;
    put(&c, &object, "text/vcard", &card("ann")).await;
    let again = c.propfind(&object, "0", "<d:creationdate/>").await;
    assert!(creationdate(&again, &object) > created, "{}", again.body);
});

dav_test!(rfc4791_9_6_7_limit_freebusy_set_keeps_the_periods_in_range, |s| {
    let c = DavClient::new(s, "alice").await;
    let vfreebusy = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pimgate tests//EN\r\nBEGIN:VFREEBUSY\r\n\
        UID:fb1@example.com\r\nDTSTAMP:20060206T001102Z\r\nDTSTART:20060104T140000Z\r\nDTEND:20060108T000000Z\r\n\
        FREEBUSY;FBTYPE=BUSY-TENTATIVE:20060104T150000Z/PT1H\r\n\
        FREEBUSY:20060104T190000Z/PT1H,20060105T170000Z/20060105T180000Z,20060103T170000Z/PT1H\r\n\
        FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20060106T100000Z/PT1H\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n";
    let fb = "/dav/calendars/alice/busy/";
    let made = c
        .request(
            "MKCALENDAR",
            fb,
            &[],
            format!(
                r#"<?xml version="1.0"?><cal:mkcalendar {NS}><d:set><d:prop><cal:supported-calendar-component-set><cal:comp name="VFREEBUSY"/></cal:supported-calendar-component-set></d:prop></d:set></cal:mkcalendar>"#
            ),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    put(&c, &format!("{fb}fb1.ics"), "text/calendar", vfreebusy).await;
    // The tentative period ends exactly where the range starts: no overlap.
    let limited = r#"<cal:calendar-data><cal:limit-freebusy-set start="20060104T160000Z" end="20060105T180000Z"/></cal:calendar-data>"#;
    let r = c.multiget(fb, "cal", limited, &[format!("{fb}fb1.ics")]).await;
    let text = data(&r.body, "cal:calendar-data");
    assert!(
        text.contains("FREEBUSY:20060104T190000Z/PT1H,20060105T170000Z/20060105T180000Z\r\n"),
        "{text}"
    );
    for gone in ["BUSY-TENTATIVE", "BUSY-UNAVAILABLE", "20060103T170000Z"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
    for kept in [
        "UID:fb1@example.com",
        "DTSTART:20060104T140000Z",
        "DTEND:20060108T000000Z",
    ] {
        assert!(text.contains(kept), "{kept} missing from {text}");
    }
    // Without the limit the object is served as stored.
    let r = c
        .multiget(fb, "cal", "<cal:calendar-data/>", &[format!("{fb}fb1.ics")])
        .await;
    assert_eq!(data(&r.body, "cal:calendar-data"), vfreebusy);
});
