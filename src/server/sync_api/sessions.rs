//! Write sessions: `open` takes the collection's lease (the store's
//! [`Locks`], shared by every server process) for the device, `keepalive`
//! extends it, `close` releases it. A live lease of another holder answers
//! 423 with the holder and expiry; a crashed device's lease simply expires.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::DeviceAuth;
use super::access::{CollectionPath, authorize, from_store};
use crate::server::accounts::now;
use crate::server::{AppState, ServerError};
use crate::store::{Access, Lease, Locks};
use crate::sync_protocol::{DEFAULT_LEASE_SECS, ErrorCode, MAX_LEASE_SECS, OpenSession, SessionInfo};

fn ttl_ms(request: Option<Json<OpenSession>>) -> i64 {
    let secs = request
        .and_then(|Json(r)| r.ttl_secs)
        .unwrap_or(DEFAULT_LEASE_SECS)
        .clamp(1, MAX_LEASE_SECS);
    (secs * 1000) as i64
}

fn info(lease: Lease) -> Json<SessionInfo> {
    Json(SessionInfo {
        collection: lease.collection,
        holder: lease.holder,
        expires_at: lease.expires_at,
    })
}

/// `POST …/session`: takes (or renews) the lease.
pub async fn open(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path(path): Path<CollectionPath>,
    request: Option<Json<OpenSession>>,
) -> Result<Json<SessionInfo>, ServerError> {
    let collection = authorize(&state, &auth.device, path, Access::Write).await?;
    let lease = state
        .store()
        .acquire(&collection, auth.device.id.as_str(), ttl_ms(request), now())
        .await
        .map_err(from_store)?;
    Ok(info(lease))
}

/// `PUT …/session`: extends the lease the device holds (409 when it holds none).
pub async fn keepalive(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path(path): Path<CollectionPath>,
    request: Option<Json<OpenSession>>,
) -> Result<Json<SessionInfo>, ServerError> {
    let collection = authorize(&state, &auth.device, path, Access::Write).await?;
    let holder = auth.device.id.as_str();
    match state.store().renew(&collection, holder, ttl_ms(request), now()).await {
        Ok(lease) => Ok(info(lease)),
        Err(crate::store::StoreError::NotFound(_)) => Err(no_session(&collection)),
        Err(e) => Err(from_store(e)),
    }
}

/// `DELETE …/session`: releases the lease (204; 409 when none was held).
pub async fn close(
    State(state): State<AppState>,
    auth: DeviceAuth,
    Path(path): Path<CollectionPath>,
) -> Result<StatusCode, ServerError> {
    let collection = authorize(&state, &auth.device, path, Access::Write).await?;
    if state.store().release(&collection, auth.device.id.as_str()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_session(&collection))
    }
}

pub(super) fn no_session(collection: &crate::universal::CollectionId) -> ServerError {
    ServerError::api(
        StatusCode::CONFLICT,
        ErrorCode::NoSession,
        format!("the device holds no session on {collection}: open one first"),
    )
}
