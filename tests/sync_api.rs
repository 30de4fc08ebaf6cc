//! The native sync API over real HTTP: devices and tokens, authorization,
//! sessions on the collection lease, push (idempotent, merged, malformed
//! batches refused), pull with cursors and long-poll, compression, and the
//! shared change log with the DAV side (driven through `Engine::put_object`
//! until the DAV handlers are merged).

mod common;
mod sync_support;

use std::time::{Duration, Instant};

use pimgate::adapters::vcard;
use pimgate::engine::{Precondition, PutObject};
use pimgate::store::{Access, Accounts, ChangeLog, ObjectStore};
use pimgate::sync_protocol::{ApiError, PullResponse, PushResponse};
use pimgate::universal::{
    Action, Change, ChangeTransaction, DeviceId, FieldId, FieldPath, ObjectName, Op, Timestamp, TxId, Uid, Version,
};
use reqwest::Method;
use sync_support::*;

fn session() -> String {
    api_path(&contacts(), "session")
}

fn push_path() -> String {
    api_path(&contacts(), "push")
}

fn changes() -> String {
    api_path(&contacts(), "changes")
}

fn create_tx(txid: &str) -> ChangeTransaction {
    let record = vcard::parse(CARD.as_bytes()).unwrap().remove(0);
    let mut clean = record.clone();
    clean.clear_raw();
    ChangeTransaction {
        txid: TxId(txid.into()),
        collection: contacts(),
        uid: Uid("jane".into()),
        op: Op::Create,
        base_version: None,
        new_version: Version(1),
        origin: DeviceId("x".into()),
        at: Timestamp(1),
        changes: vec![Change {
            path: FieldPath {
                components: vec![],
                field: None,
            },
            action: Action::Add,
            prop: None,
            component: Some(clean.root),
        }],
    }
}

fn remove_field(txid: &str, base: u64, field: u32) -> ChangeTransaction {
    let mut tx = create_tx(txid);
    tx.op = Op::Update;
    tx.base_version = Some(Version(base));
    tx.new_version = Version(base + 1);
    tx.changes = vec![Change {
        path: FieldPath::root_field(FieldId(field)),
        action: Action::Remove,
        prop: None,
        component: None,
    }];
    tx
}

async fn push(server: &common::server::TestServer, token: &str, txs: &[ChangeTransaction]) -> reqwest::Response {
    as_device(server, Method::POST, &push_path(), token)
        .json(&serde_json::json!({ "transactions": txs }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn registered_token_works_until_revoked_then_401() {
    let server = setup().await;
    let phone = device(&server, "alice", "phone").await;
    assert!(phone.token.starts_with("pgd_"));
    let open = as_device(&server, Method::POST, &session(), &phone.token)
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 200);
    let list: serde_json::Value = server
        .client
        .get(server.url("/sync/v1/devices"))
        .basic_auth("alice", Some(PASSWORD))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["devices"][0]["name"], "phone");
    assert!(!list.to_string().contains(&phone.token), "listings never show tokens");
    let revoke = server
        .client
        .delete(server.url(&format!("/sync/v1/devices/{}", phone.id)))
        .basic_auth("alice", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 204);
    let after = as_device(&server, Method::GET, &changes(), &phone.token)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    assert!(
        after.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let wrong = as_device(&server, Method::GET, &changes(), &format!("pgd_{}_nope", phone.id))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
}

#[tokio::test]
async fn device_without_grant_gets_403_and_read_grant_cannot_write() {
    let server = setup().await;
    let bobs = device(&server, "bob", "laptop").await;
    let pull = as_device(&server, Method::GET, &changes(), &bobs.token)
        .send()
        .await
        .unwrap();
    assert_eq!(pull.status(), 403);
    server
        .store()
        .set_grant(&contacts(), "bob", Access::Read)
        .await
        .unwrap();
    let pull = as_device(&server, Method::GET, &changes(), &bobs.token)
        .send()
        .await
        .unwrap();
    assert_eq!(pull.status(), 200);
    let open = as_device(&server, Method::POST, &session(), &bobs.token)
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 403);
    server
        .store()
        .set_grant(&contacts(), "bob", Access::Write)
        .await
        .unwrap();
    let open = as_device(&server, Method::POST, &session(), &bobs.token)
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 200);
}

#[tokio::test]
async fn second_writer_gets_423_with_holder_and_a_dead_holders_lease_expires() {
    let server = setup().await;
    let a = device(&server, "alice", "a").await;
    let b = device(&server, "alice", "b").await;
    let open = as_device(&server, Method::POST, &session(), &a.token)
        .json(&serde_json::json!({ "ttl_secs": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 200);
    // `a` now "crashes": it never closes.
    let locked = as_device(&server, Method::POST, &session(), &b.token)
        .send()
        .await
        .unwrap();
    assert_eq!(locked.status(), 423);
    let body: ApiError = locked.json().await.unwrap();
    assert_eq!(body.holder.as_deref(), Some(a.id.as_str()));
    assert!(body.until.is_some());
    let refused = push(&server, &b.token, &[create_tx("t1")]).await;
    assert_eq!(refused.status(), 423, "a push without the lease is refused");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let open = as_device(&server, Method::POST, &session(), &b.token)
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 200);
    let close = as_device(&server, Method::DELETE, &session(), &b.token)
        .send()
        .await
        .unwrap();
    assert_eq!(close.status(), 204);
}

#[tokio::test]
async fn retried_push_is_applied_once_and_pull_returns_it_with_cursor() {
    let server = setup().await;
    let a = device(&server, "alice", "a").await;
    as_device(&server, Method::POST, &session(), &a.token)
        .send()
        .await
        .unwrap();
    let first: PushResponse = push(&server, &a.token, &[create_tx("t1")]).await.json().await.unwrap();
    assert!(first.results[0].created && !first.results[0].duplicate);
    let again: PushResponse = push(&server, &a.token, &[create_tx("t1")]).await.json().await.unwrap();
    assert!(again.results[0].duplicate);
    assert_eq!(
        Some(server.store().current_seq(&contacts()).await.unwrap()),
        first.results[0].seq,
        "one write"
    );
    let pulled: PullResponse = as_device(&server, Method::GET, &format!("{}?after=0", changes()), &a.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pulled.changes.len(), 1);
    assert_eq!(
        pulled.changes[0].transaction.origin.as_str(),
        a.id.as_str(),
        "origin is the device"
    );
    assert_eq!(
        server.store().cursor(&a.id, &contacts()).await.unwrap(),
        Some(pulled.cursor),
        "the server keeps the device's cursor"
    );
}

#[tokio::test]
async fn malformed_pushes_are_refused_with_nothing_applied() {
    let server = setup().await;
    let a = device(&server, "alice", "a").await;
    as_device(&server, Method::POST, &session(), &a.token)
        .send()
        .await
        .unwrap();
    push(&server, &a.token, &[create_tx("t1")]).await;
    let before = server.store().current_seq(&contacts()).await.unwrap();
    let bad_json = as_device(&server, Method::POST, &push_path(), &a.token)
        .header("content-type", "application/json")
        .body("{\"transactions\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), 400);
    assert!(bad_json.text().await.unwrap().contains("malformed push body"));
    let unknown = push(&server, &a.token, &[remove_field("t2", 1, 999)]).await;
    assert_eq!(unknown.status(), 422);
    let body: ApiError = unknown.json().await.unwrap();
    assert!(body.error.contains("no field at #999"), "{}", body.error);
    assert_eq!(body.index, Some(0));
    let future = push(&server, &a.token, &[remove_field("t3", 7, 2)]).await;
    assert_eq!(future.status(), 409);
    let many: Vec<_> = (0..1001).map(|i| create_tx(&format!("big{i}"))).collect();
    let oversized = push(&server, &a.token, &many).await;
    assert_eq!(oversized.status(), 413);
    assert_eq!(server.store().current_seq(&contacts()).await.unwrap(), before);
}

#[tokio::test]
async fn compressed_requests_and_responses_both_ways() {
    let server = setup().await;
    let a = device(&server, "alice", "a").await;
    as_device(&server, Method::POST, &session(), &a.token)
        .send()
        .await
        .unwrap();
    let body = serde_json::to_vec(&serde_json::json!({ "transactions": [create_tx("z1")] })).unwrap();
    let packed = zstd::encode_all(&body[..], 3).unwrap();
    let response = as_device(&server, Method::POST, &push_path(), &a.token)
        .header("content-type", "application/json")
        .header("content-encoding", "zstd")
        .body(packed)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // A client without automatic decompression sees the encoded body.
    let raw = reqwest::Client::builder().no_gzip().no_zstd().build().unwrap();
    let pulled = raw
        .get(server.url(&format!("{}?after=0", changes())))
        .bearer_auth(&a.token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(pulled.headers()["content-encoding"], "gzip");
    let mut gz = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&pulled.bytes().await.unwrap()[..]),
        &mut gz,
    )
    .unwrap();
    let page: PullResponse = serde_json::from_slice(&gz).unwrap();
    assert_eq!(page.changes.len(), 1);
}

#[tokio::test]
async fn long_poll_wakes_within_a_second_of_a_push_and_sees_dav_writes() {
    let server = setup().await;
    let a = device(&server, "alice", "a").await;
    let b = device(&server, "alice", "b").await;
    let waiting = {
        let request = as_device(
            &server,
            Method::GET,
            &format!("{}?after=0&wait=20", changes()),
            &b.token,
        );
        tokio::spawn(async move {
            let started = Instant::now();
            let page: PullResponse = request.send().await.unwrap().json().await.unwrap();
            (page, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    as_device(&server, Method::POST, &session(), &a.token)
        .send()
        .await
        .unwrap();
    let pushed_at = Instant::now();
    push(&server, &a.token, &[create_tx("t1")]).await;
    let (page, _) = waiting.await.unwrap();
    assert!(pushed_at.elapsed() < Duration::from_secs(1));
    assert_eq!(page.changes.len(), 1);
    as_device(&server, Method::DELETE, &session(), &a.token)
        .send()
        .await
        .unwrap();
    // A DAV write (through the engine, as the DAV PUT handler does) is in
    // the same log; the pushed object is what DAV serves.
    let card = CARD.replace("UID:jane", "UID:bob").replace("Jane", "Bob");
    let record = vcard::parse(card.as_bytes()).unwrap().remove(0);
    server
        .state
        .engine()
        .put_object(PutObject {
            collection: contacts(),
            name: ObjectName("bob.vcf".into()),
            record,
            original: card.into_bytes(),
            content_type: "text/vcard".into(),
            precondition: Precondition::None,
            origin: DeviceId("dav:alice".into()),
            at: Timestamp(2),
        })
        .await
        .unwrap();
    let after = format!("{}?after={}&wait=5", changes(), page.cursor.0);
    let page: PullResponse = as_device(&server, Method::GET, &after, &b.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page.changes[0].object.as_str(), "bob.vcf");
    let jane = server
        .store()
        .object(&contacts(), &ObjectName("jane.vcf".into()))
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8(jane.original).unwrap().contains("TEL:+1 555 0100"));
}

#[tokio::test]
async fn a_cursor_from_before_the_collection_was_made_again_needs_a_resync() {
    for server in setup_all().await {
        let a = device(&server, "alice", "a").await;
        let open = as_device(&server, Method::POST, &session(), &a.token)
            .send()
            .await
            .unwrap();
        assert_eq!(open.status(), 200);
        push(&server, &a.token, &[create_tx("t1")]).await;
        let close = as_device(&server, Method::DELETE, &session(), &a.token)
            .send()
            .await
            .unwrap();
        assert_eq!(close.status(), 204);
        let pulled: PullResponse = as_device(&server, Method::GET, &format!("{}?after=0", changes()), &a.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let old_cursor = pulled.cursor;
        // The address book is deleted and made again over DAV, and written
        // to, so that its log is past the old cursor.
        let book = "/dav/addressbooks/alice/contacts/";
        let dav = |method: &str, path: &str| {
            server
                .client
                .request(Method::from_bytes(method.as_bytes()).unwrap(), server.url(path))
                .basic_auth("alice", Some(PASSWORD))
        };
        assert_eq!(dav("DELETE", book).send().await.unwrap().status(), 204);
        let body = r#"<d:mkcol xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>"#;
        assert_eq!(dav("MKCOL", book).body(body).send().await.unwrap().status(), 201);
        for uid in ["new1", "new2"] {
            let card = CARD.replace("UID:jane", &format!("UID:{uid}"));
            let put = dav("PUT", &format!("{book}{uid}.vcf"))
                .header("content-type", "text/vcard")
                .body(card)
                .send()
                .await
                .unwrap();
            assert_eq!(put.status(), 201);
        }
        assert!(server.store().current_seq(&contacts()).await.unwrap() > old_cursor);
        let stale = as_device(
            &server,
            Method::GET,
            &format!("{}?after={}", changes(), old_cursor.0),
            &a.token,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(stale.status(), 410, "a page against another log would be wrong");
        let body: ApiError = stale.json().await.unwrap();
        assert_eq!(body.code, pimgate::sync_protocol::ErrorCode::ResyncNeeded);
        // The snapshot and its cursor start the device over.
        let snapshot: pimgate::sync_protocol::Snapshot =
            as_device(&server, Method::GET, &api_path(&contacts(), "objects"), &a.token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        assert_eq!(snapshot.objects.len(), 2);
        let after = format!("{}?after={}", changes(), snapshot.cursor.0);
        let resumed = as_device(&server, Method::GET, &after, &a.token).send().await.unwrap();
        assert_eq!(resumed.status(), 200);
        server.stop().await.unwrap();
    }
}
