//! COPY and MOVE of collections over real HTTP (RFC 4918 §9.8, §9.9):
//! Depth, Overwrite, where collections may go, what comes along (members,
//! nested collections, dead properties, grants) and what does not (locks),
//! sync tokens of the copies, and that a failed transfer changes nothing.

mod common;

use common::dav_client::{DavClient, Reply, vevent};
use common::server::TestServer;
use pimgate::store::{
    Access, Accounts, ChangeLog, Collection, CollectionKind, Copying, Home, Locks, ObjectStore, PlainResources,
    StoreError, Transfer, TransferStep, Transfers,
};
use pimgate::universal::{ChangeTransaction, CollectionId, DeviceId, ObjectName, Op, Seq, Timestamp, TxId, Version};
use reqwest::StatusCode;

const FILES: &str = "/dav/calendars/alice/files/";

async fn copy(c: &DavClient<'_>, from: &str, to: &str, headers: &[(&str, &str)]) -> Reply {
    transfer(c, "COPY", from, to, headers).await
}

async fn mv(c: &DavClient<'_>, from: &str, to: &str, headers: &[(&str, &str)]) -> Reply {
    transfer(c, "MOVE", from, to, headers).await
}

async fn transfer(c: &DavClient<'_>, method: &str, from: &str, to: &str, headers: &[(&str, &str)]) -> Reply {
    let destination = c.server.url(to);
    let mut all = vec![("destination", destination.as_str())];
    all.extend_from_slice(headers);
    c.request(method, from, &all, Vec::new()).await
}

async fn mkcol(c: &DavClient<'_>, path: &str) {
    let made = c.request("MKCOL", path, &[], Vec::new()).await;
    assert_eq!(made.status, StatusCode::CREATED, "MKCOL {path}: {}", made.body);
}

async fn mkcalendar(c: &DavClient<'_>, path: &str) {
    let made = c.request("MKCALENDAR", path, &[], Vec::new()).await;
    assert_eq!(made.status, StatusCode::CREATED, "MKCALENDAR {path}: {}", made.body);
}

async fn status(c: &DavClient<'_>, path: &str) -> StatusCode {
    c.get(path, &[]).await.status
}

async fn set_prop(c: &DavClient<'_>, path: &str, value: &str) {
    let set = c
        .proppatch(path, &format!("<d:set><d:prop><x:tag>{value}</x:tag></d:prop></d:set>"))
        .await;
    assert_eq!(set.status, StatusCode::MULTI_STATUS, "{}", set.body);
}

async fn prop(c: &DavClient<'_>, path: &str) -> Option<String> {
    let found = c.propfind(path, "0", "<x:tag/>").await;
    let open = found.body.find("<x:tag")?;
    let start = open + found.body[open..].find('>')? + 1;
    let end = start + found.body[start..].find("</x:tag>")?;
    Some(found.body[start..end].to_owned())
}

/// `files/` with `a.txt`, `b.txt` and `sub/c.txt`, a dead property on the
/// collection and one on `a.txt`.
async fn files(s: &TestServer) -> DavClient<'_> {
    let c = DavClient::new(s, "alice").await;
    mkcol(&c, FILES).await;
    mkcol(&c, &format!("{FILES}sub/")).await;
    for (name, body) in [("a.txt", "a"), ("b.txt", "b"), ("sub/c.txt", "c")] {
        let put = c.put(&format!("{FILES}{name}"), "text/plain", body).await;
        assert_eq!(put.status, StatusCode::CREATED);
    }
    set_prop(&c, FILES, "collection").await;
    set_prop(&c, &format!("{FILES}a.txt"), "member").await;
    c
}

fn sync_token_error(reply: &Reply) -> bool {
    reply.status == StatusCode::FORBIDDEN && reply.body.contains("valid-sync-token")
}

dav_test!(rfc4918_9_8_3_copy_depth_infinity_copies_the_whole_tree, |s| {
    let c = files(s).await;
    let copied = copy(&c, FILES, "/dav/calendars/alice/copy/", &[]).await;
    assert_eq!(copied.status, StatusCode::CREATED, "{}", copied.body);
    let to = "/dav/calendars/alice/copy/";
    assert_eq!(c.get(&format!("{to}a.txt"), &[]).await.body, "a");
    assert_eq!(c.get(&format!("{to}sub/c.txt"), &[]).await.body, "c");
    assert_eq!(prop(&c, to).await.as_deref(), Some("collection"));
    assert_eq!(prop(&c, &format!("{to}a.txt")).await.as_deref(), Some("member"));
    let listing = c.propfind(to, "1", "<d:resourcetype/>").await;
    assert!(listing.response_for(&format!("{to}sub/")).is_some(), "{}", listing.body);
    // The source is untouched, and the two are independent.
    assert_eq!(c.delete(&format!("{to}a.txt")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(c.get(&format!("{FILES}a.txt"), &[]).await.body, "a");
});

dav_test!(rfc4918_9_8_4_overwrite_deletes_the_destination_collection_first, |s| {
    let c = files(s).await;
    let to = "/dav/calendars/alice/copy/";
    mkcol(&c, to).await;
    c.put(&format!("{to}only-here.txt"), "text/plain", "x").await;
    let refused = copy(&c, FILES, to, &[("overwrite", "F")]).await;
    assert_eq!(refused.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(status(&c, &format!("{to}only-here.txt")).await, StatusCode::OK);
    let replaced = copy(&c, FILES, to, &[("overwrite", "T")]).await;
    assert_eq!(replaced.status, StatusCode::NO_CONTENT, "{}", replaced.body);
    assert_eq!(status(&c, &format!("{to}only-here.txt")).await, StatusCode::NOT_FOUND);
    assert_eq!(c.get(&format!("{to}b.txt"), &[]).await.body, "b");
    // MOVE too: the collection replaces a resource, and a resource a collection.
    let file = format!("{FILES}b.txt");
    let over_collection = mv(&c, &file, &format!("{to}sub/"), &[]).await;
    assert_eq!(
        over_collection.status,
        StatusCode::NO_CONTENT,
        "{}",
        over_collection.body
    );
    assert_eq!(c.get(&format!("{to}sub"), &[]).await.body, "b");
    assert_eq!(status(&c, &format!("{to}sub/c.txt")).await, StatusCode::NOT_FOUND);
    assert_eq!(status(&c, &file).await, StatusCode::NOT_FOUND);
    let over_resource = mv(&c, &format!("{FILES}sub/"), &format!("{to}sub"), &[]).await;
    assert_eq!(over_resource.status, StatusCode::NO_CONTENT, "{}", over_resource.body);
    assert_eq!(c.get(&format!("{to}sub/c.txt"), &[]).await.body, "c");
});

dav_test!(
    rfc4918_9_8_3_copy_depth_0_copies_the_collection_and_its_properties_only,
    |s| {
        let c = files(s).await;
        let to = "/dav/calendars/alice/shallow/";
        let copied = copy(&c, FILES, to, &[("depth", "0")]).await;
        assert_eq!(copied.status, StatusCode::CREATED, "{}", copied.body);
        assert_eq!(prop(&c, to).await.as_deref(), Some("collection"));
        let listing = c.propfind(to, "1", "<d:resourcetype/>").await;
        assert_eq!(listing.responses().len(), 1, "no members: {}", listing.body);
        assert_eq!(status(&c, &format!("{to}sub/c.txt")).await, StatusCode::NOT_FOUND);
        // A calendar keeps its live properties too.
        mkcalendar(&c, "/dav/calendars/alice/work/").await;
        c.proppatch(
            "/dav/calendars/alice/work/",
            "<d:set><d:prop><d:displayname>Work</d:displayname></d:prop></d:set>",
        )
        .await;
        c.put("/dav/calendars/alice/work/e.ics", "text/calendar", &vevent("e", "e"))
            .await;
        let empty = copy(
            &c,
            "/dav/calendars/alice/work/",
            "/dav/calendars/alice/work2/",
            &[("depth", "0")],
        )
        .await;
        assert_eq!(empty.status, StatusCode::CREATED, "{}", empty.body);
        let props = c
            .propfind("/dav/calendars/alice/work2/", "1", "<d:displayname/><d:resourcetype/>")
            .await;
        assert!(
            props.body.contains("<d:displayname>Work</d:displayname>"),
            "{}",
            props.body
        );
        assert!(
            props.body.contains("<cal:calendar/>") || props.body.contains("calendar/>"),
            "{}",
            props.body
        );
        assert_eq!(props.responses().len(), 1, "{}", props.body);
    }
);

dav_test!(
    rfc4918_9_8_2_a_copied_calendar_gets_its_objects_through_the_engine,
    |s| {
        let c = DavClient::new(s, "alice").await;
        let work = "/dav/calendars/alice/work/";
        mkcalendar(&c, work).await;
        for uid in ["e1", "e2"] {
            c.put(&format!("{work}{uid}.ics"), "text/calendar", &vevent(uid, uid))
                .await;
        }
        let before = c.sync_collection(work, "", None, "<d:getetag/>").await;
        let old_token = before.sync_token().unwrap();
        let copy_path = "/dav/calendars/alice/copy/";
        let copied = copy(&c, work, copy_path, &[]).await;
        assert_eq!(copied.status, StatusCode::CREATED, "{}", copied.body);
        let synced = c.sync_collection(copy_path, "", None, "<d:getetag/>").await;
        for uid in ["e1", "e2"] {
            let href = format!("{copy_path}{uid}.ics");
            let original = format!("{work}{uid}.ics");
            let etag = |r: &Reply, href: &str| {
                r.response_for(href)
                    .map(|x| x.split("<d:getetag>").nth(1).map(str::to_owned))
            };
            assert_eq!(etag(&synced, &href), etag(&before, &original), "{}", synced.body);
        }
        // Each copy is a create in the copy's own change log, from this user.
        let id = CollectionId("alice/calendars/copy".into());
        let log = s.store().changes_since(&id, Seq(0), 100).await;
        let log = match log {
            Err(StoreError::TokenExpired { oldest, .. }) => s.store().changes_since(&id, oldest, 100).await.unwrap(),
            other => other.unwrap(),
        };
        assert_eq!(log.changes.len(), 2);
        assert!(
            log.changes
                .iter()
                .all(|c| c.op() == Op::Create && c.transaction.origin.0 == "dav:alice")
        );
        // A token the source handed out means nothing here: the client starts over.
        let stale = c.sync_collection(copy_path, &old_token, None, "<d:getetag/>").await;
        assert!(sync_token_error(&stale), "{} {}", stale.status, stale.body);
        // The copy's own token follows its changes.
        let token = synced.sync_token().unwrap();
        c.put(&format!("{copy_path}e3.ics"), "text/calendar", &vevent("e3", "e3"))
            .await;
        let next = c.sync_collection(copy_path, &token, None, "<d:getetag/>").await;
        assert_eq!(next.status, StatusCode::MULTI_STATUS, "{}", next.body);
        assert_eq!(next.responses().len(), 1, "{}", next.body);
        assert!(next.response_for(&format!("{copy_path}e3.ics")).is_some());
        // And the source did not move.
        let source = c.sync_collection(work, &old_token, None, "<d:getetag/>").await;
        assert_eq!(source.responses().len(), 0, "{}", source.body);
    }
);

dav_test!(
    rfc4918_9_9_move_of_a_calendar_takes_objects_properties_and_grants,
    |s| {
        let c = DavClient::new(s, "alice").await;
        let bob = DavClient::new(s, "bob").await;
        let work = "/dav/calendars/alice/work/";
        let archive = "/dav/calendars/alice/archive/";
        mkcalendar(&c, work).await;
        c.put(&format!("{work}e.ics"), "text/calendar", &vevent("e", "Meet"))
            .await;
        set_prop(&c, work, "calendar").await;
        set_prop(&c, &format!("{work}e.ics"), "event").await;
        let source_id = CollectionId("alice/calendars/work".into());
        s.store().set_grant(&source_id, "bob", Access::Read).await.unwrap();
        let token = c
            .sync_collection(work, "", None, "<d:getetag/>")
            .await
            .sync_token()
            .unwrap();
        // Depth other than infinity is refused for a MOVE (RFC 4918 §9.9.2).
        let shallow = mv(&c, work, archive, &[("depth", "0")]).await;
        assert_eq!(shallow.status, StatusCode::BAD_REQUEST);
        // Another user may read it, but only the owner moves it.
        let foreign = mv(&bob, work, "/dav/calendars/bob/stolen/", &[]).await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        let moved = mv(&c, work, archive, &[]).await;
        assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.body);
        assert_eq!(status(&c, &format!("{work}e.ics")).await, StatusCode::NOT_FOUND);
        assert_eq!(
            c.propfind(work, "0", "<d:resourcetype/>").await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            c.get(&format!("{archive}e.ics"), &[])
                .await
                .body
                .contains("SUMMARY:Meet")
        );
        assert_eq!(prop(&c, archive).await.as_deref(), Some("calendar"));
        assert_eq!(prop(&c, &format!("{archive}e.ics")).await.as_deref(), Some("event"));
        assert_eq!(
            status(&bob, &format!("{archive}e.ics")).await,
            StatusCode::OK,
            "the grant came along"
        );
        let stale = c.sync_collection(archive, &token, None, "<d:getetag/>").await;
        assert!(sync_token_error(&stale), "{} {}", stale.status, stale.body);
        let fresh = c.sync_collection(archive, "", None, "<d:getetag/>").await;
        assert!(
            fresh.response_for(&format!("{archive}e.ics")).is_some(),
            "{}",
            fresh.body
        );
    }
);

dav_test!(rfc4918_9_8_5_where_a_collection_may_go, |s| {
    let c = files(s).await;
    DavClient::new(s, "bob").await;
    mkcalendar(&c, "/dav/calendars/alice/work/").await;
    let cases = [
        // Onto itself, into itself, over a collection holding it.
        (FILES, FILES, &[][..], StatusCode::FORBIDDEN),
        (
            FILES,
            "/dav/calendars/alice/files/sub/deeper/",
            &[][..],
            StatusCode::FORBIDDEN,
        ),
        ("/dav/calendars/alice/files/sub/", FILES, &[][..], StatusCode::FORBIDDEN),
        (
            "/dav/calendars/alice/files/sub/c.txt",
            "/dav/calendars/alice/files/sub/",
            &[][..],
            StatusCode::FORBIDDEN,
        ),
        // No parent: 409; a calendar holds no collections; homes hold their kind.
        (
            FILES,
            "/dav/calendars/alice/nonesuch/sub/",
            &[][..],
            StatusCode::CONFLICT,
        ),
        (FILES, "/dav/calendars/alice/work/sub/", &[][..], StatusCode::FORBIDDEN),
        (
            "/dav/calendars/alice/work/",
            "/dav/calendars/alice/files/work/",
            &[][..],
            StatusCode::FORBIDDEN,
        ),
        // (calendar-collection-location-ok is a 409, as for MKCALENDAR.)
        (
            "/dav/calendars/alice/work/",
            "/dav/addressbooks/alice/work/",
            &[][..],
            StatusCode::CONFLICT,
        ),
        // Another user's space; COPY with Depth 1.
        (FILES, "/dav/calendars/bob/files/", &[][..], StatusCode::FORBIDDEN),
        (
            FILES,
            "/dav/calendars/alice/d1/",
            &[("depth", "1")][..],
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (from, to, headers, expected) in cases {
        let reply = copy(&c, from, to, headers).await;
        assert_eq!(reply.status, expected, "COPY {from} -> {to}: {}", reply.body);
    }
    let location = copy(&c, "/dav/calendars/alice/work/", "/dav/addressbooks/alice/work/", &[]).await;
    assert!(
        location.body.contains("calendar-collection-location-ok"),
        "{}",
        location.body
    );
    let elsewhere = c
        .request(
            "COPY",
            FILES,
            &[("destination", "http://elsewhere.example/other/x/")],
            Vec::new(),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::BAD_GATEWAY);
    // Nothing moved on the way.
    assert_eq!(c.get(&format!("{FILES}sub/c.txt"), &[]).await.body, "c");
    // Plain collections may go to either home and nest in plain collections.
    let to_other_home = mv(&c, FILES, "/dav/addressbooks/alice/files/", &[]).await;
    assert_eq!(to_other_home.status, StatusCode::CREATED, "{}", to_other_home.body);
    assert_eq!(c.get("/dav/addressbooks/alice/files/sub/c.txt", &[]).await.body, "c");
    mkcol(&c, FILES).await;
    let nested = mv(
        &c,
        "/dav/addressbooks/alice/files/",
        "/dav/calendars/alice/files/inner",
        &[],
    )
    .await;
    assert_eq!(nested.status, StatusCode::CREATED, "{}", nested.body);
    assert_eq!(c.get(&format!("{FILES}inner/sub/c.txt"), &[]).await.body, "c");
});

dav_test!(
    rfc4918_9_6_deleting_a_collection_spares_its_namesake_in_the_other_home,
    |s| {
        let c = files(s).await;
        mkcol(&c, "/dav/addressbooks/alice/files/").await;
        mkcol(&c, "/dav/addressbooks/alice/files/sub/").await;
        c.put("/dav/addressbooks/alice/files/sub/x.txt", "text/plain", "x")
            .await;
        assert_eq!(c.delete(FILES).await.status, StatusCode::NO_CONTENT);
        assert_eq!(c.get("/dav/addressbooks/alice/files/sub/x.txt", &[]).await.body, "x");
        assert_eq!(status(&c, &format!("{FILES}sub/c.txt")).await, StatusCode::NOT_FOUND);
    }
);

dav_test!(rfc4918_7_6_locks_stay_behind_and_destination_locks_need_tokens, |s| {
    let c = files(s).await;
    let info = r#"<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockinfo>"#;
    let locked = c.request("LOCK", FILES, &[("timeout", "Second-120")], info).await;
    assert_eq!(locked.status, StatusCode::OK, "{}", locked.body);
    let token = locked.header("lock-token").unwrap().trim_matches(['<', '>']).to_owned();
    // A locked collection copies, and the copy is not locked.
    let copy_path = "/dav/calendars/alice/copy/";
    assert_eq!(copy(&c, FILES, copy_path, &[]).await.status, StatusCode::CREATED);
    let discovery = c.propfind(copy_path, "0", "<d:lockdiscovery/>").await;
    assert!(!discovery.body.contains(&token), "{}", discovery.body);
    // Moving it away needs the token; the lock stays behind.
    let without = mv(&c, FILES, "/dav/calendars/alice/moved/", &[]).await;
    assert_eq!(without.status, StatusCode::LOCKED, "{}", without.body);
    let if_header = format!("(<{token}>)");
    let with = mv(&c, FILES, "/dav/calendars/alice/moved/", &[("if", if_header.as_str())]).await;
    assert_eq!(with.status, StatusCode::CREATED, "{}", with.body);
    let moved = c
        .propfind("/dav/calendars/alice/moved/", "0", "<d:lockdiscovery/>")
        .await;
    assert!(!moved.body.contains(&token), "{}", moved.body);
    // A deep lock on the destination's parent covers the new member: its token is needed.
    let parent = c.request("LOCK", copy_path, &[("timeout", "Second-120")], info).await;
    let parent_token = parent.header("lock-token").unwrap().trim_matches(['<', '>']).to_owned();
    let into = format!("{copy_path}moved/");
    let refused = copy(&c, "/dav/calendars/alice/moved/", &into, &[]).await;
    assert_eq!(refused.status, StatusCode::LOCKED, "{}", refused.body);
    let tagged = format!("<{}{copy_path}> (<{parent_token}>)", s.base);
    let allowed = copy(&c, "/dav/calendars/alice/moved/", &into, &[("if", tagged.as_str())]).await;
    assert_eq!(allowed.status, StatusCode::CREATED, "{}", allowed.body);
    let inherited = c.propfind(&into, "0", "<d:lockdiscovery/>").await;
    assert!(inherited.body.contains(&parent_token), "{}", inherited.body);
});

dav_test!(rfc4918_9_8_a_failed_transfer_leaves_both_sides_as_they_were, |s| {
    let c = files(s).await;
    mkcol(&c, "/dav/calendars/alice/target/").await;
    c.put("/dav/calendars/alice/target/keep.txt", "text/plain", "keep")
        .await;
    mkcalendar(&c, "/dav/calendars/alice/work/").await;
    c.put("/dav/calendars/alice/work/e.ics", "text/calendar", &vevent("e", "e"))
        .await;
    let id = |name: &str| Home::Calendars.collection_id("alice", name);
    let store = s.store();
    let at = Timestamp(1);
    let copy_to = |name: &str, kind| Collection::in_home("alice", Home::Calendars, name, kind, at);
    // Overwrite `target`, copy `files` there, move `work` — and then fail:
    // the last step creates a collection that exists.
    let steps = vec![
        TransferStep::DeleteCollection(id("target")),
        TransferStep::CopyCollection {
            from: id("files"),
            to: copy_to("target", CollectionKind::Plain),
            members: true,
            moved: false,
        },
        TransferStep::CopyCollection {
            from: id("work"),
            to: copy_to("work2", CollectionKind::Calendar),
            members: true,
            moved: true,
        },
        TransferStep::DeleteCollection(id("work")),
        TransferStep::CopyCollection {
            from: id("files"),
            to: copy_to("files/sub", CollectionKind::Plain),
            members: false,
            moved: false,
        },
    ];
    let failed = s
        .state
        .engine()
        .transfer(&Transfer {
            steps: steps.clone(),
            at,
            origin: DeviceId::from("dav:alice"),
        })
        .await;
    assert!(failed.is_err(), "the last step must fail");
    let keep = store
        .plain_resource(&id("target"), &ObjectName("keep.txt".into()))
        .await
        .unwrap();
    assert_eq!(keep.map(|r| r.body), Some(b"keep".to_vec()));
    assert!(
        store
            .plain_resource(&id("target"), &ObjectName("a.txt".into()))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.collection(&id("work2")).await.unwrap().is_none());
    assert_eq!(store.count_objects(&id("work")).await.unwrap(), 1);
    // The store refuses a copy whose objects are written elsewhere, too.
    let only_work = Transfer {
        steps: steps[2..4].to_vec(),
        at,
        origin: DeviceId::from("dav:alice"),
    };
    let stray = store
        .transfer(&only_work, |copying| {
            let Copying::Collection { objects, .. } = copying else {
                panic!("only collections are copied here")
            };
            objects
                .into_iter()
                .map(|o| pimgate::store::ObjectWrite {
                    expected: pimgate::store::Expected::Absent,
                    name: o.name.clone(),
                    etag: o.etag.clone(),
                    content_type: o.content_type.clone(),
                    original: o.original.clone(),
                    transaction: ChangeTransaction {
                        txid: TxId::from("stray"),
                        collection: id("files"),
                        uid: o.uid.clone(),
                        op: Op::Create,
                        base_version: None,
                        new_version: Version(1),
                        origin: DeviceId::from("dav:alice"),
                        at,
                        changes: Vec::new(),
                    },
                    record: o.record,
                    conflicts: None,
                    writer: "dav:alice".into(),
                    span: pimgate::store::TimeSpan::UNKNOWN,
                    search_text: None,
                })
                .collect()
        })
        .await;
    assert!(stray.is_err());
    assert!(store.collection(&id("work2")).await.unwrap().is_none());
    assert_eq!(store.count_objects(&id("work")).await.unwrap(), 1);
    assert_eq!(c.get("/dav/calendars/alice/target/keep.txt", &[]).await.body, "keep");
});

dav_test!(rfc4918_9_9_4_a_device_lease_keeps_a_collection_in_place, |s| {
    let c = DavClient::new(s, "alice").await;
    let work = "/dav/calendars/alice/work/";
    mkcalendar(&c, work).await;
    let id = CollectionId("alice/calendars/work".into());
    let now = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    s.store().acquire(&id, "device:phone", 60_000, now).await.unwrap();
    let moved = mv(&c, work, "/dav/calendars/alice/archive/", &[]).await;
    assert_eq!(moved.status, StatusCode::LOCKED, "{}", moved.body);
    // The store refuses too, whatever the DAV layer checked.
    let transfer = Transfer {
        steps: vec![TransferStep::DeleteCollection(id.clone())],
        at: now,
        origin: DeviceId::from("dav:alice"),
    };
    let refused = s.store().transfer(&transfer, |_| Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Locked { .. })), "{refused:?}");
    assert!(s.store().collection(&id).await.unwrap().is_some());
});

/// The ETag a PROPFIND or REPORT answer gives for `href`.
fn getetag(reply: &Reply, href: &str) -> Option<String> {
    let response = reply.response_for(href)?;
    let start = response.find("<d:getetag>")? + "<d:getetag>".len();
    let end = start + response[start..].find("</d:getetag>")?;
    Some(response[start..end].to_owned())
}

dav_test!(rfc4918_9_9_moving_an_object_is_all_or_nothing, |s| {
    let c = DavClient::new(s, "alice").await;
    let (work, home) = ("/dav/calendars/alice/work/", "/dav/calendars/alice/home/");
    mkcalendar(&c, work).await;
    mkcalendar(&c, home).await;
    let (source, target) = (format!("{work}e.ics"), format!("{home}x.ics"));
    c.put(&source, "text/calendar", &vevent("e", "Meet")).await;
    set_prop(&c, &source, "event").await;
    c.put(&target, "text/calendar", &vevent("x", "Replaced")).await;
    // Another object of `home` holds the source's UID.
    let twin = format!("{home}twin.ics");
    c.put(&twin, "text/calendar", &vevent("e", "Twin")).await;
    let work_token = c
        .sync_collection(work, "", None, "<d:getetag/>")
        .await
        .sync_token()
        .unwrap();
    let home_token = c
        .sync_collection(home, "", None, "<d:getetag/>")
        .await
        .sync_token()
        .unwrap();

    // The destination refuses the UID (RFC 4791 §5.3.2.1): nothing changes
    // on either side — neither the source nor the object it would replace.
    let refused = mv(&c, &source, &target, &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("no-uid-conflict"), "{}", refused.body);
    assert!(c.get(&source, &[]).await.body.contains("SUMMARY:Meet"));
    assert!(c.get(&target, &[]).await.body.contains("SUMMARY:Replaced"));
    assert_eq!(prop(&c, &source).await.as_deref(), Some("event"));
    for (path, token) in [(work, &work_token), (home, &home_token)] {
        let since = c.sync_collection(path, token, None, "<d:getetag/>").await;
        assert_eq!(since.responses().len(), 0, "{path}: {}", since.body);
        assert_eq!(since.sync_token().as_ref(), Some(token), "{path} did not move");
    }

    // Without the twin the move goes through, and each side's sync shows it.
    assert_eq!(c.delete(&twin).await.status, StatusCode::NO_CONTENT);
    let home_token = c
        .sync_collection(home, &home_token, None, "<d:getetag/>")
        .await
        .sync_token()
        .unwrap();
    let etag = getetag(&c.propfind(&source, "0", "<d:getetag/>").await, &source).unwrap();
    let moved = mv(&c, &source, &target, &[]).await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT, "{}", moved.body);
    let from = c.sync_collection(work, &work_token, None, "<d:getetag/>").await;
    assert_eq!(from.responses().len(), 1, "{}", from.body);
    assert!(
        from.response_for(&source).unwrap().contains("404 Not Found"),
        "{}",
        from.body
    );
    let to = c.sync_collection(home, &home_token, None, "<d:getetag/>").await;
    assert_eq!(to.responses().len(), 1, "{}", to.body);
    assert_eq!(getetag(&to, &target), Some(etag), "{}", to.body);
    assert!(c.get(&target, &[]).await.body.contains("SUMMARY:Meet"));
    assert_eq!(status(&c, &source).await, StatusCode::NOT_FOUND);
    assert_eq!(prop(&c, &target).await.as_deref(), Some("event"));
    // The logs devices pull: a delete at the source; at the destination the
    // replaced object deleted and the copy created.
    assert_eq!(logged_ops(s, "work", "e.ics").await, [Op::Create, Op::Delete]);
    assert_eq!(
        logged_ops(s, "home", "x.ics").await,
        [Op::Create, Op::Delete, Op::Create]
    );
});

async fn logged_ops(s: &TestServer, collection: &str, name: &str) -> Vec<Op> {
    let id = Home::Calendars.collection_id("alice", collection);
    let history = s.store().object_history(&id, &ObjectName(name.into())).await.unwrap();
    history.changes.iter().map(|c| c.op()).collect()
}

/// The test server trusts a reverse proxy on its own address.
fn trust_local_proxy(config: &mut pimgate::config::Config) {
    config.proxy.trusted = vec!["127.0.0.1".parse().unwrap()];
}

/// What a proxy in front of the test server forwards.
const FORWARDED: [(&str, &str); 2] = [("x-forwarded-host", "dav.example.org"), ("x-forwarded-proto", "https")];

async fn to_destination(c: &DavClient<'_>, method: &str, from: &str, destination: &str, forwarded: bool) -> Reply {
    let mut headers = vec![("destination", destination)];
    if forwarded {
        headers.extend(FORWARDED);
    }
    c.request(method, from, &headers, Vec::new()).await
}

dav_test!(rfc4918_9_8_5_and_9_9_4_a_destination_on_another_server_is_502, |s| {
    let c = DavClient::new(s, "alice").await;
    let (work, home) = ("/dav/calendars/alice/work/", "/dav/calendars/alice/home/");
    mkcalendar(&c, work).await;
    mkcalendar(&c, home).await;
    let source = format!("{work}e.ics");
    c.put(&source, "text/calendar", &vevent("e", "e")).await;
    let port = s.addr.port();
    let other_port = if port == 8 { 9 } else { 8 };
    let elsewhere = [
        format!("http://127.0.0.1:{other_port}"),
        format!("https://127.0.0.1:{port}"),
        format!("ftp://127.0.0.1:{port}"),
        "http://elsewhere.example".to_owned(),
        format!("http://localhost:{port}"),
    ];
    for origin in &elsewhere {
        for (method, from, to) in [
            ("COPY", source.as_str(), format!("{origin}{home}e.ics")),
            ("MOVE", source.as_str(), format!("{origin}{home}e.ics")),
            ("COPY", work, format!("{origin}/dav/calendars/alice/copy/")),
            ("MOVE", work, format!("{origin}/dav/calendars/alice/moved/")),
        ] {
            let r = to_destination(&c, method, from, &to, false).await;
            assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{method} {from} -> {to}: {}", r.body);
        }
    }
    for path in [
        &format!("{home}e.ics"),
        "/dav/calendars/alice/copy/",
        "/dav/calendars/alice/moved/",
    ] {
        assert_eq!(status(&c, path).await, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(status(&c, &source).await, StatusCode::OK);
    // Forwarded headers from a peer that is not a trusted proxy name no origin of ours.
    let public = format!("https://dav.example.org{home}e.ics");
    let r = to_destination(&c, "COPY", &source, &public, true).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{}", r.body);
    // This server, as a full URL (host in any case) or as a path.
    let upper = format!("HTTP://127.0.0.1:{port}{home}e.ics");
    assert_eq!(
        to_destination(&c, "COPY", &source, &upper, false).await.status,
        StatusCode::CREATED
    );
    let renamed = format!("{home}renamed.ics");
    let by_path = to_destination(&c, "MOVE", &format!("{home}e.ics"), &renamed, false).await;
    assert_eq!(by_path.status, StatusCode::CREATED, "{}", by_path.body);
    assert_eq!(status(&c, &renamed).await, StatusCode::OK);
});

dav_test!(
    rfc4918_9_8_5_behind_a_trusted_proxy_its_public_origin_is_ours,
    trust_local_proxy,
    |s| {
        let c = DavClient::new(s, "alice").await;
        let (work, home) = ("/dav/calendars/alice/work/", "/dav/calendars/alice/home/");
        mkcalendar(&c, work).await;
        mkcalendar(&c, home).await;
        let source = format!("{work}e.ics");
        c.put(&source, "text/calendar", &vevent("e", "e")).await;
        // The public origin the proxy forwards, not another scheme of it.
        let plain_http = format!("http://dav.example.org{home}e.ics");
        let r = to_destination(&c, "COPY", &source, &plain_http, true).await;
        assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{}", r.body);
        let public = format!("https://dav.example.org{home}e.ics");
        let r = to_destination(&c, "COPY", &source, &public, true).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        // The address the proxy reached us by is ours too.
        let direct = s.url(&format!("{home}moved.ics"));
        let r = to_destination(&c, "MOVE", &format!("{home}e.ics"), &direct, true).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(status(&c, &format!("{home}moved.ics")).await, StatusCode::OK);
    }
);
