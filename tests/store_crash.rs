//! Crash test: a child process writes objects and prints each acknowledged
//! write; it is killed with SIGKILL at varying moments. After reopening,
//! every acknowledged write must be present and the database consistent.
//! Runs on SQLite always and on PostgreSQL when `PIMGATE_TEST_POSTGRES_URL` is set.
//!
//! `harness = false`: the same binary is the parent (no arguments) and the
//! writer child (`--child URL ROUND`).

#[path = "common/stores.rs"]
mod stores;

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Command, Stdio};

use pimgate::store::{
    Accounts, ChangeLog, Collection, CollectionKind, Expected, ObjectStore, ObjectWrite, SqlStore, User,
};
use pimgate::universal::{
    ChangeTransaction, CollectionId, Component, ComponentName, DeviceId, ETag, ObjectName, Op, Prop, PropName, Record,
    Seq, Timestamp, TxId, Uid, Value, Version,
};

const COLLECTION: &str = "crash/addressbooks/contacts";

fn write_for(round: u32, i: u32) -> ObjectWrite {
    let name = format!("r{round}-{i}.vcf");
    let mut root = Component::new(ComponentName::VCard);
    root.props.push(Prop::new(PropName::Uid, Value::Text(name.clone())));
    root.props
        .push(Prop::new(PropName::Fn, Value::Text(format!("Contact {round} {i}"))));
    ObjectWrite {
        expected: Expected::Absent,
        name: ObjectName(name.clone()),
        etag: ETag(name.clone()),
        content_type: "text/vcard; version=4.0".into(),
        original: format!("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:{name}\r\nEND:VCARD\r\n").into_bytes(),
        record: Record::new(root, None),
        transaction: ChangeTransaction {
            txid: TxId(name.clone()),
            collection: CollectionId(COLLECTION.into()),
            uid: Uid(name),
            op: Op::Create,
            base_version: None,
            new_version: Version(1),
            origin: DeviceId("crash-writer".into()),
            at: Timestamp(1_700_000_000_000 + i64::from(i)),
            changes: Vec::new(),
        },
        conflicts: None,
        writer: "test".into(),
        span: pimgate::store::TimeSpan::UNKNOWN,
        search_text: None,
    }
}

/// The child: write until killed, acknowledging each committed write.
async fn child(url: &str, round: u32) {
    let store = SqlStore::connect(url).await.expect("child opens the store");
    let mut out = std::io::stdout().lock();
    for i in 0.. {
        store.commit(write_for(round, i)).await.expect("child write");
        writeln!(out, "ack r{round}-{i}.vcf")
            .and_then(|_| out.flush())
            .expect("stdout");
    }
}

/// Deterministic "random" kill points: after this many acknowledgements.
fn kill_points() -> Vec<usize> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..6)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 120) as usize + 1
        })
        .collect()
}

async fn run(url: &str, label: &str) {
    let store = SqlStore::connect(url).await.expect("open");
    store
        .create_user(&User {
            name: "crash".into(),
            password_hash: "h".into(),
            created_at: Timestamp(0),
        })
        .await
        .unwrap();
    store
        .create_collection(&Collection::new(
            "crash",
            "contacts",
            CollectionKind::AddressBook,
            Timestamp(0),
        ))
        .await
        .unwrap();
    store.close().await;

    let mut acknowledged = Vec::new();
    for (round, kill_after) in kill_points().into_iter().enumerate() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--child", url, &round.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn writer");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for _ in 0..kill_after {
            let line = lines.next().expect("writer died early").expect("read ack");
            acknowledged.push(line.trim_start_matches("ack ").to_owned());
        }
        // SIGKILL while the next write is in flight.
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        // Acks already written to the pipe before the kill count too.
        acknowledged.extend(
            lines
                .map_while(Result::ok)
                .map(|l| l.trim_start_matches("ack ").to_owned()),
        );
    }

    let store = SqlStore::connect(url).await.expect("reopen after crashes");
    let id = CollectionId(COLLECTION.into());
    let present: std::collections::HashSet<String> = store
        .list_objects(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name.0)
        .collect();
    let lost: Vec<_> = acknowledged.iter().filter(|n| !present.contains(*n)).collect();
    assert!(
        lost.is_empty(),
        "{label}: acknowledged writes lost after SIGKILL: {lost:?}"
    );

    // Consistency: every object has its change row and the CTag is the last row.
    let log = store.changes_since(&id, Seq(0), u32::MAX / 2).await.unwrap();
    let logged: std::collections::HashSet<String> = log.changes.iter().map(|c| c.object.0.clone()).collect();
    assert_eq!(logged, present, "{label}: objects and change log disagree");
    assert_eq!(
        store.current_seq(&id).await.unwrap(),
        log.next,
        "{label}: CTag is not the last log row"
    );
    println!(
        "{label}: {} acknowledged writes across {} SIGKILLs, all present, log consistent",
        acknowledged.len(),
        kill_points().len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if args.get(1).map(String::as_str) == Some("--child") {
        runtime.block_on(child(&args[2], args[3].parse().unwrap()));
        return;
    }
    runtime.block_on(async {
        let sqlite = stores::sqlite().await;
        sqlite.store.close().await;
        run(&sqlite.url, "sqlite").await;
        if let Some(base) = stores::postgres_url() {
            let pg = stores::postgres(&base).await;
            pg.store.close().await;
            run(&pg.url, "postgres").await;
        }
    });
}
