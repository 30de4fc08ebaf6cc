//! Native sync figures (issue 5), every request over real HTTP to a real
//! server (`server::run` on 127.0.0.1:0, its own runtime) on a real store:
//!
//! - wire bytes of a one-field change to a contact with a PHOTO: native
//!   push body versus a CardDAV PUT of the whole contact (printed);
//! - push throughput, batches of 100 transactions (creates, and one-field
//!   updates of existing contacts), in transactions/s;
//! - pull of 10,000 transactions (ten 1,000-row pages), time and bytes on
//!   the wire, uncompressed and zstd.
//!
//! SQLite always; PostgreSQL too when `PIMGATE_BENCH_POSTGRES_URL` is set
//! (a fresh schema is used). Long-poll latency across two server processes
//! is `benches/longpoll.rs`.
//!
//! `cargo bench --bench sync`

/// The allocator the `pimgate` binary ships with (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use base64::Engine as _;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pimgate::adapters::vcard;
use pimgate::config::Config;
use pimgate::engine::{align_ids, diff};
use pimgate::server::{self, AppState, accounts, sync_api};
use pimgate::store::{Accounts, Collection, CollectionKind, SqlStore};
use pimgate::sync_protocol::{PREFIX, PullResponse, PushRequest, PushResponse};
use pimgate::universal::{
    Action, Change, ChangeTransaction, CollectionId, DeviceId, FieldPath, Op, Record, Timestamp, TxId, Uid, Version,
};
use tokio::runtime::Runtime;

/// Transactions per push request.
const BATCH: usize = 100;
/// Transactions a pull benchmark reads.
const PULL: usize = 10_000;

/// A typical phone contact (no photo): name, two phones, two e-mails, an address, org, note.
fn contact_text(uid: &str, tel: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Person {uid}\r\nN:Person;{uid};;;\r\nTEL;TYPE=cell:{tel}\r\n\
         TEL;TYPE=work:+1 555 0100\r\nEMAIL;TYPE=home:{uid}@example.com\r\nEMAIL;TYPE=work:{uid}@work.example\r\n\
         ADR;TYPE=home:;;1 Main St;Springfield;;12345;USA\r\nORG:Example Corp\r\n\
         NOTE:Met at the conference\\; likes tea.\r\nEND:VCARD\r\n"
    )
}

fn parse(text: &str) -> Record {
    vcard::parse(text.as_bytes()).unwrap().remove(0)
}

fn root_path() -> FieldPath {
    FieldPath {
        components: Vec::new(),
        field: None,
    }
}

fn transaction(collection: &CollectionId, txid: String, uid: &str, op: Op, base: Option<u64>) -> ChangeTransaction {
    ChangeTransaction {
        txid: TxId(txid),
        collection: collection.clone(),
        uid: Uid(uid.into()),
        op,
        base_version: base.map(Version),
        new_version: Version(base.map_or(1, |b| b + 1)),
        origin: DeviceId(String::new()),
        at: Timestamp(1_764_259_200_000),
        changes: Vec::new(),
    }
}

/// The create the agent sends for a new file.
fn create(collection: &CollectionId, uid: &str) -> ChangeTransaction {
    let mut record = parse(&contact_text(uid, "+1 555 0000"));
    record.clear_raw();
    let mut tx = transaction(collection, format!("create-{uid}"), uid, Op::Create, None);
    tx.changes = vec![Change {
        path: root_path(),
        action: Action::Add,
        prop: None,
        component: Some(record.root),
    }];
    tx
}

/// The update the agent sends when the cell number of `uid` became `tel`.
fn update(collection: &CollectionId, uid: &str, base: u64, tel: &str) -> ChangeTransaction {
    let before = parse(&contact_text(uid, "+1 555 0000"));
    let mut after = parse(&contact_text(uid, tel));
    align_ids(&before, &mut after);
    let mut tx = transaction(collection, format!("update-{uid}-{base}"), uid, Op::Update, Some(base));
    tx.changes = diff(&before, &after);
    assert_eq!(tx.changes.len(), 1, "a one-field change");
    tx
}

fn body(transactions: Vec<ChangeTransaction>) -> Vec<u8> {
    serde_json::to_vec(&PushRequest { transactions }).unwrap()
}

/// Request-body bytes for a one-field change to a contact with a 24 KB
/// photo: the native push versus a CardDAV PUT of the whole contact.
fn wire_bytes() {
    let photo = base64::engine::general_purpose::STANDARD.encode(vec![0x5au8; 24 * 1024]);
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jane\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\nTEL;TYPE=cell:+1 555 0100\r\n\
         EMAIL:jane@example.org\r\nORG:Example\r\nPHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nEND:VCARD\r\n"
    );
    let before = parse(&card);
    let mut after = parse(&card.replace("+1 555 0100", "+1 555 0199"));
    align_ids(&before, &mut after);
    let mut tx = transaction(
        &CollectionId("alice/addressbooks/contacts".into()),
        "0123456789abcdef0123456789abcdef".into(),
        "jane",
        Op::Update,
        Some(3),
    );
    tx.changes = diff(&before, &after);
    let push = body(vec![tx]);
    let put = vcard::render(&after, vcard::VCardVersion::V3).unwrap();
    println!(
        "one-field change to a contact with a 24 KB PHOTO: native push body {} bytes, CardDAV PUT body {} bytes ({:.0}x fewer)",
        push.len(),
        put.len(),
        put.len() as f64 / push.len() as f64
    );
}

/// A server with user `bench`, its device, and what keeps them alive.
struct Served {
    runtime: Runtime,
    base: String,
    token: String,
    store: SqlStore,
    /// The PostgreSQL URL (schema included), when on PostgreSQL.
    postgres: Option<String>,
    http: reqwest::Client,
    /// A client that leaves `Accept-Encoding` and decompression to the caller.
    raw: reqwest::Client,
    _data: tempfile::TempDir,
}

async fn open_store(backend: &str, data: &std::path::Path) -> (SqlStore, Option<String>) {
    if backend == "sqlite" {
        return (SqlStore::open_sqlite(&data.join("pimgate.db")).await.unwrap(), None);
    }
    let base = std::env::var("PIMGATE_BENCH_POSTGRES_URL").unwrap();
    use sqlx::Connection;
    let schema = format!("pimgate_bench_sync_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
    for sql in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        sqlx::query(&sql).execute(&mut admin).await.unwrap();
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    (SqlStore::connect(&url).await.unwrap(), Some(url))
}

fn serve(backend: &str) -> Served {
    let runtime = Runtime::new().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (base, token, store, postgres) = runtime.block_on(async {
        let (store, url) = open_store(backend, data.path()).await;
        accounts::add_user(&store, "bench", "bench password").await.unwrap();
        let (_, token) = sync_api::add_device(&store, "bench", "bench device").await.unwrap();
        let mut config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data: data.path().to_owned(),
            database: url.clone(),
            ..Config::default()
        };
        config.auth.failure_delay_ms = 0;
        let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(config, store.clone()).unwrap();
        tokio::spawn(server::run(listener, state, std::future::pending()));
        (format!("http://{addr}"), token, store, url)
    });
    Served {
        runtime,
        base,
        token,
        store,
        postgres,
        http: reqwest::Client::new(),
        raw: reqwest::Client::builder().no_gzip().no_zstd().build().unwrap(),
        _data: data,
    }
}

impl Served {
    /// A new address book of `bench`; its id is the store's to spell.
    fn collection(&self, name: &str) -> CollectionId {
        let collection = Collection::new("bench", name, CollectionKind::AddressBook, Timestamp(0));
        self.runtime
            .block_on(self.store.create_collection(&collection))
            .unwrap();
        collection.id
    }

    /// Refreshes PostgreSQL's planner statistics, as autovacuum does (the
    /// test server runs with autovacuum off; plans made for the empty
    /// tables of a fresh schema scan whole collections once they are full).
    fn analyze(&self) {
        let Some(url) = &self.postgres else { return };
        self.runtime.block_on(async {
            use sqlx::Connection;
            let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query("ANALYZE objects, changes")
                .execute(&mut connection)
                .await
                .unwrap();
        });
    }

    fn url(&self, collection: &CollectionId, rest: &str) -> String {
        format!("{}{PREFIX}/collections/{collection}/{rest}", self.base)
    }

    async fn open_session(&self, collection: &CollectionId) {
        let response = self
            .http
            .post(self.url(collection, "session"))
            .bearer_auth(&self.token)
            .json(&serde_json::json!({ "ttl_secs": 600 }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "open session: {}", response.status());
    }

    async fn push(&self, collection: &CollectionId, body: Vec<u8>) {
        let response = self
            .http
            .post(self.url(collection, "push"))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "push: {status}: {text}");
        let answer: PushResponse = serde_json::from_str(&text).unwrap();
        assert!(answer.results.iter().all(|r| r.seq.is_some() && !r.duplicate));
    }

    /// Pulls every row after 0 in pages of 1,000 with `Accept-Encoding:
    /// encoding`; returns the rows read and the bytes on the wire.
    async fn pull_all(&self, collection: &CollectionId, encoding: &str) -> (usize, usize) {
        let (mut cursor, mut rows, mut bytes) = (0, 0, 0);
        loop {
            let response = self
                .raw
                .get(self.url(collection, &format!("changes?after={cursor}&limit=1000")))
                .bearer_auth(&self.token)
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            let coded = response.headers().get("content-encoding").is_some();
            let wire = response.bytes().await.unwrap();
            bytes += wire.len();
            let json = if coded {
                zstd::decode_all(&wire[..]).unwrap()
            } else {
                wire.to_vec()
            };
            let page: PullResponse = serde_json::from_slice(&json).unwrap();
            rows += page.changes.len();
            cursor = page.cursor.0;
            if !page.more {
                return (rows, bytes);
            }
        }
    }
}

fn bench_backend(c: &mut Criterion, backend: &str) {
    let served = serve(backend);
    let mut group = c.benchmark_group(format!("sync-{backend}"));
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(BATCH as u64));

    // Creates: each batch adds 100 new contacts.
    let creates = served.collection("push-creates");
    served.runtime.block_on(served.open_session(&creates));
    let mut next = 0;
    group.bench_function("push-100-creates", |b| {
        b.iter_custom(|iters| {
            served.analyze();
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let batch = (next..next + BATCH)
                    .map(|i| create(&creates, &format!("c{i}")))
                    .collect();
                next += BATCH;
                let body = body(batch);
                let start = Instant::now();
                served.runtime.block_on(served.push(&creates, body));
                total += start.elapsed();
            }
            total
        })
    });

    // Updates: each batch changes one field of each of 100 existing contacts.
    let updates = served.collection("push-updates");
    served.runtime.block_on(async {
        served.open_session(&updates).await;
        let batch = (0..BATCH).map(|i| create(&updates, &format!("u{i}"))).collect();
        served.push(&updates, body(batch)).await;
    });
    let mut version = 1;
    group.bench_function("push-100-updates", |b| {
        b.iter_custom(|iters| {
            served.analyze();
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let tel = format!("+1 555 {version:07}");
                let batch = (0..BATCH)
                    .map(|i| update(&updates, &format!("u{i}"), version, &tel))
                    .collect();
                version += 1;
                let body = body(batch);
                let start = Instant::now();
                served.runtime.block_on(served.push(&updates, body));
                total += start.elapsed();
            }
            total
        })
    });

    // Pull of 10,000 transactions after cursor 0.
    let log = served.collection("pull-10k");
    served.runtime.block_on(async {
        served.open_session(&log).await;
        for start in (0..PULL).step_by(BATCH) {
            let batch = (start..start + BATCH).map(|i| create(&log, &format!("p{i}"))).collect();
            served.push(&log, body(batch)).await;
        }
    });
    served.analyze();
    group.throughput(Throughput::Elements(PULL as u64));
    for encoding in ["identity", "zstd"] {
        let (rows, bytes) = served.runtime.block_on(served.pull_all(&log, encoding));
        assert_eq!(rows, PULL);
        println!(
            "{backend}: pull of {PULL} transactions, {encoding}: {bytes} bytes on the wire ({:.0} bytes/transaction)",
            bytes as f64 / PULL as f64
        );
        group.bench_function(format!("pull-10k-{encoding}"), |b| {
            b.iter(|| served.runtime.block_on(served.pull_all(&log, encoding)))
        });
    }
    group.finish();
}

fn sync(c: &mut Criterion) {
    wire_bytes();
    bench_backend(c, "sqlite");
    if std::env::var("PIMGATE_BENCH_POSTGRES_URL").is_ok() {
        bench_backend(c, "postgres");
    }
}

criterion_group!(benches, sync);
criterion_main!(benches);
