//! Two `pimgate serve` processes (the real binary) on one database: a
//! device long-polls process B while another pushes to process A, and the
//! waiting pull answers within a second — through LISTEN/NOTIFY on
//! PostgreSQL, through the periodic re-read on SQLite.

mod common;
mod sync_support;

use std::time::{Duration, Instant};

use pimgate::adapters::vcard;
use pimgate::sync_protocol::{PullResponse, PushRequest, PushResponse};
use pimgate::universal::{
    Action, Change, ChangeTransaction, CollectionId, DeviceId, FieldPath, Op, Seq, Timestamp, TxId, Uid, Version,
};
use sync_support::binary::{self, Serve, Storage};
use sync_support::{PASSWORD, api_path, contacts};

fn create(collection: &CollectionId, i: usize) -> ChangeTransaction {
    let text = format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p{i}\r\nFN:Person {i}\r\nEND:VCARD\r\n");
    let mut record = vcard::parse(text.as_bytes()).unwrap().remove(0);
    record.clear_raw();
    ChangeTransaction {
        txid: TxId(format!("processes-{i}")),
        collection: collection.clone(),
        uid: Uid(format!("p{i}")),
        op: Op::Create,
        base_version: None,
        new_version: Version(1),
        origin: DeviceId(String::new()),
        at: Timestamp(1),
        changes: vec![Change {
            path: FieldPath {
                components: Vec::new(),
                field: None,
            },
            action: Action::Add,
            prop: None,
            component: Some(record.root),
        }],
    }
}

/// Pushes through A while B's long-poll waits; the delay from sending the
/// push to B's answer, for each of `rounds` pushes.
async fn wake_delays(storage: &Storage, rounds: usize) -> Vec<Duration> {
    binary::add_user(storage, "alice", PASSWORD);
    let pusher = binary::add_device(storage, "alice", "pusher");
    let waiter = binary::add_device(storage, "alice", "waiter");
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Serve::start(&storage.node(data_a.path()));
    let b = Serve::start(&storage.node(data_b.path()));
    binary::provision(&a.base, "alice", PASSWORD).await;
    let http = reqwest::Client::new();
    let collection = contacts();
    let open = http
        .post(a.url(&api_path(&collection, "session")))
        .bearer_auth(&pusher.token)
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 200);
    let mut cursor = Seq(0);
    let mut delays = Vec::new();
    for i in 0..rounds {
        let poll = http
            .get(b.url(&api_path(&collection, &format!("changes?after={}&wait=10", cursor.0))))
            .bearer_auth(&waiter.token)
            .send();
        let poll = tokio::spawn(poll);
        // Well after B parks the poll, and away from its re-read instants.
        tokio::time::sleep(Duration::from_millis(150)).await;
        let sent = Instant::now();
        let pushed = http
            .post(a.url(&api_path(&collection, "push")))
            .bearer_auth(&pusher.token)
            .json(&PushRequest {
                transactions: vec![create(&collection, i)],
            })
            .send()
            .await
            .unwrap();
        assert_eq!(pushed.status(), 200);
        let _: PushResponse = pushed.json().await.unwrap();
        let answer = poll.await.unwrap().unwrap();
        let woke = sent.elapsed();
        let page: PullResponse = answer.json().await.unwrap();
        assert_eq!(page.changes.len(), 1, "round {i}: B saw the push");
        cursor = page.cursor;
        delays.push(woke);
    }
    delays
}

fn median(delays: &[Duration]) -> Duration {
    let mut sorted = delays.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

#[tokio::test]
async fn long_poll_on_one_postgres_process_wakes_within_a_second_of_a_push_on_another() {
    let Some(base) = common::stores::postgres_url() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage {
        data: dir.path().to_owned(),
        database: Some(binary::postgres_schema(&base, "pimgate_test_processes").await),
    };
    let delays = wake_delays(&storage, 7).await;
    eprintln!("PostgreSQL, push on A to answer on B: {delays:?}");
    assert!(delays.iter().all(|d| *d < Duration::from_secs(1)), "{delays:?}");
    // B's re-read every 500 ms alone would answer ~350 ms after these
    // pushes; well under that, the wake-up came from NOTIFY.
    assert!(median(&delays) < Duration::from_millis(250), "{delays:?}");
}

#[tokio::test]
async fn long_poll_on_one_sqlite_process_wakes_within_a_second_of_a_push_on_another() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage {
        data: dir.path().to_owned(),
        database: Some(format!("sqlite://{}", dir.path().join("shared.db").display())),
    };
    let delays = wake_delays(&storage, 4).await;
    eprintln!("SQLite, push on A to answer on B: {delays:?}");
    assert!(delays.iter().all(|d| *d < Duration::from_secs(1)), "{delays:?}");
}
