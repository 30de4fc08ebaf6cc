//! A pushed batch is committed in one store transaction
//! (`Engine::apply_batch`), yet must do exactly what applying its
//! transactions one at a time does (`Engine::apply_transaction`): the same
//! results, the same refusal at the same index, the same objects and the
//! same change log — including a create and updates of one object in one
//! batch, a stale base that needs a merge, a delete and a re-create, a
//! repeated txid, and a retry of the whole batch.

mod common;
mod sync_support;

use pimgate::adapters::vcard;
use pimgate::engine::{Written, align_ids, diff};
use pimgate::server::render::{AdapterRenderer, VCARD3};
use pimgate::store::{ChangeLog, CollectionKind, ObjectStore};
use pimgate::sync_protocol::{ApiError, PushRequest, PushResult};
use pimgate::universal::{
    Action, Change, ChangeTransaction, CollectionId, DeviceId, FieldId, FieldPath, Op, Record, Seq, Timestamp, TxId,
    Uid, Version,
};
use reqwest::Method;
use sync_support::*;

fn card(uid: &str, name: &str, tel: &str, email: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nTEL:{tel}\r\nEMAIL:{email}\r\nEND:VCARD\r\n")
}

fn record(text: &str) -> Record {
    vcard::parse(text.as_bytes()).unwrap().remove(0)
}

fn tx(
    collection: &CollectionId,
    txid: &str,
    uid: &str,
    op: Op,
    base: Option<u64>,
    changes: Vec<Change>,
) -> ChangeTransaction {
    ChangeTransaction {
        txid: TxId(txid.into()),
        collection: collection.clone(),
        uid: Uid(uid.into()),
        op,
        base_version: base.map(Version),
        new_version: Version(base.map_or(1, |b| b + 1)),
        origin: DeviceId(String::new()),
        at: Timestamp(1_764_259_200_000),
        changes,
    }
}

fn root() -> FieldPath {
    FieldPath {
        components: Vec::new(),
        field: None,
    }
}

fn create(collection: &CollectionId, txid: &str, text: &str) -> ChangeTransaction {
    let mut r = record(text);
    r.clear_raw();
    let uid = r.uid().unwrap().to_owned();
    let add = Change {
        path: root(),
        action: Action::Add,
        prop: None,
        component: Some(r.root),
    };
    tx(collection, txid, &uid, Op::Create, None, vec![add])
}

/// The update a device sends after editing `before` into `after`.
fn update(collection: &CollectionId, txid: &str, base: u64, before: &str, after: &str) -> ChangeTransaction {
    let before = record(before);
    let mut after = record(after);
    align_ids(&before, &mut after);
    let uid = before.uid().unwrap().to_owned();
    tx(collection, txid, &uid, Op::Update, Some(base), diff(&before, &after))
}

/// The scenario, for one collection; the transaction at index 8 is refused.
fn scenario(collection: &CollectionId) -> Vec<ChangeTransaction> {
    let a1 = card("a", "Ann", "+1 555 0001", "ann@example.org");
    let a_tel = card("a", "Ann", "+1 555 0002", "ann@example.org");
    let a_email = card("a", "Ann", "+1 555 0001", "ann@work.example");
    let a3 = card("a", "Ann", "+1 555 0002", "ann@work.example");
    let a_name = card("a", "Ann Smith", "+1 555 0002", "ann@work.example");
    let b1 = card("b", "Bob", "+1 555 0100", "bob@example.org");
    let unknown_field = Change {
        path: FieldPath::root_field(FieldId(999)),
        action: Action::Remove,
        prop: None,
        component: None,
    };
    vec![
        create(collection, "t1", &a1),
        create(collection, "t2", &b1),
        update(collection, "t3", 1, &a1, &a_tel),
        // Made against version 1 while t3 made version 2: merged.
        update(collection, "t4", 1, &a1, &a_email),
        tx(collection, "t5", "b", Op::Delete, Some(1), Vec::new()),
        create(
            collection,
            "t6",
            &card("b", "Bob Again", "+1 555 0100", "bob@example.org"),
        ),
        create(collection, "t1", &a1),
        update(collection, "t8", 3, &a3, &a_name),
        tx(collection, "t9", "a", Op::Update, Some(4), vec![unknown_field]),
        create(collection, "t10", &card("c", "Cy", "+1 555 0200", "cy@example.org")),
    ]
}

/// What the tests compare of a result: everything but the position's value.
fn shape(name: &str, version: Version, created: bool, duplicate: bool, seq: Option<Seq>, conflicts: usize) -> String {
    format!(
        "{name} v{} created={created} duplicate={duplicate} logged={} conflicts={conflicts}",
        version.0,
        seq.is_some()
    )
}

fn written_shape(w: &Written) -> String {
    shape(
        w.name.as_str(),
        w.version,
        w.created,
        w.duplicate,
        w.seq,
        w.conflicts.len(),
    )
}

fn pushed_shape(r: &PushResult) -> String {
    shape(
        r.name.as_str(),
        r.version,
        r.created,
        r.duplicate,
        r.seq,
        r.conflicts.len(),
    )
}

/// The change log of a collection without positions and collection ids.
async fn log(server: &common::server::TestServer, collection: &CollectionId) -> Vec<String> {
    let changes = server.store().changes_since(collection, Seq(0), 1000).await.unwrap();
    changes
        .changes
        .iter()
        .map(|c| {
            let t = &c.transaction;
            format!(
                "{} {} {:?} {:?}->{:?} {} {}",
                t.txid,
                t.uid,
                t.op,
                t.base_version,
                t.new_version,
                serde_json::to_string(&t.changes).unwrap(),
                c.conflicts.as_ref().map(|v| v.to_string()).unwrap_or_default()
            )
        })
        .collect()
}

async fn push(
    server: &common::server::TestServer,
    token: &str,
    collection: &CollectionId,
    txs: &[ChangeTransaction],
) -> (u16, ApiError) {
    let response = as_device(server, Method::POST, &api_path(collection, "push"), token)
        .json(&PushRequest {
            transactions: txs.to_vec(),
        })
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_pushed_batch_does_what_its_transactions_do_one_at_a_time() {
    for server in setup_all().await {
        let batched = add_collection(&server, "alice", "batched", CollectionKind::AddressBook).await;
        let reference = add_collection(&server, "alice", "reference", CollectionKind::AddressBook).await;

        // Reference: the engine, one transaction at a time, until the first refusal.
        let mut expected = Vec::new();
        let mut refused = None;
        for (i, t) in scenario(&reference).iter().enumerate() {
            match server
                .state
                .engine()
                .apply_transaction(t, VCARD3, &AdapterRenderer)
                .await
            {
                Ok(w) => expected.push(written_shape(&w)),
                Err(e) => {
                    refused = Some((i, e.to_string()));
                    break;
                }
            }
        }
        let (refused_at, refusal) = refused.expect("the reference refuses t9");
        assert_eq!(refused_at, 8);

        // The same transactions as one pushed batch.
        let d = device(&server, "alice", "batcher").await;
        let open = as_device(&server, Method::POST, &api_path(&batched, "session"), &d.token)
            .send()
            .await
            .unwrap();
        assert_eq!(open.status(), 200);
        let (status, body) = push(&server, &d.token, &batched, &scenario(&batched)).await;
        assert_eq!(status, 422, "{body:?}");
        assert_eq!(body.index, Some(refused_at));
        assert!(body.error.ends_with(&refusal), "{} vs {refusal}", body.error);
        let got: Vec<String> = body.applied.iter().map(pushed_shape).collect();
        assert_eq!(got, expected);
        assert!(
            got[3].ends_with("conflicts=0") && got[3].contains("v3"),
            "t4 merged: {}",
            got[3]
        );
        assert!(got[6].contains("duplicate=true"), "t1 repeated: {}", got[6]);
        let seqs: Vec<i64> = body.applied.iter().filter_map(|r| r.seq).map(|s| s.0).collect();
        assert!(
            seqs[..6].windows(2).all(|w| w[0] < w[1]),
            "positions follow the batch: {seqs:?}"
        );

        // Same objects, same log.
        for uid in ["a", "b"] {
            let uid = Uid(uid.into());
            let mine = server.store().object_by_uid(&batched, &uid).await.unwrap().unwrap();
            let theirs = server.store().object_by_uid(&reference, &uid).await.unwrap().unwrap();
            assert_eq!(mine.version, theirs.version, "{uid}");
            assert_eq!(mine.original, theirs.original, "{uid}");
            assert!(diff(&mine.record, &theirs.record).is_empty(), "{uid}");
        }
        assert!(
            server
                .store()
                .object_by_uid(&batched, &Uid("c".into()))
                .await
                .unwrap()
                .is_none()
        );
        let batched_log = log(&server, &batched).await;
        assert_eq!(batched_log, log(&server, &reference).await);

        // A retry of the whole batch changes nothing: each applied
        // transaction (the delete too) is recognised by its txid.
        let (status, again) = push(&server, &d.token, &batched, &scenario(&batched)).await;
        assert_eq!((status, again.index), (422, Some(refused_at)));
        assert!(again.applied.iter().all(|r| r.duplicate), "{:?}", again.applied);
        assert_eq!(log(&server, &batched).await, batched_log);
        server.stop().await.unwrap();
    }
}
