//! Collections over real HTTP: MKCOL, extended MKCOL (RFC 5689),
//! MKCALENDAR (RFC 4791 §5.3.1), PROPPATCH (atomic, dead properties) and
//! DELETE of collections.

mod common;

use common::dav_client::{DavClient, vevent, vtodo};
use reqwest::StatusCode;

const NS: &str = r#"xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:ical="http://apple.com/ns/ical/""#;

dav_test!(rfc4791_5_3_1_mkcalendar_sets_the_properties_in_its_body, |s| {
    let c = DavClient::new(s, "alice").await;
    let body = format!(
        r#"<c:mkcalendar {NS}><d:set><d:prop><d:displayname>Tasks</d:displayname><ical:calendar-color>#FF0000FF</ical:calendar-color><c:calendar-description>todo</c:calendar-description><c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set><ical:calendar-order>3</ical:calendar-order></d:prop></d:set></c:mkcalendar>"#
    );
    let r = c
        .request(
            "MKCALENDAR",
            "/dav/calendars/alice/tasks/",
            &[("content-type", "application/xml")],
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p = c
        .propfind(
            "/dav/calendars/alice/tasks/",
            "0",
            "<d:displayname/><ical:calendar-color/><cal:calendar-description/><cal:supported-calendar-component-set/><ical:calendar-order/><d:resourcetype/>",
        )
        .await;
    for expected in [
        "<d:displayname>Tasks</d:displayname>",
        "<ical:calendar-color>#FF0000FF</ical:calendar-color>",
        "<cal:calendar-description>todo</cal:calendar-description>",
        "<cal:comp name=\"VTODO\"/>",
        "<ical:calendar-order>3</ical:calendar-order>",
        "<cal:calendar/>",
    ] {
        assert!(p.body.contains(expected), "{expected}: {}", p.body);
    }
    let event = c
        .put("/dav/calendars/alice/tasks/e.ics", "text/calendar", &vevent("e", "e"))
        .await;
    assert_eq!(
        event.status,
        StatusCode::FORBIDDEN,
        "a VTODO-only calendar refuses events"
    );
    let todo = c
        .put("/dav/calendars/alice/tasks/t.ics", "text/calendar", &vtodo("t"))
        .await;
    assert_eq!(todo.status, StatusCode::CREATED);
});

dav_test!(macos_mkcalendar_with_a_resourcetype_body, |s| {
    let c = DavClient::new(s, "alice").await;
    let body = format!(
        r#"<c:mkcalendar {NS}><d:set><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype></d:prop></d:set></c:mkcalendar>"#
    );
    let r = c.request("MKCALENDAR", "/dav/calendars/alice/mac/", &[], body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
});

dav_test!(rfc5689_3_extended_mkcol_creates_an_address_book, |s| {
    let c = DavClient::new(s, "alice").await;
    let body = format!(
        r#"<d:mkcol {NS}><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype><d:displayname>Work</d:displayname><card:addressbook-description>colleagues</card:addressbook-description></d:prop></d:set></d:mkcol>"#
    );
    let r = c
        .request(
            "MKCOL",
            "/dav/addressbooks/alice/work/",
            &[("content-type", "text/xml")],
            body.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p = c
        .propfind(
            "/dav/addressbooks/alice/work/",
            "0",
            "<d:resourcetype/><d:displayname/><card:addressbook-description/>",
        )
        .await;
    assert!(p.body.contains("<card:addressbook/>"), "{}", p.body);
    assert!(
        p.body
            .contains("<card:addressbook-description>colleagues</card:addressbook-description>"),
        "{}",
        p.body
    );
    let again = c.request("MKCOL", "/dav/addressbooks/alice/work/", &[], body).await;
    assert_eq!(
        again.status,
        StatusCode::METHOD_NOT_ALLOWED,
        "RFC 4918 §9.3.1: it exists"
    );
});

dav_test!(rfc4791_5_3_1_1_a_calendar_outside_the_calendar_home_is_refused, |s| {
    let c = DavClient::new(s, "alice").await;
    let r = c
        .request("MKCALENDAR", "/dav/addressbooks/alice/cal/", &[], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("calendar-collection-location-ok"), "{}", r.body);
});

dav_test!(rfc4918_9_3_1_mkcol_with_a_body_it_does_not_understand_is_415, |s| {
    let c = DavClient::new(s, "alice").await;
    let r = c
        .request(
            "MKCOL",
            "/dav/calendars/alice/x/",
            &[("content-type", "text/plain")],
            "hello",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
});

dav_test!(rfc4918_9_2_proppatch_sets_and_removes_live_and_dead_properties, |s| {
    let c = DavClient::new(s, "alice").await;
    let cal = "/dav/calendars/alice/calendar/";
    let r = c
        .proppatch(
            cal,
            r#"<d:set><d:prop><d:displayname>Home</d:displayname><x:flavour>vanilla</x:flavour><ical:calendar-order>2</ical:calendar-order></d:prop></d:set>"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    assert!(
        r.body.contains("HTTP/1.1 200 OK") && !r.body.contains("403"),
        "{}",
        r.body
    );
    let p = c
        .propfind(cal, "0", "<d:displayname/><x:flavour/><ical:calendar-order/>")
        .await;
    assert!(p.body.contains("<d:displayname>Home</d:displayname>"), "{}", p.body);
    assert!(p.body.contains("vanilla</x:flavour>"), "{}", p.body);
    assert!(
        p.body.contains("<ical:calendar-order>2</ical:calendar-order>"),
        "{}",
        p.body
    );
    let all = c.request("PROPFIND", cal, &[("depth", "0")], "").await;
    assert!(
        all.body.contains("vanilla"),
        "allprop includes dead properties: {}",
        all.body
    );
    c.proppatch(cal, "<d:remove><d:prop><x:flavour/></d:prop></d:remove>")
        .await;
    let gone = c.propfind(cal, "0", "<x:flavour/>").await;
    assert!(gone.body.contains("404"), "{}", gone.body);
});

dav_test!(rfc4918_9_2_proppatch_is_all_or_nothing, |s| {
    let c = DavClient::new(s, "alice").await;
    let cal = "/dav/calendars/alice/calendar/";
    let r = c
        .proppatch(cal, r#"<d:set><d:prop><d:displayname>Changed</d:displayname><d:getetag>"x"</d:getetag><x:a>1</x:a></d:prop></d:set>"#)
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    assert!(r.body.contains("HTTP/1.1 403 Forbidden"), "{}", r.body);
    assert!(r.body.contains("HTTP/1.1 424 Failed Dependency"), "{}", r.body);
    let p = c.propfind(cal, "0", "<d:displayname/><x:a/>").await;
    assert!(
        p.body.contains("<d:displayname>Calendar</d:displayname>"),
        "unchanged: {}",
        p.body
    );
    assert!(
        p.body.contains("404"),
        "the dead property was not stored either: {}",
        p.body
    );
});

dav_test!(rfc4918_9_6_1_delete_of_a_collection_removes_it, |s| {
    use pimgate::store::{Access, Accounts};
    let alice = DavClient::new(s, "alice").await;
    let bob = DavClient::new(s, "bob").await;
    let path = "/dav/calendars/alice/gone/";
    assert_eq!(
        alice.request("MKCALENDAR", path, &[], Vec::new()).await.status,
        StatusCode::CREATED
    );
    alice
        .put(&format!("{path}e.ics"), "text/calendar", &vevent("e", "e"))
        .await;
    s.store()
        .set_grant(
            &pimgate::universal::CollectionId("alice/calendars/gone".into()),
            "bob",
            Access::Write,
        )
        .await
        .unwrap();
    assert_eq!(
        bob.delete(path).await.status,
        StatusCode::FORBIDDEN,
        "only the owner deletes"
    );
    assert_eq!(alice.delete(path).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        alice.propfind(path, "0", "<d:resourcetype/>").await.status,
        StatusCode::NOT_FOUND
    );
});

dav_test!(an_address_book_and_a_calendar_may_share_a_name, |s| {
    // vdirsyncer, Nextcloud exports and Baikal users all have this: the two
    // homes are separate namespaces.
    let c = DavClient::new(s, "alice").await;
    let cal = c
        .request("MKCALENDAR", "/dav/calendars/alice/test/", &[], Vec::new())
        .await;
    assert_eq!(cal.status, StatusCode::CREATED, "{}", cal.body);
    let body = format!(
        r#"<d:mkcol {NS}><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>"#
    );
    let book = c
        .request(
            "MKCOL",
            "/dav/addressbooks/alice/test/",
            &[("content-type", "application/xml")],
            body,
        )
        .await;
    assert_eq!(book.status, StatusCode::CREATED, "{}", book.body);
    assert_eq!(
        c.put(
            "/dav/addressbooks/alice/test/j.vcf",
            "text/vcard",
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:j\r\nFN:J\r\nN:;J;;;\r\nEND:VCARD\r\n"
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        c.put("/dav/calendars/alice/test/e.ics", "text/calendar", &vevent("e", "e"))
            .await
            .status,
        StatusCode::CREATED
    );
    let books = c.propfind("/dav/addressbooks/alice/", "1", "<d:resourcetype/>").await;
    assert!(books.body.contains("/dav/addressbooks/alice/test/"), "{}", books.body);
    assert!(!books.body.contains("/dav/calendars/alice/test/"), "{}", books.body);
    let listing = c.propfind("/dav/calendars/alice/test/", "1", "<d:getetag/>").await;
    assert!(
        listing.body.contains("e.ics") && !listing.body.contains("j.vcf"),
        "{}",
        listing.body
    );
    assert_eq!(
        c.request("DELETE", "/dav/calendars/alice/test/", &[], Vec::new())
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        c.request("GET", "/dav/addressbooks/alice/test/j.vcf", &[], Vec::new())
            .await
            .status,
        StatusCode::OK,
        "deleting the calendar leaves the address book of the same name"
    );
});
