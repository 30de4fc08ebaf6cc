//! Sync tokens across incarnations of a collection over real HTTP: an
//! address book or calendar deleted and made again at the same URL (MKCOL,
//! extended MKCOL, MKCALENDAR, COPY, MOVE) refuses the tokens of its
//! predecessor with 403 `valid-sync-token` (RFC 6578 §3.2), even once its
//! own log has gone past them, and never repeats one of its CTags.

mod common;

use common::dav_client::{DavClient, Reply, vcard, vevent};
use reqwest::StatusCode;

const NS: &str =
    r#"xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav""#;

/// One way to make a collection at a URL, and the objects it holds.
struct Maker {
    method: &'static str,
    path: &'static str,
    body: String,
    object: fn(&str) -> (String, &'static str, String),
}

fn card(uid: &str) -> (String, &'static str, String) {
    (format!("{uid}.vcf"), "text/vcard", vcard(uid, uid))
}

fn event(uid: &str) -> (String, &'static str, String) {
    (format!("{uid}.ics"), "text/calendar", vevent(uid, uid))
}

fn makers() -> Vec<Maker> {
    vec![
        Maker {
            method: "MKCALENDAR",
            path: "/dav/calendars/alice/work/",
            body: String::new(),
            object: event,
        },
        Maker {
            method: "MKCOL",
            path: "/dav/addressbooks/alice/work/",
            body: format!(
                r#"<d:mkcol {NS}><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>"#
            ),
            object: card,
        },
        Maker {
            method: "MKCOL",
            path: "/dav/calendars/alice/team/",
            body: format!(
                r#"<d:mkcol {NS}><d:set><d:prop><d:resourcetype><d:collection/><cal:calendar/></d:resourcetype></d:prop></d:set></d:mkcol>"#
            ),
            object: event,
        },
    ]
}

/// The collection's sync token, which is also its CTag.
async fn token(c: &DavClient<'_>, path: &str) -> String {
    let r = c.propfind(path, "0", "<d:sync-token/><cs:getctag/>").await;
    let token = r.texts("sync-token").pop().unwrap_or_else(|| panic!("{}", r.body));
    assert!(
        r.body.contains(&format!("<cs:getctag>{token}</cs:getctag>")),
        "{}",
        r.body
    );
    token
}

async fn put(c: &DavClient<'_>, path: &str, object: (String, &'static str, String)) {
    let (name, content_type, body) = object;
    let r = c.put(&format!("{path}{name}"), content_type, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}{name}: {}", r.body);
}

fn refused(reply: &Reply) -> bool {
    reply.status == StatusCode::FORBIDDEN && reply.body.contains("<d:valid-sync-token/>")
}

/// Every token `path` hands out while it is made, filled and synced.
async fn first_life(c: &DavClient<'_>, path: &str, object: fn(&str) -> (String, &'static str, String)) -> Vec<String> {
    let mut seen = vec![token(c, path).await];
    for uid in ["old1", "old2"] {
        put(c, path, object(uid)).await;
        seen.push(token(c, path).await);
    }
    let synced = c.sync_collection(path, "", None, "<d:getetag/>").await;
    seen.push(synced.sync_token().unwrap());
    seen
}

/// After the collection at `path` was made again: its CTags are new, the
/// predecessor's tokens are refused before and after its own first write,
/// and an initial sync lists only what it holds. Returns the tokens the
/// successor handed out.
async fn check_successor(
    c: &DavClient<'_>,
    path: &str,
    seen: &[String],
    object: fn(&str) -> (String, &'static str, String),
    holds: &[&str],
) -> Vec<String> {
    let fresh = token(c, path).await;
    assert!(
        !seen.contains(&fresh),
        "{fresh} repeats a token of the predecessor {seen:?}"
    );
    for old in seen {
        let stale = c.sync_collection(path, old, None, "<d:getetag/>").await;
        assert!(refused(&stale), "{old}: {} {}", stale.status, stale.body);
    }
    put(c, path, object("new")).await;
    let after = token(c, path).await;
    assert!(!seen.contains(&after), "{after} repeats a token of the predecessor");
    // The successor's log is now past every old token: still refused.
    for old in seen {
        let stale = c.sync_collection(path, old, None, "<d:getetag/>").await;
        assert!(refused(&stale), "{old}: {} {}", stale.status, stale.body);
    }
    let initial = c.sync_collection(path, "", None, "<d:getetag/>").await;
    assert_eq!(initial.responses().len(), holds.len() + 1, "{}", initial.body);
    for uid in holds.iter().chain(&["new"]) {
        let (name, _, _) = object(uid);
        assert!(
            initial.response_for(&format!("{path}{name}")).is_some(),
            "{}",
            initial.body
        );
    }
    // Its own tokens work.
    let own = initial.sync_token().unwrap();
    put(c, path, object("newer")).await;
    let next = c.sync_collection(path, &own, None, "<d:getetag/>").await;
    assert_eq!(next.status, StatusCode::MULTI_STATUS, "{}", next.body);
    assert_eq!(next.responses().len(), 1, "{}", next.body);
    vec![fresh, after, own, next.sync_token().unwrap()]
}

async fn transfer(c: &DavClient<'_>, method: &str, from: &str, to: &str) -> Reply {
    let destination = c.server.url(to);
    c.request(method, from, &[("destination", destination.as_str())], Vec::new())
        .await
}

dav_test!(
    rfc6578_3_2_tokens_of_a_deleted_collection_are_refused_after_mkcol,
    |s| {
        let c = DavClient::new(s, "alice").await;
        for maker in makers() {
            let make = || c.request(maker.method, maker.path, &[], maker.body.clone());
            assert_eq!(make().await.status, StatusCode::CREATED, "{}", maker.path);
            let seen = first_life(&c, maker.path, maker.object).await;
            assert_eq!(c.delete(maker.path).await.status, StatusCode::NO_CONTENT);
            assert_eq!(make().await.status, StatusCode::CREATED, "{} again", maker.path);
            check_successor(&c, maker.path, &seen, maker.object, &[]).await;
        }
    }
);

dav_test!(
    rfc6578_3_2_tokens_of_a_replaced_collection_are_refused_after_copy_and_move,
    |s| {
        let c = DavClient::new(s, "alice").await;
        let work = "/dav/calendars/alice/work/";
        let mkcalendar = |path: &'static str| c.request("MKCALENDAR", path, &[], Vec::new());
        assert_eq!(mkcalendar(work).await.status, StatusCode::CREATED);
        let mut seen = first_life(&c, work, event).await;

        // Deleted, then a MOVE brings another calendar to its URL.
        assert_eq!(c.delete(work).await.status, StatusCode::NO_CONTENT);
        let other = "/dav/calendars/alice/other/";
        assert_eq!(mkcalendar(other).await.status, StatusCode::CREATED);
        put(&c, other, event("moved")).await;
        let moved = transfer(&c, "MOVE", other, work).await;
        assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.body);
        seen.extend(check_successor(&c, work, &seen, event, &["moved"]).await);

        // A COPY over it: Overwrite (T by default) replaces it in one transfer.
        let source = "/dav/calendars/alice/source/";
        assert_eq!(mkcalendar(source).await.status, StatusCode::CREATED);
        put(&c, source, event("copied")).await;
        let copied = transfer(&c, "COPY", source, work).await;
        assert_eq!(copied.status, StatusCode::NO_CONTENT, "{}", copied.body);
        check_successor(&c, work, &seen, event, &["copied"]).await;
    }
);
