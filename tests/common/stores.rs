//! Fresh, isolated stores for tests: a SQLite file in a temp dir, and — when
//! `PIMGATE_TEST_POSTGRES_URL` is set — a PostgreSQL store in its own schema.

use std::sync::atomic::{AtomicU32, Ordering};

use pimgate::store::SqlStore;

/// A store plus what keeps it alive (the temp dir).
pub struct TestStore {
    pub store: SqlStore,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pimgate.db");
    let store = SqlStore::open_sqlite(&path).await.expect("open sqlite store");
    TestStore {
        store,
        url: format!("sqlite://{}", path.display()),
        _dir: Some(dir),
    }
}

/// The PostgreSQL URL for tests, or `None` (and a note on stderr) when unset.
pub fn postgres_url() -> Option<String> {
    match std::env::var("PIMGATE_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!(
                "PostgreSQL half skipped: set PIMGATE_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)"
            );
            None
        }
    }
}

/// A PostgreSQL store in a fresh schema of its own.
pub async fn postgres(base: &str) -> TestStore {
    let url = fresh_postgres_schema(base).await;
    let store = SqlStore::connect(&url).await.expect("open postgres store");
    TestStore { store, url, _dir: None }
}

/// A URL whose connections work in a new, empty schema.
pub async fn fresh_postgres_schema(base: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let schema = format!(
        "pimgate_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(base).await.expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
        .expect("create schema");
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{schema}")
}
