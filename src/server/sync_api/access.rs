//! Authorization and error mapping shared by the sync handlers: which
//! collection a path names, whether the device's user may read or write it
//! (owner, or a grant), and how engine errors become API errors.

use axum::http::StatusCode;
use serde::Deserialize;

use crate::engine::EngineError;
use crate::server::{AppState, ServerError};
use crate::store::{Access, Accounts, Device, Home, StoreError};
use crate::sync_protocol::{ApiError, ErrorCode};
use crate::universal::CollectionId;

/// `/collections/{owner}/{home}/{name}`: the collection id's three parts.
#[derive(Debug, Deserialize)]
pub struct CollectionPath {
    owner: String,
    home: String,
    name: String,
}

/// The collection `owner/home/name` after checking that `device`'s user has
/// `needed` access: 404 when it does not exist, 403 without access.
pub async fn authorize(
    state: &AppState,
    device: &Device,
    path: CollectionPath,
    needed: Access,
) -> Result<CollectionId, ServerError> {
    let Some(home) = Home::parse(&path.home) else {
        return Err(ServerError::api(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("no home {:?}: collections live in addressbooks or calendars", path.home),
        ));
    };
    let id = home.collection_id(&path.owner, &path.name);
    let store = state.store();
    match store.access(&id, &device.user).await? {
        Some(access) if access >= needed => Ok(id),
        Some(_) => Err(ServerError::api(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            format!("{} may only read {id}", device.user),
        )),
        None if store.collection(&id).await?.is_none() => Err(ServerError::api(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("no collection {id}"),
        )),
        None => Err(ServerError::api(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            format!("{} has no grant on {id}", device.user),
        )),
    }
}

/// The status, code and body an engine error answers.
pub fn engine_error(error: EngineError) -> (StatusCode, ApiError) {
    use EngineError as E;
    let message = error.to_string();
    let (status, code) = match &error {
        E::UnknownField { .. } | E::UnknownComponent { .. } | E::InvalidChange { .. } | E::MissingUid => {
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidChange)
        }
        E::UidChanged { .. } | E::UidConflict { .. } | E::NotFound(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
        E::PreconditionFailed { .. } => (StatusCode::CONFLICT, ErrorCode::Conflict),
        E::FutureBase { .. } => (StatusCode::CONFLICT, ErrorCode::FutureBase),
        E::FuturePosition { .. } => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
        E::TokenExpired { .. } | E::BaseUnavailable { .. } => (StatusCode::GONE, ErrorCode::ResyncNeeded),
        E::Locked { holder, until } => {
            let mut body = ApiError::new(ErrorCode::Locked, message);
            body.holder = Some(holder.clone());
            body.until = Some(*until);
            return (StatusCode::LOCKED, body);
        }
        E::Render(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidChange),
        E::Store(_) => {
            tracing::error!(%error, "sync store error");
            (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
        }
    };
    let message = if status.is_server_error() {
        "internal server error".to_owned()
    } else {
        message
    };
    (status, ApiError::new(code, message))
}

/// An engine error as a [`ServerError`].
pub fn from_engine(error: EngineError) -> ServerError {
    let (status, body) = engine_error(error);
    ServerError::Api {
        status,
        body: Box::new(body),
    }
}

/// A store error as a [`ServerError`] (through the engine's mapping, so a
/// lock or an expired position answers the same everywhere).
pub fn from_store(error: StoreError) -> ServerError {
    from_engine(error.into())
}
