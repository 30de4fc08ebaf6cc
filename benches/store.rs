//! Store benchmarks (issue 3): `changes_since` with 10 changes after the
//! position, in collections of 1k, 10k and 100k objects (must stay flat), and
//! the batched import path in objects per second. SQLite always; PostgreSQL
//! too when `PIMGATE_BENCH_POSTGRES_URL` is set (a fresh schema is used).
//!
//! `cargo bench --bench store`

/// The allocator the `pimgate` binary ships with (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pimgate::store::{
    Accounts, ChangeLog, Collection, CollectionKind, Expected, ObjectStore, ObjectWrite, SqlStore, User,
};
use pimgate::universal::{
    ChangeTransaction, CollectionId, Component, ComponentName, DeviceId, ETag, ObjectName, Op, Param, ParamName,
    Params, Prop, PropName, Record, Seq, SourceFormat, Timestamp, TxId, Uid, Value, Version,
};
use tokio::runtime::Runtime;

const BATCH: usize = 1000;

/// A typical contact: name, two phones, two emails, an address, org, note.
fn contact(i: usize) -> (Record, Vec<u8>) {
    let uid = format!("contact-{i}");
    let typed = |name, value: &str, ty: &str| {
        Prop::new(name, Value::Text(value.into()))
            .with_params(Params::new(vec![Param::new(ParamName::Type, vec![ty.into()])]))
    };
    let mut root = Component::new(ComponentName::VCard);
    root.props = vec![
        Prop::new(PropName::Version, Value::Text("3.0".into())),
        Prop::new(PropName::Uid, Value::Text(uid.clone())),
        Prop::new(PropName::Fn, Value::Text(format!("Person {i}"))),
        Prop::new(
            PropName::N,
            Value::Structured(vec![
                vec![format!("Person{i}")],
                vec!["Alex".into()],
                vec![],
                vec![],
                vec![],
            ]),
        ),
        typed(PropName::Tel, &format!("+1 555 {i:07}"), "cell"),
        typed(PropName::Tel, "+1 555 0100", "work"),
        typed(PropName::Email, &format!("alex{i}@example.com"), "home"),
        typed(PropName::Email, &format!("a.person{i}@work.example"), "work"),
        Prop::new(
            PropName::Adr,
            Value::Structured(vec![
                vec![],
                vec![],
                vec!["1 Main St".into()],
                vec!["Springfield".into()],
                vec![],
                vec!["12345".into()],
                vec!["USA".into()],
            ]),
        ),
        Prop::new(PropName::Org, Value::Structured(vec![vec!["Example Corp".into()]])),
        Prop::new(PropName::Note, Value::Text("Met at the conference; likes tea.".into())),
    ];
    let original = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Person {i}\r\nN:Person{i};Alex;;;\r\nTEL;TYPE=cell:+1 555 {i:07}\r\n\
         TEL;TYPE=work:+1 555 0100\r\nEMAIL;TYPE=home:alex{i}@example.com\r\nEMAIL;TYPE=work:a.person{i}@work.example\r\n\
         ADR:;;1 Main St;Springfield;;12345;USA\r\nORG:Example Corp\r\nNOTE:Met at the conference\\; likes tea.\r\nEND:VCARD\r\n"
    );
    (Record::new(root, Some(SourceFormat::VCard30)), original.into_bytes())
}

fn write(collection: &CollectionId, i: usize, op: Op, version: u64) -> ObjectWrite {
    let (record, original) = contact(i);
    let name = format!("contact-{i}.vcf");
    ObjectWrite {
        expected: if version == 1 {
            Expected::Absent
        } else {
            Expected::Version(Version(version - 1))
        },
        name: ObjectName(name.clone()),
        etag: ETag(format!("{i}-{version}")),
        content_type: "text/vcard; version=3.0".into(),
        original,
        record,
        transaction: ChangeTransaction {
            txid: TxId(format!("{collection}-{i}-{version}")),
            collection: collection.clone(),
            uid: Uid(format!("contact-{i}")),
            op,
            base_version: (version > 1).then(|| Version(version - 1)),
            new_version: Version(version),
            origin: DeviceId("bench".into()),
            at: Timestamp(1_700_000_000_000),
            changes: Vec::new(),
        },
        conflicts: None,
        writer: "test".into(),
        span: pimgate::store::TimeSpan::UNKNOWN,
        search_text: None,
    }
}

async fn new_collection(store: &SqlStore, name: &str) -> CollectionId {
    let _ = store
        .create_user(&User {
            name: "bench".into(),
            password_hash: "h".into(),
            created_at: Timestamp(0),
        })
        .await;
    let collection = Collection::new("bench", name, CollectionKind::AddressBook, Timestamp(0));
    store.create_collection(&collection).await.unwrap();
    collection.id
}

async fn import(store: &SqlStore, collection: &CollectionId, count: usize) {
    for start in (0..count).step_by(BATCH) {
        let writes = (start..(start + BATCH).min(count))
            .map(|i| write(collection, i, Op::Create, 1))
            .collect();
        store.commit_batch(writes).await.unwrap();
    }
}

async fn open(backend: &str) -> (SqlStore, Option<tempfile::TempDir>) {
    if backend == "sqlite" {
        let dir = tempfile::tempdir().unwrap();
        (
            SqlStore::open_sqlite(&dir.path().join("bench.db")).await.unwrap(),
            Some(dir),
        )
    } else {
        let base = std::env::var("PIMGATE_BENCH_POSTGRES_URL").unwrap();
        use sqlx::Connection;
        let schema = format!("pimgate_bench_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        (
            SqlStore::connect(&format!("{base}{sep}options=-c%20search_path%3D{schema}"))
                .await
                .unwrap(),
            None,
        )
    }
}

fn bench_backend(c: &mut Criterion, rt: &Runtime, backend: &str) {
    let (store, _dir) = rt.block_on(open(backend));
    let mut group = c.benchmark_group(format!("store-{backend}"));
    group.sample_size(10).measurement_time(Duration::from_secs(15));

    // Batched import into a fresh collection each iteration.
    let per_iter = 10_000;
    group.throughput(Throughput::Elements(per_iter as u64));
    let mut round = 0;
    group.bench_function("import-10k", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let collection = rt.block_on(new_collection(&store, &format!("import-{round}")));
                let start = Instant::now();
                rt.block_on(import(&store, &collection, per_iter));
                total += start.elapsed();
            }
            total
        })
    });

    // changes_since with 10 changes after the position, in 1k/10k/100k collections.
    group.throughput(Throughput::Elements(10));
    for size in [1_000, 10_000, 100_000] {
        let collection = rt.block_on(new_collection(&store, &format!("size-{size}")));
        let start = Instant::now();
        rt.block_on(import(&store, &collection, size));
        let elapsed = start.elapsed();
        println!(
            "{backend}: imported {size} contacts in {elapsed:?} = {:.0} objects/s",
            size as f64 / elapsed.as_secs_f64()
        );
        let position = rt.block_on(store.current_seq(&collection)).unwrap();
        rt.block_on(async {
            for i in 0..10 {
                store.commit(write(&collection, i, Op::Update, 2)).await.unwrap();
            }
        });
        group.bench_with_input(
            BenchmarkId::new("changes-since-10", size),
            &position,
            |b, position: &Seq| {
                b.iter(|| {
                    let changes = rt.block_on(store.changes_since(&collection, *position, 1000)).unwrap();
                    assert_eq!(changes.changes.len(), 10);
                })
            },
        );
    }
    group.finish();
}

fn store(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    bench_backend(c, &rt, "sqlite");
    if std::env::var("PIMGATE_BENCH_POSTGRES_URL").is_ok() {
        bench_backend(c, &rt, "postgres");
    }
}

criterion_group!(benches, store);
criterion_main!(benches);
