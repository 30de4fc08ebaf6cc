//! `GET …/changes`: the change-log rows after a cursor, paged, with the new
//! cursor (also kept server-side per device, which holds log retention
//! back); `wait=N` long-polls up to N seconds for a first change. A cursor
//! past retention answers 410 `resync-needed`; `GET …/objects` is the full
//! snapshot to resynchronise from.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::access::{CollectionPath, authorize, from_store};
use super::hub::RECHECK;
use super::{DeviceAuth, Hub};
use crate::server::accounts::now;
use crate::server::{AppState, ServerError};
use crate::store::{Access, ChangeLog, ChangesSince, ObjectStore};
use crate::sync_protocol::{MAX_PULL, MAX_WAIT_SECS, PullResponse, PulledChange, Snapshot, SnapshotObject};
use crate::universal::{CollectionId, Seq};

/// Query of a pull.
#[derive(Debug, Deserialize)]
pub struct PullQuery {
    /// Rows after this position; default: the device's server-held cursor, else 0.
    after: Option<i64>,
    /// At most this many rows (default and maximum [`MAX_PULL`]).
    limit: Option<u32>,
    /// Seconds to wait for a first change when there is none (max [`MAX_WAIT_SECS`]).
    wait: Option<u64>,
}

/// `GET /sync/v1/collections/{owner}/{name}/changes`.
pub async fn changes(
    State(state): State<AppState>,
    axum::Extension(hub): axum::Extension<Hub>,
    auth: DeviceAuth,
    Path(path): Path<CollectionPath>,
    Query(query): Query<PullQuery>,
) -> Result<Json<PullResponse>, ServerError> {
    let collection = authorize(&state, &auth.device, path, Access::Read).await?;
    let store = state.store();
    let after = match query.after {
        Some(seq) => Seq(seq),
        None => store.cursor(&auth.device.id, &collection).await?.unwrap_or(Seq(0)),
    };
    let limit = query.limit.unwrap_or(MAX_PULL).clamp(1, MAX_PULL);
    let wait = Duration::from_secs(query.wait.unwrap_or(0).min(MAX_WAIT_SECS));
    let page = read_or_wait(&state, &hub, &collection, after, limit, wait).await?;
    store.set_cursor(&auth.device.id, &collection, page.next, now()).await?;
    Ok(Json(PullResponse {
        cursor: page.next,
        more: page.more,
        changes: page
            .changes
            .into_iter()
            .map(|c| PulledChange {
                seq: c.seq,
                object: c.object,
                transaction: c.transaction,
                conflicts: c.conflicts,
            })
            .collect(),
    }))
}

/// Reads the page; when empty, waits for a notification (or re-reads every
/// [`RECHECK`]) until `wait` runs out.
async fn read_or_wait(
    state: &AppState,
    hub: &Hub,
    collection: &CollectionId,
    after: Seq,
    limit: u32,
    wait: Duration,
) -> Result<ChangesSince, ServerError> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut notified = if wait.is_zero() {
        None
    } else {
        Some(hub.subscribe().await)
    };
    loop {
        if let Some(rx) = notified.as_mut() {
            rx.borrow_and_update();
        }
        let page = state
            .engine()
            .changes_since(collection, after, limit)
            .await
            .map_err(super::access::from_engine)?;
        let now = tokio::time::Instant::now();
        let Some(rx) = notified.as_mut() else { return Ok(page) };
        if !page.changes.is_empty() || now >= deadline {
            return Ok(page);
        }
        let nap = (deadline - now).min(RECHECK);
        let _ = tokio::time::timeout(nap, rx.changed()).await;
    }
}

/// `GET /sync/v1/collections/{owner}/{name}/objects`: every live object as
/// its record's root component, and the cursor to pull from afterwards
/// (read first, so nothing committed after the listing is skipped).
pub async fn snapshot(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path(path): Path<CollectionPath>,
) -> Result<Json<Snapshot>, ServerError> {
    let collection = authorize(&state, &auth.device, path, Access::Read).await?;
    let store = state.store();
    let cursor = store.current_seq(&collection).await.map_err(from_store)?;
    let names: Vec<_> = store
        .list_objects(&collection)
        .await?
        .into_iter()
        .map(|o| o.name)
        .collect();
    let objects = store
        .objects(&collection, &names)
        .await?
        .into_iter()
        .filter(|o| !o.deleted)
        .map(|o| {
            let mut record = o.record;
            record.clear_raw();
            SnapshotObject {
                name: o.name,
                uid: o.uid,
                version: o.version,
                root: record.root,
            }
        })
        .collect();
    store.set_cursor(&auth.device.id, &collection, cursor, now()).await?;
    Ok(Json(Snapshot { objects, cursor }))
}
