//! REPORTs over real HTTP: sync-collection (RFC 6578) with deletions,
//! limits and bad tokens; address book and calendar multigets.

mod common;

use common::dav_client::{DavClient, vcard, vevent};
use reqwest::StatusCode;

const BOOK: &str = "/dav/addressbooks/alice/contacts/";
const CAL: &str = "/dav/calendars/alice/calendar/";

async fn put_cards(c: &DavClient<'_>, names: &[&str]) {
    for n in names {
        let r = c.put(&format!("{BOOK}{n}.vcf"), "text/vcard", &vcard(n, n)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{n}: {}", r.body);
    }
}

/// The address book's sync token now, from an initial sync.
async fn initial_token(c: &DavClient<'_>) -> String {
    c.sync_collection(BOOK, "", None, "<d:getetag/>")
        .await
        .sync_token()
        .unwrap()
}

dav_test!(rfc6578_3_4_initial_sync_lists_every_member, |s| {
    let c = DavClient::new(s, "alice").await;
    put_cards(&c, &["a", "b", "c"]).await;
    let r = c.sync_collection(BOOK, "", None, "<d:getetag/>").await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    assert_eq!(r.responses().len(), 3, "{}", r.body);
    for n in ["a", "b", "c"] {
        let response = r.response_for(&format!("{BOOK}{n}.vcf")).expect("member listed");
        assert!(response.contains("<d:getetag>"), "{response}");
    }
    assert!(r.sync_token().unwrap().starts_with("http://pimgate/sync/"));
});

dav_test!(
    rfc6578_3_5_sync_collection_with_address_data_serves_changed_bodies,
    |s| {
        let c = DavClient::new(s, "alice").await;
        put_cards(&c, &["a", "b", "c"]).await;
        let token = initial_token(&c).await;
        c.put(&format!("{BOOK}a.vcf"), "text/vcard", &vcard("a", "Changed Name"))
            .await;
        c.delete(&format!("{BOOK}b.vcf")).await;
        let r = c
            .sync_collection(BOOK, &token, None, "<d:getetag/><card:address-data/>")
            .await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
        assert_eq!(r.responses().len(), 2, "{}", r.body);
        let changed = r.response_for(&format!("{BOOK}a.vcf")).unwrap();
        assert!(changed.contains("<d:getetag>"), "{changed}");
        assert!(changed.contains("FN:Changed Name"), "{changed}");
        let deleted = r.response_for(&format!("{BOOK}b.vcf")).unwrap();
        assert!(
            deleted.contains("<d:status>HTTP/1.1 404 Not Found</d:status>") && !deleted.contains("address-data"),
            "{deleted}"
        );
    }
);

dav_test!(rfc6578_3_5_sync_collection_reports_changed_and_deleted_members, |s| {
    let c = DavClient::new(s, "alice").await;
    put_cards(&c, &["a", "b", "c"]).await;
    let token = initial_token(&c).await;
    c.put(&format!("{BOOK}a.vcf"), "text/vcard", &vcard("a", "changed"))
        .await;
    c.delete(&format!("{BOOK}b.vcf")).await;
    put_cards(&c, &["d"]).await;
    let r = c.sync_collection(BOOK, &token, None, "<d:getetag/>").await;
    assert_eq!(r.responses().len(), 3, "{}", r.body);
    assert!(r.response_for(&format!("{BOOK}a.vcf")).unwrap().contains("<d:getetag>"));
    let deleted = r.response_for(&format!("{BOOK}b.vcf")).unwrap();
    assert!(
        deleted.contains("<d:status>HTTP/1.1 404 Not Found</d:status>"),
        "{deleted}"
    );
    assert!(r.response_for(&format!("{BOOK}d.vcf")).is_some());
    assert!(
        r.response_for(&format!("{BOOK}c.vcf")).is_none(),
        "unchanged members are not listed"
    );
    let token2 = r.sync_token().unwrap();
    assert_ne!(token, token2);
    let empty = c.sync_collection(BOOK, &token2, None, "<d:getetag/>").await;
    assert_eq!(empty.responses().len(), 0, "{}", empty.body);
    assert_eq!(empty.sync_token().unwrap(), token2);
});

dav_test!(rfc6578_3_6_limit_truncates_with_507_and_the_token_continues, |s| {
    let c = DavClient::new(s, "alice").await;
    put_cards(&c, &["a", "b", "c", "d", "e"]).await;
    let mut token = String::new();
    let mut seen = Vec::new();
    for round in 0..10 {
        let r = c.sync_collection(BOOK, &token, Some(2), "<d:getetag/>").await;
        let truncated = r.response_for(BOOK);
        for response in r.responses() {
            if !response.contains(&format!("<d:href>{BOOK}</d:href>")) {
                seen.push(response);
            }
        }
        token = r.sync_token().unwrap();
        match truncated {
            Some(marker) => {
                assert!(marker.contains("507"), "{marker}");
                assert!(marker.contains("<d:number-of-matches-within-limits/>"), "{marker}");
                assert!(r.responses().len() <= 3, "round {round}: {}", r.body);
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 5, "every member once: {seen:?}");
});

dav_test!(rfc6578_3_6_limited_pages_count_members_not_history, |s| {
    // A calendar with a long history (caldav-server-tester's) must page
    // through its members, each once, not through every change ever made.
    let c = DavClient::new(s, "alice").await;
    put_cards(&c, &["a", "b", "c", "d", "e"]).await;
    for round in 0..12 {
        let r = c
            .put(&format!("{BOOK}a.vcf"), "text/vcard", &vcard("a", &format!("A{round}")))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    for gone in ["b", "c"] {
        c.request("DELETE", &format!("{BOOK}{gone}.vcf"), &[], Vec::new()).await;
    }
    let first = c.sync_collection(BOOK, "", Some(2), "<d:getetag/>").await;
    assert!(first.response_for(BOOK).is_some(), "truncated: {}", first.body);
    let names = |r: &common::dav_client::Reply| -> Vec<String> {
        r.responses()
            .into_iter()
            .filter(|x| !x.contains(&format!("<d:href>{BOOK}</d:href>")))
            .collect()
    };
    assert_eq!(names(&first).len(), 2, "{}", first.body);
    assert!(
        !first.body.contains("404"),
        "an initial sync lists no deleted members: {}",
        first.body
    );
    // Later pages may name members deleted after the first page's position
    // (a client that saw them must learn of it); each appears once.
    let mut token = first.sync_token().unwrap();
    let mut all = names(&first);
    let mut pages = 1;
    loop {
        let page = c.sync_collection(BOOK, &token, Some(2), "<d:getetag/>").await;
        all.extend(names(&page));
        token = page.sync_token().unwrap();
        pages += 1;
        if page.response_for(BOOK).is_none() {
            break;
        }
        assert!(pages < 4, "five members in pages of two: {all:?}");
    }
    for live in ["a.vcf", "d.vcf", "e.vcf"] {
        let reported: Vec<&String> = all.iter().filter(|r| r.contains(live)).collect();
        assert_eq!(reported.len(), 1, "{live} once: {all:?}");
        assert!(reported[0].contains("200 OK"), "{reported:?}");
    }
    let second = c.sync_collection(BOOK, &token, None, "<d:getetag/>").await;
    assert!(names(&second).is_empty(), "{}", second.body);
    // From an issued token: the twelve edits of `a` are one member.
    let token = second.sync_token().unwrap();
    for round in 0..5 {
        c.put(&format!("{BOOK}a.vcf"), "text/vcard", &vcard("a", &format!("B{round}")))
            .await;
    }
    let later = c.sync_collection(BOOK, &token, Some(1), "<d:getetag/>").await;
    assert!(later.response_for(BOOK).is_none(), "{}", later.body);
    assert_eq!(names(&later).len(), 1, "{}", later.body);
});

dav_test!(rfc6578_3_2_unknown_and_future_tokens_are_valid_sync_token_403, |s| {
    let c = DavClient::new(s, "alice").await;
    for token in ["garbage", "http://pimgate/sync/999999"] {
        let r = c.sync_collection(BOOK, token, None, "<d:getetag/>").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{token}");
        assert!(r.body.contains("<d:valid-sync-token/>"), "{}", r.body);
    }
});

dav_test!(getctag_and_sync_token_move_with_every_write, |s| {
    let c = DavClient::new(s, "alice").await;
    let ctag = |r: common::dav_client::Reply| r.texts("sync-token").remove(0);
    let before = ctag(c.propfind(CAL, "0", "<d:sync-token/>").await);
    c.put(&format!("{CAL}x.ics"), "text/calendar", &vevent("x", "x")).await;
    let after = ctag(c.propfind(CAL, "0", "<d:sync-token/>").await);
    assert_ne!(before, after);
    let r = c.propfind(CAL, "0", "<cs:getctag/>").await;
    assert!(
        r.body.contains(&format!("<cs:getctag>{after}</cs:getctag>")),
        "{}",
        r.body
    );
});

dav_test!(
    rfc6352_8_7_addressbook_multiget_returns_data_in_the_requested_version,
    |s| {
        let c = DavClient::new(s, "alice").await;
        put_cards(&c, &["a", "b"]).await;
        let hrefs = vec![
            format!("{BOOK}a.vcf"),
            format!("{BOOK}b.vcf"),
            format!("{BOOK}missing.vcf"),
        ];
        let r = c.multiget(BOOK, "card", "<card:address-data/>", &hrefs).await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS);
        let a = r.response_for(&hrefs[0]).unwrap();
        assert!(
            a.contains("<card:address-data>BEGIN:VCARD") && a.contains("VERSION:3.0"),
            "{a}"
        );
        assert!(a.contains("<d:getetag>"), "{a}");
        let missing = r.response_for(&hrefs[2]).unwrap();
        assert!(missing.contains("404"), "{missing}");
        let v4 = c
            .multiget(
                BOOK,
                "card",
                r#"<card:address-data content-type="text/vcard" version="4.0"/>"#,
                &hrefs[..1],
            )
            .await;
        assert!(v4.body.contains("VERSION:4.0"), "{}", v4.body);
    }
);

dav_test!(rfc4791_7_9_calendar_multiget_returns_calendar_data, |s| {
    let c = DavClient::new(s, "alice").await;
    c.put(&format!("{CAL}e.ics"), "text/calendar", &vevent("e", "Meeting"))
        .await;
    let r = c
        .multiget(CAL, "cal", "<cal:calendar-data/>", &[format!("{CAL}e.ics")])
        .await;
    let e = r.response_for(&format!("{CAL}e.ics")).unwrap();
    assert!(e.contains("SUMMARY:Meeting"), "{e}");
});

dav_test!(
    rfc4791_7_9_and_rfc6352_8_7_a_multiget_for_etags_alone_answers_without_data,
    |s| {
        let c = DavClient::new(s, "alice").await;
        put_cards(&c, &["a"]).await;
        let put = c.put(&format!("{CAL}e.ics"), "text/calendar", &vevent("e", "e")).await;
        assert_eq!(put.status, StatusCode::CREATED);
        for (path, kind, name, data) in [
            (BOOK, "card", "a.vcf", "address-data"),
            (CAL, "cal", "e.ics", "calendar-data"),
        ] {
            let (href, missing) = (format!("{path}{name}"), format!("{path}missing"));
            let r = c.multiget(path, kind, "", &[href.clone(), missing.clone()]).await;
            assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
            let etag = c.get(&href, &[]).await.header("etag").unwrap().to_owned();
            let found = r.response_for(&href).expect("listed");
            assert!(found.contains(&format!("<d:getetag>{etag}</d:getetag>")), "{found}");
            assert!(!r.body.contains(data), "no {data} was asked for: {}", r.body);
            assert!(r.response_for(&missing).unwrap().contains("404"), "{}", r.body);
        }
    }
);

dav_test!(em_client_huge_multiget_is_read_in_chunks, |s| {
    let c = DavClient::new(s, "alice").await;
    put_cards(&c, &["k1", "k2"]).await;
    let mut hrefs: Vec<String> = (0..1200).map(|i| format!("{BOOK}n{i}.vcf")).collect();
    hrefs.insert(700, format!("{BOOK}k1.vcf"));
    hrefs.push(format!("{BOOK}k2.vcf"));
    let r = c.multiget(BOOK, "card", "<card:address-data/>", &hrefs).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    assert_eq!(r.responses().len(), 1202);
    assert_eq!(r.body.matches("<card:address-data>").count(), 2);
    assert_eq!(r.body.matches("404 Not Found").count(), 1200);
});

dav_test!(
    rfc3253_3_6_reports_of_the_other_kind_are_refused_with_supported_report,
    |s| {
        let c = DavClient::new(s, "alice").await;
        let body = r#"<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>"#;
        let r = c.request("REPORT", BOOK, &[("depth", "1")], body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("<d:supported-report/>"), "{}", r.body);
        // A multiget of the other kind is not offered either.
        let r = c.multiget(CAL, "card", "<card:address-data/>", &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
);

dav_test!(rfc3744_9_4_principal_property_search_finds_the_user_by_name, |s| {
    let c = DavClient::new(s, "alice").await;
    DavClient::new(s, "bob").await;
    let search = |test: &str, text: &str| {
        format!(
            r#"<d:principal-property-search xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav"{test}><d:property-search><d:prop><d:displayname/></d:prop><d:match>{text}</d:match></d:property-search><d:prop><cal:calendar-home-set/><d:displayname/></d:prop></d:principal-property-search>"#
        )
    };
    // The python caldav library searches from the server root.
    let r = c.request("REPORT", "/", &[("depth", "0")], search("", "ALI")).await;
    assert_eq!(r.status.as_u16(), 207, "{}", r.body);
    assert!(r.body.contains("<d:href>/dav/principals/alice/</d:href>"), "{}", r.body);
    assert!(r.body.contains("<d:href>/dav/calendars/alice/</d:href>"), "{}", r.body);
    assert!(!r.body.contains("bob"), "other users are not disclosed: {}", r.body);
    let none = c
        .request("REPORT", "/dav/principals/", &[("depth", "0")], search("", "nobody"))
        .await;
    assert_eq!(none.status.as_u16(), 207);
    assert!(!none.body.contains("<d:response>"), "{}", none.body);
    let all = c
        .request(
            "REPORT",
            "/dav/principals/",
            &[],
            r#"<d:principal-property-search xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:principal-property-search>"#,
        )
        .await;
    assert!(all.body.contains("/dav/principals/alice/"), "{}", all.body);
    // python caldav 3.6 puts the wanted properties beside an empty <D:prop/>.
    let caldav = c
        .request(
            "REPORT",
            "/",
            &[],
            r#"<D:principal-property-search xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:property-search><D:prop><D:displayname/></D:prop><D:match>alice</D:match></D:property-search><D:prop/><C:calendar-home-set/><D:displayname/></D:principal-property-search>"#,
        )
        .await;
    assert!(
        caldav.body.contains("<d:displayname>alice</d:displayname>"),
        "{}",
        caldav.body
    );
    assert!(caldav.body.contains("/dav/calendars/alice/"), "{}", caldav.body);
});

dav_test!(rfc3744_9_5_principal_search_property_set_names_displayname, |s| {
    let c = DavClient::new(s, "alice").await;
    let r = c
        .request(
            "REPORT",
            "/dav/principals/",
            &[],
            r#"<d:principal-search-property-set xmlns:d="DAV:"/>"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("<d:displayname/>"), "{}", r.body);
    let p = c
        .propfind("/dav/principals/alice/", "0", "<d:supported-report-set/>")
        .await;
    assert!(p.body.contains("principal-property-search"), "{}", p.body);
});
