//! WebDAV locks over real HTTP (RFC 4918 §6–7, §9.10–9.11): shared and
//! exclusive locks on plain resources and collections, what they cover,
//! what they let through, and how they sit beside the collection leases
//! of address books and calendars.

mod common;

use common::dav_client::{DavClient, Reply, vevent};
use common::server::TestServer;
use pimgate::store::{Access, Accounts, Locks};
use pimgate::universal::{CollectionId, Timestamp};
use reqwest::StatusCode;

const DIR: &str = "/dav/calendars/alice/files/";
const CAL: &str = "/dav/calendars/alice/calendar/";

fn lockinfo(scope: &str, owner: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><d:lockinfo xmlns:d="DAV:"><d:lockscope><d:{scope}/></d:lockscope><d:locktype><d:write/></d:locktype><d:owner>{owner}</d:owner></d:lockinfo>"#
    )
}

/// LOCK with a scope and optional extra headers.
async fn lock(c: &DavClient<'_>, path: &str, scope: &str, headers: &[(&str, &str)]) -> Reply {
    let mut all = vec![("timeout", "Second-120")];
    all.extend_from_slice(headers);
    c.request("LOCK", path, &all, lockinfo(scope, "litmus-like client"))
        .await
}

/// The token of a successful LOCK.
fn lock_token(reply: &Reply) -> String {
    assert!(reply.status.is_success(), "{} {}", reply.status, reply.body);
    reply
        .header("lock-token")
        .expect("a Lock-Token header")
        .trim_matches(|c| c == '<' || c == '>')
        .to_owned()
}

async fn put_with_if(c: &DavClient<'_>, path: &str, if_header: &str, body: &str) -> Reply {
    let mut headers = vec![("content-type", "text/plain")];
    if !if_header.is_empty() {
        headers.push(("if", if_header));
    }
    c.request("PUT", path, &headers, body).await
}

async fn unlock(c: &DavClient<'_>, path: &str, token: &str) -> Reply {
    let header = format!("<{token}>");
    c.request("UNLOCK", path, &[("lock-token", header.as_str())], Vec::new())
        .await
}

/// A plain collection `files/` with `a.txt` in it.
async fn files(s: &TestServer) -> DavClient<'_> {
    let c = DavClient::new(s, "alice").await;
    assert_eq!(
        c.request("MKCOL", DIR, &[], Vec::new()).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        c.put(&format!("{DIR}a.txt"), "text/plain", "a").await.status,
        StatusCode::CREATED
    );
    c
}

dav_test!(rfc4918_6_2_shared_locks_coexist_until_each_is_unlocked, |s| {
    let c = files(s).await;
    let file = format!("{DIR}a.txt");
    let first = lock_token(&lock(&c, &file, "shared", &[]).await);
    let second = lock_token(&lock(&c, &file, "shared", &[]).await);
    assert_ne!(first, second);
    let discovery = c.propfind(&file, "0", "<d:lockdiscovery/><d:supportedlock/>").await;
    assert!(
        discovery.body.contains(&first) && discovery.body.contains(&second),
        "{}",
        discovery.body
    );
    assert_eq!(
        discovery.body.matches("<d:shared/>").count(),
        3,
        "two locks, and shared in supportedlock: {}",
        discovery.body
    );
    let exclusive = lock(&c, &file, "exclusive", &[]).await;
    assert_eq!(exclusive.status, StatusCode::LOCKED);
    assert!(exclusive.body.contains("no-conflicting-lock"), "{}", exclusive.body);
    // Either token lets the write through; none does not.
    let blocked = put_with_if(&c, &file, "", "b").await;
    assert_eq!(blocked.status, StatusCode::LOCKED);
    assert!(blocked.body.contains("lock-token-submitted"), "{}", blocked.body);
    let with_second = format!("(<{second}>)");
    assert_eq!(
        put_with_if(&c, &file, &with_second, "b").await.status,
        StatusCode::NO_CONTENT
    );
    // UNLOCK with one token releases that lock only.
    assert_eq!(unlock(&c, &file, &first).await.status, StatusCode::NO_CONTENT);
    let discovery = c.propfind(&file, "0", "<d:lockdiscovery/>").await;
    assert!(
        !discovery.body.contains(&first) && discovery.body.contains(&second),
        "{}",
        discovery.body
    );
    assert_eq!(lock(&c, &file, "exclusive", &[]).await.status, StatusCode::LOCKED);
    assert_eq!(unlock(&c, &file, &second).await.status, StatusCode::NO_CONTENT);
    lock_token(&lock(&c, &file, "exclusive", &[]).await);
    assert_eq!(lock(&c, &file, "shared", &[]).await.status, StatusCode::LOCKED);
});

dav_test!(
    rfc4918_6_2_a_shared_lock_on_a_calendar_excludes_the_collection_lease,
    |s| {
        let c = DavClient::new(s, "alice").await;
        let event = format!("{CAL}e.ics");
        assert_eq!(
            c.put(&event, "text/calendar", &vevent("e", "e")).await.status,
            StatusCode::CREATED
        );
        let shared = lock_token(&lock(&c, &event, "shared", &[]).await);
        // An exclusive DAV lock is the management lease: refused by DAV and by the store.
        assert_eq!(lock(&c, CAL, "exclusive", &[]).await.status, StatusCode::LOCKED);
        let id = CollectionId("alice/calendars/calendar".into());
        let now = Timestamp(pimgate::server::accounts::now().0);
        assert!(matches!(
            s.store().acquire(&id, "phone", 30_000, now).await,
            Err(pimgate::store::StoreError::Locked { .. })
        ));
        // The shared lock guards its object only; the token lets its holder write.
        let if_header = format!("(<{shared}>)");
        let update = c
            .request(
                "PUT",
                &event,
                &[("content-type", "text/calendar"), ("if", if_header.as_str())],
                vevent("e", "changed"),
            )
            .await;
        assert_eq!(update.status, StatusCode::NO_CONTENT, "{}", update.body);
        assert_eq!(
            c.put(&event, "text/calendar", &vevent("e", "again")).await.status,
            StatusCode::LOCKED
        );
        assert_eq!(
            c.put(&format!("{CAL}f.ics"), "text/calendar", &vevent("f", "f"))
                .await
                .status,
            StatusCode::CREATED
        );
        assert_eq!(unlock(&c, &event, &shared).await.status, StatusCode::NO_CONTENT);
        let exclusive = lock_token(&lock(&c, CAL, "exclusive", &[]).await);
        assert_eq!(
            lock(&c, &event, "shared", &[]).await.status,
            StatusCode::LOCKED,
            "the lease covers every object"
        );
        // The member sees the collection's lock.
        let discovery = c.propfind(&event, "0", "<d:lockdiscovery/>").await;
        assert!(discovery.body.contains(&exclusive), "{}", discovery.body);
        assert!(
            discovery.body.contains(&format!("<d:lockroot><d:href>{CAL}</d:href>")),
            "{}",
            discovery.body
        );
        assert_eq!(
            unlock(&c, &event, &exclusive).await.status,
            StatusCode::NO_CONTENT,
            "UNLOCK through a member"
        );
        assert_eq!(s.store().lease(&id, now).await.unwrap(), None);
    }
);

dav_test!(rfc4918_7_3_a_lock_on_an_unmapped_url_makes_an_empty_resource, |s| {
    let c = files(s).await;
    let fresh = format!("{DIR}new.txt");
    let locked = lock(&c, &fresh, "exclusive", &[("depth", "0")]).await;
    assert_eq!(locked.status, StatusCode::CREATED, "{}", locked.body);
    let token = lock_token(&locked);
    let get = c.get(&fresh, &[]).await;
    assert_eq!((get.status, get.body.as_str()), (StatusCode::OK, ""));
    assert_eq!(put_with_if(&c, &fresh, "", "x").await.status, StatusCode::LOCKED);
    let if_header = format!("(<{token}>)");
    assert_eq!(
        put_with_if(&c, &fresh, &if_header, "x").await.status,
        StatusCode::NO_CONTENT
    );
    // An address book or calendar holds no empty objects: the lock alone.
    let missing = format!("{CAL}later.ics");
    let calendar_lock = lock(&c, &missing, "shared", &[]).await;
    assert_eq!(calendar_lock.status, StatusCode::OK, "{}", calendar_lock.body);
    assert_eq!(c.get(&missing, &[]).await.status, StatusCode::NOT_FOUND);
});

dav_test!(rfc4918_7_4_a_deep_collection_lock_covers_members_and_new_ones, |s| {
    let c = files(s).await;
    let token = lock_token(&lock(&c, DIR, "exclusive", &[("depth", "infinity")]).await);
    let file = format!("{DIR}a.txt");
    let new = format!("{DIR}new.txt");
    for path in [&file, &new] {
        let blocked = put_with_if(&c, path, "", "x").await;
        assert_eq!(blocked.status, StatusCode::LOCKED, "{path}");
        assert!(
            blocked.body.contains(&format!("<d:href>{DIR}</d:href>")),
            "{}",
            blocked.body
        );
    }
    assert_eq!(
        c.request("MKCOL", &format!("{DIR}sub/"), &[], Vec::new()).await.status,
        StatusCode::LOCKED
    );
    // Untagged, or tagged with the collection (litmus does both).
    let untagged = format!("(<{token}>)");
    assert_eq!(put_with_if(&c, &new, &untagged, "x").await.status, StatusCode::CREATED);
    let tagged = format!("<{}{DIR}> (<{token}>)", s.base);
    assert_eq!(
        put_with_if(&c, &file, &tagged, "x").await.status,
        StatusCode::NO_CONTENT
    );
    let discovery = c.propfind(&new, "0", "<d:lockdiscovery/>").await;
    assert!(discovery.body.contains(&token), "{}", discovery.body);
    // A refresh through a member extends the collection's lock.
    let refresh = c
        .request(
            "LOCK",
            &new,
            &[("if", untagged.as_str()), ("timeout", "Second-500")],
            Vec::new(),
        )
        .await;
    assert_eq!(refresh.status, StatusCode::OK, "{}", refresh.body);
    assert!(
        refresh.body.contains(&format!("<d:lockroot><d:href>{DIR}</d:href>")),
        "{}",
        refresh.body
    );
    assert_eq!(unlock(&c, &new, &token).await.status, StatusCode::NO_CONTENT);
    assert_eq!(put_with_if(&c, &file, "", "free").await.status, StatusCode::NO_CONTENT);
});

dav_test!(rfc4918_7_4_a_depth_0_collection_lock_guards_membership_only, |s| {
    let c = files(s).await;
    let token = lock_token(&lock(&c, DIR, "exclusive", &[("depth", "0")]).await);
    let discovery = c.propfind(DIR, "0", "<d:lockdiscovery/>").await;
    assert!(discovery.body.contains("<d:depth>0</d:depth>"), "{}", discovery.body);
    assert_eq!(
        put_with_if(&c, &format!("{DIR}a.txt"), "", "x").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        put_with_if(&c, &format!("{DIR}b.txt"), "", "x").await.status,
        StatusCode::LOCKED
    );
    assert_eq!(c.delete(&format!("{DIR}a.txt")).await.status, StatusCode::LOCKED);
    // The new member is outside a depth-0 lock: an untagged token is about
    // b.txt and fails; the token is named for the collection.
    let untagged = format!("(<{token}>)");
    assert_eq!(
        put_with_if(&c, &format!("{DIR}b.txt"), &untagged, "x").await.status,
        StatusCode::PRECONDITION_FAILED
    );
    let tagged = format!("<{DIR}> (<{token}>)");
    assert_eq!(
        put_with_if(&c, &format!("{DIR}b.txt"), &tagged, "x").await.status,
        StatusCode::CREATED
    );
    // A lock on a member does not conflict with a depth-0 collection lock.
    lock_token(&lock(&c, &format!("{DIR}a.txt"), "exclusive", &[]).await);
    assert_eq!(
        c.request("LOCK", DIR, &[("depth", "1")], lockinfo("shared", "x"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
});

dav_test!(rfc4918_7_6_a_locked_resource_copies_and_the_copy_is_not_locked, |s| {
    let c = files(s).await;
    let file = format!("{DIR}a.txt");
    let token = lock_token(&lock(&c, &file, "exclusive", &[]).await);
    let copy = c
        .request("COPY", &file, &[("destination", &format!("{DIR}copy.txt"))], Vec::new())
        .await;
    assert_eq!(copy.status, StatusCode::CREATED, "{}", copy.body);
    let discovery = c.propfind(&format!("{DIR}copy.txt"), "0", "<d:lockdiscovery/>").await;
    assert!(!discovery.body.contains("activelock"), "{}", discovery.body);
    assert_eq!(
        put_with_if(&c, &format!("{DIR}copy.txt"), "", "mine").await.status,
        StatusCode::NO_CONTENT
    );
    // Overwriting the locked resource, or moving it away, needs its token.
    let onto = c
        .request(
            "COPY",
            &format!("{DIR}copy.txt"),
            &[("destination", file.as_str())],
            Vec::new(),
        )
        .await;
    assert_eq!(onto.status, StatusCode::LOCKED);
    let moved = c
        .request(
            "MOVE",
            &file,
            &[("destination", &format!("{DIR}moved.txt"))],
            Vec::new(),
        )
        .await;
    assert_eq!(moved.status, StatusCode::LOCKED);
    let if_header = format!("(<{token}>)");
    let moved = c
        .request(
            "MOVE",
            &file,
            &[("destination", &format!("{DIR}moved.txt")), ("if", if_header.as_str())],
            Vec::new(),
        )
        .await;
    assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.body);
    // The lock stayed behind and went with the source.
    let discovery = c.propfind(&format!("{DIR}moved.txt"), "0", "<d:lockdiscovery/>").await;
    assert!(!discovery.body.contains(&token), "{}", discovery.body);
    assert_eq!(put_with_if(&c, &file, "", "again").await.status, StatusCode::CREATED);
});

dav_test!(rfc4918_9_6_delete_removes_the_locks_rooted_at_the_resource, |s| {
    let c = files(s).await;
    let file = format!("{DIR}a.txt");
    let token = lock_token(&lock(&c, &file, "exclusive", &[]).await);
    assert_eq!(c.delete(&file).await.status, StatusCode::LOCKED);
    let if_header = format!("(<{token}>)");
    let deleted = c
        .request("DELETE", &file, &[("if", if_header.as_str())], Vec::new())
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
    assert_eq!(put_with_if(&c, &file, "", "new").await.status, StatusCode::CREATED);
    // Deleting a collection needs the tokens of the locks inside it.
    let inner = lock_token(&lock(&c, &file, "shared", &[]).await);
    let refused = c.delete(DIR).await;
    assert_eq!(refused.status, StatusCode::LOCKED);
    assert!(
        refused.body.contains(&format!("<d:href>{file}</d:href>")),
        "{}",
        refused.body
    );
    let if_header = format!("<{file}> (<{inner}>)");
    assert_eq!(
        c.request("DELETE", DIR, &[("if", if_header.as_str())], Vec::new())
            .await
            .status,
        StatusCode::NO_CONTENT
    );
});

dav_test!(rfc4918_9_10_2_a_refresh_names_its_lock_in_the_if_header, |s| {
    let c = files(s).await;
    let file = format!("{DIR}a.txt");
    let token = lock_token(&lock(&c, &file, "shared", &[]).await);
    let bare = c.request("LOCK", &file, &[("timeout", "Second-900")], Vec::new()).await;
    assert_eq!(bare.status, StatusCode::PRECONDITION_FAILED);
    let other = c
        .request("LOCK", &file, &[("if", "(<opaquelocktoken:nope>)")], Vec::new())
        .await;
    assert_eq!(other.status, StatusCode::PRECONDITION_FAILED);
    let if_header = format!("(<{token}>)");
    let refreshed = c
        .request(
            "LOCK",
            &file,
            &[("if", if_header.as_str()), ("timeout", "Second-900")],
            Vec::new(),
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let timeout = refreshed.texts("timeout");
    assert!(
        timeout.iter().any(|t| t == "Second-900" || t == "Second-899"),
        "{timeout:?}"
    );
    assert!(
        refreshed.body.contains("litmus-like client"),
        "the owner is kept: {}",
        refreshed.body
    );
});

dav_test!(rfc4918_9_11_unlock_needs_a_covering_token_of_its_own_holder, |s| {
    let c = files(s).await;
    let bob = DavClient::new(s, "bob").await;
    s.store()
        .set_grant(&CollectionId("alice/calendars/files".into()), "bob", Access::Write)
        .await
        .unwrap();
    let file = format!("{DIR}a.txt");
    let token = lock_token(&lock(&c, &file, "exclusive", &[]).await);
    let wrong = unlock(&c, &file, "opaquelocktoken:nope").await;
    assert_eq!(wrong.status, StatusCode::CONFLICT);
    assert!(wrong.body.contains("lock-token-matches-request-uri"), "{}", wrong.body);
    let elsewhere = c.put(&format!("{DIR}b.txt"), "text/plain", "b").await;
    assert_eq!(elsewhere.status, StatusCode::CREATED);
    assert_eq!(
        unlock(&c, &format!("{DIR}b.txt"), &token).await.status,
        StatusCode::CONFLICT,
        "the lock does not cover b.txt"
    );
    assert_eq!(unlock(&bob, &file, &token).await.status, StatusCode::FORBIDDEN);
    // Nor may bob use alice's token to write.
    let if_header = format!("(<{token}>)");
    assert_eq!(
        put_with_if(&bob, &file, &if_header, "bob").await.status,
        StatusCode::LOCKED
    );
    assert_eq!(unlock(&c, &file, &token).await.status, StatusCode::NO_CONTENT);
    assert_eq!(put_with_if(&bob, &file, "", "bob").await.status, StatusCode::NO_CONTENT);
});
