//! The agent's copy of the previous state: for each object the server
//! version and record it last saw, the file holding it and that file's
//! content hash, plus the log cursor — in a hidden SQLite file inside the
//! vdir ([`STATE_FILE`]), so the folder carries its own sync state.

use std::collections::HashMap;
use std::path::Path;

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use super::SyncError;
use crate::universal::{Component, Record, Seq, Uid, Version};

/// The state file's name inside the vdir.
pub const STATE_FILE: &str = ".pimgate-sync.sqlite";

/// One object as the agent last synchronised it.
#[derive(Debug, Clone)]
pub struct Tracked {
    pub file: String,
    pub version: Version,
    /// The server's record at `version` (server field ids).
    pub record: Record,
    /// Hash of the file when it last matched `record`; empty forces a diff.
    pub hash: String,
}

/// The state file.
#[derive(Debug)]
pub struct State {
    pool: SqlitePool,
}

fn corrupt(e: serde_json::Error) -> SyncError {
    SyncError::State(format!("state file: {e}"))
}

impl State {
    /// Opens (creating) the state file of `dir`.
    pub async fn open(dir: &Path) -> Result<State, SyncError> {
        let options = SqliteConnectOptions::new()
            .filename(dir.join(STATE_FILE))
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS objects (uid TEXT PRIMARY KEY, file TEXT NOT NULL, \
             version INTEGER NOT NULL, record TEXT NOT NULL, hash TEXT NOT NULL)",
        )
        .execute(&pool)
        .await?;
        sqlx::query("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            .execute(&pool)
            .await?;
        Ok(State { pool })
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>, SyncError> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get("value")))
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), SyncError> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn cursor(&self) -> Result<Seq, SyncError> {
        Ok(Seq(self
            .meta("cursor")
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)))
    }

    /// Every tracked object.
    pub async fn load(&self) -> Result<HashMap<Uid, Tracked>, SyncError> {
        let rows = sqlx::query("SELECT uid, file, version, record, hash FROM objects")
            .fetch_all(&self.pool)
            .await?;
        let mut out = HashMap::with_capacity(rows.len());
        for row in rows {
            let root: Component = serde_json::from_str(row.get("record")).map_err(corrupt)?;
            out.insert(
                Uid(row.get("uid")),
                Tracked {
                    file: row.get("file"),
                    version: Version(row.get::<i64, _>("version") as u64),
                    record: Record::new(root, None),
                    hash: row.get("hash"),
                },
            );
        }
        Ok(out)
    }

    /// Replaces the tracked objects and the cursor in one transaction.
    pub async fn save(&self, objects: &HashMap<Uid, Tracked>, cursor: Seq) -> Result<(), SyncError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM objects").execute(&mut *tx).await?;
        for (uid, t) in objects {
            let mut record = t.record.clone();
            record.clear_raw();
            sqlx::query("INSERT INTO objects (uid, file, version, record, hash) VALUES (?, ?, ?, ?, ?)")
                .bind(uid.as_str())
                .bind(&t.file)
                .bind(t.version.0 as i64)
                .bind(serde_json::to_string(&record.root).map_err(corrupt)?)
                .bind(&t.hash)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(cursor.0.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}
