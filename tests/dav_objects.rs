//! GET/PUT/DELETE of objects over real HTTP: strong ETags and conditional
//! requests, the CardDAV/CalDAV PUT preconditions, limits, version
//! negotiation, and the rewrite rule.

mod common;

use common::dav_client::{DavClient, vcard, vevent, vtodo};
use reqwest::StatusCode;

const BOOK: &str = "/dav/addressbooks/alice/contacts/";
const CAL: &str = "/dav/calendars/alice/calendar/";

dav_test!(rfc4918_9_7_put_creates_and_get_serves_the_bytes_as_stored, |s| {
    let c = DavClient::new(s, "alice").await;
    // Unusual but valid spelling: parameters in odd case, folded line.
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Ann\r\nN:Ann;;;;\r\nTEL;type=cell:+1 555\r\nNOTE:a long note that is fol\r\n ded here\r\nEND:VCARD\r\n";
    let put = c.put(&format!("{BOOK}a.vcf"), "text/vcard; charset=utf-8", card).await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    let etag = put.header("etag").expect("ETag on a verbatim store").to_owned();
    let get = c.get(&format!("{BOOK}a.vcf"), &[]).await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(get.body, card, "byte for byte");
    assert_eq!(get.header("etag"), Some(etag.as_str()));
    assert!(get.header("content-type").unwrap().starts_with("text/vcard"));
    let head = c.request("HEAD", &format!("{BOOK}a.vcf"), &[], Vec::new()).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.body, "");
    // A second PUT replacing it: 204.
    let again = c.put(&format!("{BOOK}a.vcf"), "text/vcard", &vcard("a", "Ann B")).await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    assert_ne!(again.header("etag"), Some(etag.as_str()));
});

dav_test!(rfc4918_9_8_put_if_match_fails_on_stale_etag, |s| {
    let c = DavClient::new(s, "alice").await;
    let path = format!("{CAL}e.ics");
    let first = c.put(&path, "text/calendar", &vevent("e", "one")).await;
    let etag = first.header("etag").unwrap().to_owned();
    let second = c.put_if_match(&path, "text/calendar", &etag, &vevent("e", "two")).await;
    assert_eq!(second.status, StatusCode::NO_CONTENT);
    let stale = c
        .put_if_match(&path, "text/calendar", &etag, &vevent("e", "three"))
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert!(
        c.get(&path, &[]).await.body.contains("SUMMARY:two"),
        "nothing stored on 412"
    );
    // Evolution escapes the quotes.
    let current = second.header("etag").unwrap().to_owned();
    let escaped = current.replace('"', "\\\"");
    let evo = c
        .put_if_match(&path, "text/calendar", &escaped, &vevent("e", "four"))
        .await;
    assert_eq!(evo.status, StatusCode::NO_CONTENT, "{}", evo.body);
});

dav_test!(rfc9110_13_1_2_if_none_match_star_refuses_to_overwrite, |s| {
    let c = DavClient::new(s, "alice").await;
    let path = format!("{BOOK}n.vcf");
    let headers = [("content-type", "text/vcard"), ("if-none-match", "*")];
    let create = c.request("PUT", &path, &headers, vcard("n", "N")).await;
    assert_eq!(create.status, StatusCode::CREATED);
    let again = c.request("PUT", &path, &headers, vcard("n", "M")).await;
    assert_eq!(again.status, StatusCode::PRECONDITION_FAILED);
});

dav_test!(
    rfc6352_6_3_2_1_malformed_vcard_is_valid_address_data_naming_the_line,
    |s| {
        let c = DavClient::new(s, "alice").await;
        let path = format!("{BOOK}bad.vcf");
        let bad = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bad\r\nFN:x\r\nEND:VEVENT\r\n";
        let r = c.put(&path, "text/vcard", bad).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("<card:valid-address-data/>"), "{}", r.body);
        assert!(r.body.contains("line 5"), "names the line: {}", r.body);
        assert_eq!(c.get(&path, &[]).await.status, StatusCode::NOT_FOUND, "nothing stored");
    }
);

dav_test!(rfc4791_5_3_2_1_malformed_icalendar_is_valid_calendar_data, |s| {
    let c = DavClient::new(s, "alice").await;
    let r = c
        .put(
            &format!("{CAL}bad.ics"),
            "text/calendar",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\nBEGIN:VCARD\r\nEND:VCARD\r\n",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("<cal:valid-calendar-data/>"), "{}", r.body);
    assert!(r.body.contains("line 4"), "{}", r.body);
});

dav_test!(
    rfc4791_5_3_2_1_a_vcard_into_a_calendar_is_unsupported_calendar_data,
    |s| {
        let c = DavClient::new(s, "alice").await;
        let r = c.put(&format!("{CAL}card.ics"), "text/vcard", &vcard("c", "C")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("<cal:supported-calendar-data/>"), "{}", r.body);
        let r = c
            .put(&format!("{BOOK}ev.vcf"), "text/calendar", &vevent("v", "V"))
            .await;
        assert!(r.body.contains("<card:supported-address-data/>"), "{}", r.body);
    }
);

dav_test!(rfc6352_6_3_2_1_no_uid_conflict_names_the_other_resource, |s| {
    let c = DavClient::new(s, "alice").await;
    assert_eq!(
        c.put(&format!("{BOOK}one.vcf"), "text/vcard", &vcard("same", "A"))
            .await
            .status,
        StatusCode::CREATED
    );
    let r = c
        .put(&format!("{BOOK}two.vcf"), "text/vcard", &vcard("same", "B"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body
            .contains("<card:no-uid-conflict><d:href>/dav/addressbooks/alice/contacts/one.vcf</d:href>"),
        "{}",
        r.body
    );
});

dav_test!(
    rfc4791_5_3_2_1_supported_calendar_component_refuses_a_todo_in_an_event_calendar,
    |s| {
        use pimgate::store::{Accounts, Collection, CollectionKind};
        let c = DavClient::new(s, "alice").await;
        let mut events = Collection::new(
            "alice",
            "events",
            CollectionKind::Calendar,
            pimgate::universal::Timestamp(0),
        );
        events.components = Some("VEVENT".into());
        s.store().create_collection(&events).await.unwrap();
        let r = c
            .put("/dav/calendars/alice/events/t.ics", "text/calendar", &vtodo("t"))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("<cal:supported-calendar-component/>"), "{}", r.body);
        let ok = c
            .put("/dav/calendars/alice/events/e.ics", "text/calendar", &vevent("e", "E"))
            .await;
        assert_eq!(ok.status, StatusCode::CREATED);
    }
);

dav_test!(
    rfc4791_5_3_2_1_max_resource_size_and_507_for_too_many_objects,
    |c| {
        c.limits.resource_bytes = 400;
        c.limits.objects_per_collection = 2;
    },
    |s| {
        let c = DavClient::new(s, "alice").await;
        let big = vcard("big", &"x".repeat(500));
        let r = c.put(&format!("{BOOK}big.vcf"), "text/vcard", &big).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("<card:max-resource-size/>"), "{}", r.body);
        for n in ["1", "2"] {
            assert_eq!(
                c.put(&format!("{BOOK}{n}.vcf"), "text/vcard", &vcard(n, n))
                    .await
                    .status,
                StatusCode::CREATED
            );
        }
        let third = c.put(&format!("{BOOK}3.vcf"), "text/vcard", &vcard("3", "3")).await;
        assert_eq!(third.status, StatusCode::INSUFFICIENT_STORAGE);
        // Replacing an existing object is still allowed.
        assert_eq!(
            c.put(&format!("{BOOK}2.vcf"), "text/vcard", &vcard("2", "two"))
                .await
                .status,
            StatusCode::NO_CONTENT
        );
    }
);

dav_test!(rfc6352_5_1_1_accept_picks_the_vcard_version, |s| {
    let c = DavClient::new(s, "alice").await;
    let path = format!("{BOOK}v.vcf");
    c.put(&path, "text/vcard", &vcard("v", "Vera")).await;
    let v4 = c.get(&path, &[("accept", "text/vcard; version=4.0")]).await;
    assert!(v4.body.contains("VERSION:4.0"), "{}", v4.body);
    assert!(v4.header("content-type").unwrap().contains("4.0"));
    let v3 = c.get(&path, &[("accept", "text/vcard; version=3.0")]).await;
    assert_eq!(v3.body, vcard("v", "Vera"), "the stored version is served as stored");
});

dav_test!(
    thunderbird_zero_duration_beside_dtend_is_dropped_and_no_etag_is_returned,
    |s| {
        let c = DavClient::new(s, "alice").await;
        let path = format!("{CAL}tb.ics");
        let body = vevent("tb", "moved").replace(
            "DTEND:20240102T110000Z\r\n",
            "DTEND:20240102T110000Z\r\nDURATION:PT0S\r\n",
        );
        let r = c.put(&path, "text/calendar", &body).await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(r.header("etag"), None, "the body was rewritten");
        let get = c.get(&path, &[]).await;
        assert!(!get.body.contains("DURATION"), "{}", get.body);
        assert!(get.body.contains("DTEND:20240102T110000Z"), "{}", get.body);
    }
);

dav_test!(rfc4918_9_6_delete_removes_the_object, |s| {
    let c = DavClient::new(s, "alice").await;
    let path = format!("{CAL}d.ics");
    let put = c.put(&path, "text/calendar", &vevent("d", "D")).await;
    let stale = c
        .request("DELETE", &path, &[("if-match", "\"nope\"")], Vec::new())
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let etag = put.header("etag").unwrap().to_owned();
    let r = c
        .request("DELETE", &path, &[("if-match", etag.as_str())], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(c.get(&path, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.delete(&path).await.status, StatusCode::NOT_FOUND);
    // The UID is free again.
    assert_eq!(
        c.put(&format!("{CAL}d2.ics"), "text/calendar", &vevent("d", "D"))
            .await
            .status,
        StatusCode::CREATED
    );
});

dav_test!(rfc4918_9_7_1_put_into_a_missing_collection_is_409, |s| {
    let c = DavClient::new(s, "alice").await;
    let r = c
        .put("/dav/calendars/alice/nothere/x.ics", "text/calendar", &vevent("x", "x"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
});
