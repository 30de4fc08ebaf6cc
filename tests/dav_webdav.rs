//! Generic WebDAV over real HTTP: plain collections of opaque resources,
//! COPY/MOVE (RFC 4918 §9.8–9.9) and LOCK/UNLOCK (§9.10–9.11) on the
//! engine's collection leases.

mod common;

use common::dav_client::{DavClient, vevent};
use reqwest::StatusCode;

const CAL: &str = "/dav/calendars/alice/calendar/";

dav_test!(rfc4918_9_3_plain_collections_hold_opaque_resources, |s| {
    let c = DavClient::new(s, "alice").await;
    let dir = "/dav/calendars/alice/files/";
    assert_eq!(
        c.request("MKCOL", dir, &[], Vec::new()).await.status,
        StatusCode::CREATED
    );
    let r = c.propfind(dir, "0", "<d:resourcetype/>").await;
    assert!(
        r.body.contains("<d:resourcetype><d:collection/></d:resourcetype>"),
        "{}",
        r.body
    );
    let put = c.put(&format!("{dir}notes.txt"), "text/plain", "hello\n").await;
    assert_eq!(put.status, StatusCode::CREATED);
    let etag = put.header("etag").unwrap().to_owned();
    let get = c.get(&format!("{dir}notes.txt"), &[]).await;
    assert_eq!(
        (get.body.as_str(), get.header("content-type")),
        ("hello\n", Some("text/plain"))
    );
    let stale = c
        .put_if_match(&format!("{dir}notes.txt"), "text/plain", "\"old\"", "x")
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        c.put_if_match(&format!("{dir}notes.txt"), "text/plain", &etag, "bye\n")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let list = c.propfind(dir, "1", "<d:getcontentlength/>").await;
    assert!(
        list.response_for(&format!("{dir}notes.txt"))
            .unwrap()
            .contains("<d:getcontentlength>4</d:getcontentlength>"),
        "{}",
        list.body
    );
    assert_eq!(
        c.delete(&format!("{dir}notes.txt")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        c.get(&format!("{dir}notes.txt"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
});

dav_test!(rfc4918_9_8_copy_and_9_9_move_objects, |s| {
    let c = DavClient::new(s, "alice").await;
    assert_eq!(
        c.request("MKCALENDAR", "/dav/calendars/alice/other/", &[], Vec::new())
            .await
            .status,
        StatusCode::CREATED
    );
    c.put(&format!("{CAL}e.ics"), "text/calendar", &vevent("e", "Meet"))
        .await;
    let dest = format!("{}/dav/calendars/alice/other/e.ics", s.base);
    let copy = c
        .request(
            "COPY",
            &format!("{CAL}e.ics"),
            &[("destination", dest.as_str())],
            Vec::new(),
        )
        .await;
    assert_eq!(copy.status, StatusCode::CREATED, "{}", copy.body);
    assert!(
        c.get("/dav/calendars/alice/other/e.ics", &[])
            .await
            .body
            .contains("SUMMARY:Meet")
    );
    let again = c
        .request(
            "COPY",
            &format!("{CAL}e.ics"),
            &[("destination", dest.as_str()), ("overwrite", "F")],
            Vec::new(),
        )
        .await;
    assert_eq!(again.status, StatusCode::PRECONDITION_FAILED);
    // A copy inside one calendar would hold the UID twice.
    let twin = c
        .request(
            "COPY",
            &format!("{CAL}e.ics"),
            &[("destination", "/dav/calendars/alice/calendar/f.ics")],
            Vec::new(),
        )
        .await;
    assert_eq!(twin.status, StatusCode::FORBIDDEN);
    assert!(twin.body.contains("no-uid-conflict"), "{}", twin.body);
    // A rename (MOVE inside the calendar) keeps the UID.
    let rename = c
        .request(
            "MOVE",
            &format!("{CAL}e.ics"),
            &[("destination", "/dav/calendars/alice/calendar/g.ics")],
            Vec::new(),
        )
        .await;
    assert_eq!(rename.status, StatusCode::CREATED, "{}", rename.body);
    assert_eq!(c.get(&format!("{CAL}e.ics"), &[]).await.status, StatusCode::NOT_FOUND);
    assert!(c.get(&format!("{CAL}g.ics"), &[]).await.body.contains("UID:e"));
    // And the sync log saw both sides.
    let sync = c.sync_collection(CAL, "", None, "<d:getetag/>").await;
    assert!(sync.response_for(&format!("{CAL}g.ics")).is_some());
});

dav_test!(rfc4918_9_10_lock_keeps_other_writers_out_until_unlock, |s| {
    use pimgate::store::{Access, Accounts};
    let alice = DavClient::new(s, "alice").await;
    let bob = DavClient::new(s, "bob").await;
    alice.propfind(CAL, "0", "<d:resourcetype/>").await;
    s.store()
        .set_grant(
            &pimgate::universal::CollectionId("alice/calendars/calendar".into()),
            "bob",
            Access::Write,
        )
        .await
        .unwrap();
    let info = r#"<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype><d:owner>alice's phone</d:owner></d:lockinfo>"#;
    let lock = alice.request("LOCK", CAL, &[("timeout", "Second-60")], info).await;
    assert_eq!(lock.status, StatusCode::OK, "{}", lock.body);
    let token = lock
        .header("lock-token")
        .unwrap()
        .trim_matches(|c| c == '<' || c == '>')
        .to_owned();
    assert!(token.starts_with("opaquelocktoken:"), "{token}");
    assert!(
        lock.body.contains(&token) && lock.body.contains("alice's phone"),
        "{}",
        lock.body
    );
    let discovery = alice.propfind(CAL, "0", "<d:lockdiscovery/><d:supportedlock/>").await;
    assert!(discovery.body.contains(&token), "{}", discovery.body);
    assert!(discovery.body.contains("<d:exclusive/>"), "{}", discovery.body);
    let blocked = bob
        .put(&format!("{CAL}b.ics"), "text/calendar", &vevent("b", "b"))
        .await;
    assert_eq!(blocked.status, StatusCode::LOCKED);
    let conflicting = bob.request("LOCK", CAL, &[], info).await;
    assert_eq!(conflicting.status, StatusCode::LOCKED);
    let relock = alice.request("LOCK", CAL, &[("timeout", "Second-60")], info).await;
    assert_eq!(
        relock.status,
        StatusCode::LOCKED,
        "a second lock without the token: {}",
        relock.body
    );
    // The holder's own writes must submit the token (RFC 4918 §7.5).
    let without = alice
        .put(&format!("{CAL}a.ics"), "text/calendar", &vevent("a", "a"))
        .await;
    assert_eq!(without.status, StatusCode::LOCKED);
    assert!(without.body.contains("lock-token-submitted"), "{}", without.body);
    let if_header = format!("(<{token}>)");
    let with = alice
        .request(
            "PUT",
            &format!("{CAL}a.ics"),
            &[("content-type", "text/calendar"), ("if", if_header.as_str())],
            vevent("a", "a"),
        )
        .await;
    assert_eq!(with.status, StatusCode::CREATED);
    let wrong = alice
        .request("UNLOCK", CAL, &[("lock-token", "<opaquelocktoken:nope>")], Vec::new())
        .await;
    assert_eq!(wrong.status, StatusCode::CONFLICT);
    let bracketed = format!("<{token}>");
    let unlock = alice
        .request("UNLOCK", CAL, &[("lock-token", bracketed.as_str())], Vec::new())
        .await;
    assert_eq!(unlock.status, StatusCode::NO_CONTENT);
    assert_eq!(
        bob.put(&format!("{CAL}b.ics"), "text/calendar", &vevent("b", "b"))
            .await
            .status,
        StatusCode::CREATED
    );
});

dav_test!(rfc4918_9_3_1_nested_plain_collections_need_their_parent, |s| {
    let c = DavClient::new(s, "alice").await;
    let top = "/dav/calendars/alice/files/";
    let orphan = c
        .request("MKCOL", "/dav/calendars/alice/none/sub/", &[], Vec::new())
        .await;
    assert_eq!(orphan.status, StatusCode::CONFLICT);
    assert_eq!(
        c.request("MKCOL", top, &[], Vec::new()).await.status,
        StatusCode::CREATED
    );
    // Without a trailing slash too (litmus does this).
    assert_eq!(
        c.request("MKCOL", "/dav/calendars/alice/files/sub", &[], Vec::new())
            .await
            .status,
        StatusCode::CREATED
    );
    c.put("/dav/calendars/alice/files/sub/a.txt", "text/plain", "a").await;
    let list = c.propfind(top, "1", "<d:resourcetype/>").await;
    assert!(
        list.response_for("/dav/calendars/alice/files/sub/").is_some(),
        "{}",
        list.body
    );
    let home = c.propfind("/dav/calendars/alice/", "1", "<d:resourcetype/>").await;
    assert!(
        home.response_for("/dav/calendars/alice/files/sub/").is_none(),
        "only direct members"
    );
    let in_calendar = c
        .request("MKCOL", "/dav/calendars/alice/calendar/sub/", &[], Vec::new())
        .await;
    assert_eq!(in_calendar.status, StatusCode::FORBIDDEN);
    assert_eq!(c.delete(top).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        c.get("/dav/calendars/alice/files/sub/a.txt", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.propfind("/dav/calendars/alice/files/sub/", "0", "<d:resourcetype/>")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
});

dav_test!(rfc4918_9_8_2_copy_and_9_9_1_move_carry_dead_properties, |s| {
    let c = DavClient::new(s, "alice").await;
    let dir = "/dav/calendars/alice/files/";
    assert_eq!(
        c.request("MKCOL", dir, &[], Vec::new()).await.status,
        StatusCode::CREATED
    );
    // litmus `propmove`: properties set, MOVE with Overwrite F, read back.
    let plain = format!("{dir}prop");
    let event = format!("{CAL}e.ics");
    c.put(&plain, "text/plain", "p").await;
    c.put(&event, "text/calendar", &vevent("e", "e")).await;
    for path in [&plain, &event] {
        let set = c
            .proppatch(path, "<d:set><d:prop><x:prop9>value9</x:prop9></d:prop></d:set>")
            .await;
        assert_eq!(set.status, StatusCode::MULTI_STATUS);
    }
    let moves = [
        (plain.clone(), format!("{dir}prop2"), format!("{dir}prop3")),
        (
            event.clone(),
            format!("{CAL}moved.ics"),
            "/dav/calendars/alice/other/copy.ics".to_owned(),
        ),
    ];
    assert_eq!(
        c.request("MKCALENDAR", "/dav/calendars/alice/other/", &[], Vec::new())
            .await
            .status,
        StatusCode::CREATED
    );
    for (source, moved, copied) in moves {
        let reply = c
            .request(
                "MOVE",
                &source,
                &[("destination", moved.as_str()), ("overwrite", "F")],
                Vec::new(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        let reply = c
            .request("COPY", &moved, &[("destination", copied.as_str())], Vec::new())
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        for path in [&moved, &copied] {
            let found = c.propfind(path, "0", "<x:prop9/>").await;
            assert!(
                found.body.contains("value9</x:prop9>") && !found.body.contains("404"),
                "{path}: {}",
                found.body
            );
        }
        // The source's properties went with it: a new resource there has none.
        let recreated = if source.ends_with(".ics") {
            c.put(&source, "text/calendar", &vevent("e2", "e2")).await
        } else {
            c.put(&source, "text/plain", "new").await
        };
        assert_eq!(recreated.status, StatusCode::CREATED);
        let gone = c.propfind(&source, "0", "<x:prop9/>").await;
        assert!(gone.body.contains("404 Not Found"), "{}", gone.body);
    }
});
