//! The sqlx implementation of the store traits, one code path for both
//! backends through sqlx's `Any` driver: SQLite (one file, WAL, created on
//! first open) and PostgreSQL (`postgres://` URLs). Queries use `$n`
//! placeholders, which both backends accept; schema differences live only in
//! `migrations/sqlite` and `migrations/postgres`.
//!
//! Every write transaction starts by touching its collection row: on
//! PostgreSQL that row lock serialises writers per collection, so change-log
//! positions of one collection commit in order (a reader never skips a
//! position that commits late); on SQLite it takes the write lock up front,
//! so the busy timeout applies instead of a deadlock error.

mod accounts;
mod changes;
mod commit;
mod dead;
mod group_commit;
mod locks;
mod object_copy;
mod objects;
mod plain;
mod positions;
mod prune;
mod resource_locks;
mod rows;
mod transfer;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

use super::StoreError;
use group_commit::GroupCommit;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The store on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// SQLite only: concurrent commits share a transaction.
    group: Option<Arc<GroupCommit>>,
}

/// Rows per `IN (...)` list: stays under SQLite's bound-variable limit
/// however many names a client asks for (eM Client's huge multigets).
const IN_CHUNK: usize = 500;

impl SqlStore {
    /// Opens (creating if needed) the SQLite database file at `path`.
    pub async fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Backend(sqlx::Error::Io(e)))?;
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Self::connect(&url).await
    }

    /// Connects to `sqlite://…` or `postgres://…` and applies migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Backend(sqlx::Error::Configuration(
                format!("unsupported database URL {url:?}: use sqlite://PATH or postgres://…").into(),
            )));
        };
        let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        let max = if backend == Backend::Sqlite { 4 } else { 10 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            // An SQLite connection lives in this process and cannot drop
            // away; the ping before each acquire cost a round trip to its
            // worker thread per statement. A PostgreSQL one can.
            .test_before_acquire(backend == Backend::Postgres)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // FULL: a commit that returned is on disk, even across power loss.
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let group = (backend == Backend::Sqlite).then(Arc::default);
        let store = SqlStore { pool, backend, group };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => {
                // SQLite changes a constraint by rebuilding the table, which
                // needs foreign keys off (a DROP of a parent table would
                // cascade); the pragma is a no-op inside the transaction each
                // migration runs in, so the migrating connection starts with
                // it off. Every rebuild maps all references itself.
                let mut conn = self.pool.acquire().await?;
                conn.execute("PRAGMA foreign_keys = OFF").await?;
                let migrated = sqlx::migrate!("migrations/sqlite").run(&mut *conn).await;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                migrated?;
            }
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn pool(&self) -> &AnyPool {
        &self.pool
    }

    fn group_commit(&self) -> Option<&GroupCommit> {
        self.group.as_deref()
    }

    /// Closes every connection (after this, the store cannot be used).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
