//! `POST …/push`: a batch of change transactions, applied in order through
//! the engine (idempotent by txid, merged field by field against concurrent
//! changes).
//!
//! A batch is not atomic: each transaction is applied atomically on its
//! own (the engine commits runs of them in one store transaction,
//! [`crate::engine::Engine::apply_batch`]). The whole batch is checked first — JSON shape, size
//! ([`MAX_BATCH`]), every transaction naming this collection, and the
//! device holding the session — and any failure there applies nothing. A
//! transaction the engine then refuses (unknown field id, base version from
//! the future, …) stops the batch: the error names its index and txid and
//! lists the results of the transactions before it, which stay applied. A
//! retried batch changes nothing for what was applied (duplicate txids).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::access::{CollectionPath, authorize, engine_error, from_store};
use super::sessions::no_session;
use super::{DeviceAuth, Hub};
use crate::engine::Written;
use crate::server::accounts::now;
use crate::server::render::{AdapterRenderer, VCARD3};
use crate::server::{AppState, ServerError};
use crate::store::{Access, Device, Locks};
use crate::sync_protocol::{ErrorCode, MAX_BATCH, PushRequest, PushResponse, PushResult};
use crate::universal::{ChangeTransaction, CollectionId};

/// `POST /sync/v1/collections/{owner}/{name}/push`.
pub async fn push(
    State(state): State<AppState>,
    axum::Extension(hub): axum::Extension<Hub>,
    auth: DeviceAuth,
    Path(path): Path<CollectionPath>,
    body: Bytes,
) -> Result<Json<PushResponse>, ServerError> {
    let collection = authorize(&state, &auth.device, path, Access::Write).await?;
    let request = parse(&body)?;
    check_batch(&request.transactions, &collection)?;
    check_session(&state, &auth.device, &collection).await?;
    let mut transactions = request.transactions;
    for tx in &mut transactions {
        // The lease check in the store compares the writer with the holder:
        // the device writes as itself, whatever origin the body claims.
        tx.origin = auth.device.id.clone();
    }
    let outcome = state
        .engine()
        .apply_batch(&transactions, VCARD3, &AdapterRenderer)
        .await;
    let results: Vec<PushResult> = transactions
        .iter()
        .zip(outcome.results)
        .map(|(tx, w)| result(tx, w))
        .collect();
    if results.iter().any(|r| r.seq.is_some() && !r.duplicate) {
        hub.changed();
    }
    match outcome.stopped {
        None => Ok(Json(PushResponse { results })),
        Some((index, error)) => {
            let tx = &transactions[index];
            let (status, mut body) = engine_error(error);
            body.error = format!("transaction {index} ({}): {}", tx.txid, body.error);
            body.index = Some(index);
            body.txid = Some(tx.txid.clone());
            body.applied = results;
            Err(ServerError::Api {
                status,
                body: Box::new(body),
            })
        }
    }
}

fn bad_request(message: String) -> ServerError {
    ServerError::api(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
}

/// The body as a push request; serde's message names line and column.
fn parse(body: &[u8]) -> Result<PushRequest, ServerError> {
    serde_json::from_slice(body).map_err(|e| bad_request(format!("malformed push body: {e}")))
}

fn check_batch(transactions: &[ChangeTransaction], collection: &CollectionId) -> Result<(), ServerError> {
    if transactions.len() > MAX_BATCH {
        return Err(ServerError::api(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::TooLarge,
            format!(
                "{} transactions in one push; at most {MAX_BATCH}: split the batch",
                transactions.len()
            ),
        ));
    }
    for (index, tx) in transactions.iter().enumerate() {
        if tx.collection != *collection {
            return Err(bad_request(format!(
                "transaction {index} ({}) names collection {}, not {collection}",
                tx.txid, tx.collection
            )));
        }
        if tx.txid.as_str().is_empty() || tx.uid.as_str().is_empty() {
            return Err(bad_request(format!("transaction {index} has an empty txid or uid")));
        }
    }
    Ok(())
}

/// The device must hold the collection's lease: 423 when another does,
/// 409 when nobody does.
async fn check_session(state: &AppState, device: &Device, collection: &CollectionId) -> Result<(), ServerError> {
    match state.store().lease(collection, now()).await.map_err(from_store)? {
        Some(lease) if lease.holder == device.id.as_str() => Ok(()),
        Some(lease) => Err(from_store(crate::store::StoreError::Locked {
            holder: lease.holder,
            until: lease.expires_at,
        })),
        None => Err(no_session(collection)),
    }
}

fn result(tx: &ChangeTransaction, written: Written) -> PushResult {
    PushResult {
        txid: tx.txid.clone(),
        uid: tx.uid.clone(),
        name: written.name,
        version: written.version,
        etag: written.etag,
        seq: written.seq,
        created: written.created,
        duplicate: written.duplicate,
        conflicts: written.conflicts,
    }
}
