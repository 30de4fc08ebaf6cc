//! Change-log retention: a background task that prunes, every
//! `log.prune_interval_secs`, the log rows of every collection that are older
//! than `log.retention_days` and that every active device has read past
//! (the store's `ChangeLog::prune` holds rows back at device cursors),
//! through the engine, which keeps each object's record at the pruned
//! version so pushes against it still merge (`Engine::prune`).

use std::time::Duration;

use crate::config::LogConfig;
use crate::engine::{Engine, EngineError};
use crate::store::{Accounts, SqlStore};
use crate::universal::Timestamp;

/// Prunes every collection once; returns how many rows went.
pub async fn prune_all(store: &SqlStore, retention_days: u64, now: Timestamp) -> Result<u64, EngineError> {
    let horizon_ms = i64::try_from(retention_days.saturating_mul(86_400_000)).unwrap_or(i64::MAX);
    let before = Timestamp(now.0.saturating_sub(horizon_ms));
    let engine = Engine::new(store.clone());
    let mut pruned = 0;
    for user in store.list_users().await? {
        for collection in store.list_collections(&user.name).await? {
            pruned += engine.prune(&collection.id, before).await?;
        }
    }
    Ok(pruned)
}

/// Runs [`prune_all`] forever at the configured interval (spawn it; it ends
/// with the runtime). Failures are logged and retried at the next tick.
pub async fn run(store: SqlStore, config: LogConfig) {
    let mut tick = tokio::time::interval(Duration::from_secs(config.prune_interval_secs));
    loop {
        tick.tick().await;
        match prune_all(&store, config.retention_days, now()).await {
            Ok(0) => {}
            Ok(rows) => tracing::info!(rows, "pruned change-log rows past retention"),
            Err(error) => tracing::warn!(%error, "pruning the change log failed"),
        }
    }
}

fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Timestamp(ms)
}
