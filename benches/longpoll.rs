//! Long-poll latency across server processes (issue 5): two `pimgate serve`
//! processes (the release binary) share one PostgreSQL database; a device
//! long-polls process B, another device pushes one transaction to process
//! A, and we time from sending the push to B's answer, over 200 pushes.
//! Prints p50/p95/max. The target is p50 ≤ 50 ms.
//!
//! Needs `PIMGATE_BENCH_POSTGRES_URL` (a fresh schema is used). The same
//! run on one SQLite file shared by two processes is printed for
//! comparison: without NOTIFY, B notices at its next re-read (every 500 ms).
//!
//! `PIMGATE_BENCH_POSTGRES_URL=postgres://… cargo bench --bench longpoll`

#[path = "../tests/sync_support/binary.rs"]
mod binary;

use std::time::{Duration, Instant};

use binary::{Serve, Storage};
use pimgate::adapters::vcard;
use pimgate::store::{Collection, CollectionKind};
use pimgate::sync_protocol::{PREFIX, PullResponse, PushRequest};
use pimgate::universal::{
    Action, Change, ChangeTransaction, CollectionId, DeviceId, FieldPath, Op, Seq, Timestamp, TxId, Uid, Version,
};

const PUSHES: usize = 200;
const PASSWORD: &str = "bench password";

fn create(collection: &CollectionId, i: usize) -> ChangeTransaction {
    let text =
        format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:lp{i}\r\nFN:Person {i}\r\nTEL:+1 555 {i:07}\r\nEND:VCARD\r\n");
    let mut record = vcard::parse(text.as_bytes()).unwrap().remove(0);
    record.clear_raw();
    ChangeTransaction {
        txid: TxId(format!("longpoll-{i}")),
        collection: collection.clone(),
        uid: Uid(format!("lp{i}")),
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

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn measure(label: &str, storage: &Storage, pushes: usize) {
    binary::add_user(storage, "bench", PASSWORD);
    let pusher = binary::add_device(storage, "bench", "pusher");
    let waiter = binary::add_device(storage, "bench", "waiter");
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Serve::start(&storage.node(data_a.path()));
    let b = Serve::start(&storage.node(data_b.path()));
    binary::provision(&a.base, "bench", PASSWORD).await;
    let collection = Collection::new("bench", "contacts", CollectionKind::AddressBook, Timestamp(0)).id;
    let path = |rest: &str| format!("{PREFIX}/collections/{collection}/{rest}");
    let http = reqwest::Client::new();
    let open = http
        .post(a.url(&path("session")))
        .bearer_auth(&pusher.token)
        .json(&serde_json::json!({ "ttl_secs": 600 }))
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 200, "open a session on A");
    let mut cursor = Seq(0);
    let (mut delays, mut after_ack) = (Vec::new(), Vec::new());
    for i in 0..pushes {
        let poll = http
            .get(b.url(&path(&format!("changes?after={}&wait=30", cursor.0))))
            .bearer_auth(&waiter.token)
            .send();
        let poll = tokio::spawn(poll);
        // Let B park the poll; vary the offset so pushes do not line up
        // with B's 500 ms re-reads.
        tokio::time::sleep(Duration::from_millis(30 + (i as u64 * 37) % 120)).await;
        let sent = Instant::now();
        let pushed = http
            .post(a.url(&path("push")))
            .bearer_auth(&pusher.token)
            .json(&PushRequest {
                transactions: vec![create(&collection, i)],
            })
            .send()
            .await
            .unwrap();
        assert_eq!(pushed.status(), 200);
        let acknowledged = sent.elapsed();
        let answer = poll.await.unwrap().unwrap();
        let woke = sent.elapsed();
        let page: PullResponse = answer.json().await.unwrap();
        assert_eq!(page.changes.len(), 1, "push {i} reached B");
        cursor = page.cursor;
        delays.push(woke);
        after_ack.push(ms(woke) - ms(acknowledged));
    }
    delays.sort();
    after_ack.sort_by(f64::total_cmp);
    println!(
        "{label}: push to A -> long-poll answer on B over {pushes} pushes: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms \
         (after A's acknowledgement: p50 {:.1} ms)",
        ms(percentile(&delays, 0.5)),
        ms(percentile(&delays, 0.95)),
        ms(*delays.last().unwrap()),
        after_ack[after_ack.len() / 2],
    );
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; a filter naming neither backend skips this.
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    if wanted("longpoll-postgres") {
        match std::env::var("PIMGATE_BENCH_POSTGRES_URL") {
            Ok(base) => {
                let dir = tempfile::tempdir().unwrap();
                let storage = Storage {
                    data: dir.path().to_owned(),
                    database: Some(binary::postgres_schema(&base, "pimgate_bench_longpoll").await),
                };
                measure("PostgreSQL, two processes", &storage, PUSHES).await;
            }
            Err(_) => println!("longpoll-postgres skipped: set PIMGATE_BENCH_POSTGRES_URL"),
        }
    }
    if wanted("longpoll-sqlite") {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage {
            data: dir.path().to_owned(),
            database: Some(format!("sqlite://{}", dir.path().join("shared.db").display())),
        };
        measure("SQLite, two processes (no NOTIFY)", &storage, 50).await;
    }
}
