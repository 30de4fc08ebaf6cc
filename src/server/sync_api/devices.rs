//! Device registration and tokens: a user (Basic auth or app password)
//! registers a named device and receives its token once; only the argon2id
//! hash is kept. Listing never shows tokens; revoking is immediate. The
//! same calls back `pimgate device add|list|revoke`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::new_token;
use crate::server::accounts::{self, AccountError};
use crate::server::{AppState, AuthUser, ServerError};
use crate::store::{Accounts, Device, SqlStore, StoreError};
use crate::sync_protocol::{DeviceCreated, DeviceInfo, DeviceList, ErrorCode, RegisterDevice};
use crate::universal::DeviceId;

/// Registers device `name` of `user`; returns the row and the token, which
/// exists nowhere else.
pub async fn add_device(store: &SqlStore, user: &str, name: &str) -> Result<(Device, String), AccountError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(AccountError::EmptyLabel);
    }
    if store.user(user).await?.is_none() {
        return Err(StoreError::NotFound(format!("user {user}")).into());
    }
    let (id, token) = new_token();
    let device = Device {
        id,
        user: user.to_owned(),
        name: name.to_owned(),
        token_hash: accounts::hash_password(token.clone()).await,
        created_at: accounts::now(),
        revoked_at: None,
    };
    store.create_device(&device).await?;
    Ok((device, token))
}

/// The listing form of a device.
pub fn info(device: &Device) -> DeviceInfo {
    DeviceInfo {
        id: device.id.clone(),
        name: device.name.clone(),
        created_at: device.created_at,
        revoked_at: device.revoked_at,
    }
}

/// `POST /sync/v1/devices`.
pub async fn register(
    State(state): State<AppState>,
    user: AuthUser,
    Json(request): Json<RegisterDevice>,
) -> Result<(StatusCode, Json<DeviceCreated>), ServerError> {
    match add_device(state.store(), &user.name, &request.name).await {
        Ok((device, token)) => Ok((
            StatusCode::CREATED,
            Json(DeviceCreated {
                id: device.id,
                name: device.name,
                token,
            }),
        )),
        Err(AccountError::EmptyLabel) => Err(ServerError::api(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "a device name is 1-64 characters",
        )),
        Err(AccountError::Store(StoreError::AlreadyExists(what))) => Err(ServerError::api(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            format!("{what} already exists"),
        )),
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(other) => Err(ServerError::Internal(other.to_string())),
    }
}

/// `GET /sync/v1/devices`: the user's devices, revoked ones too.
pub async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<DeviceList>, ServerError> {
    let devices = state.store().list_devices(&user.name).await?;
    Ok(Json(DeviceList {
        devices: devices.iter().map(info).collect(),
    }))
}

/// `DELETE /sync/v1/devices/{id}`: revokes one of the user's devices.
pub async fn revoke(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ServerError> {
    let id = DeviceId(id);
    let not_found = || {
        ServerError::api(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("no active device {id}"),
        )
    };
    match state.store().device(&id).await? {
        Some(d) if d.user == user.name && d.revoked_at.is_none() => {
            state.store().revoke_device(&id, accounts::now()).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        _ => Err(not_found()),
    }
}
