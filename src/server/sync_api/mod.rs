//! The native sync API (`/sync/v1`, `docs/sync-api.yaml`): device
//! registration, bearer-token auth for devices, per-collection
//! authorization, write sessions on the collection lease, push of change
//! transactions, pull after a cursor with long-poll, and full snapshots.
//!
//! Bodies are JSON ([`crate::sync_protocol`]); requests may be gzip or zstd
//! (`Content-Encoding`), responses are compressed by `Accept-Encoding`.
//! Every write goes through the engine, so DAV and the sync API share one
//! change log. Must not know: the device agent.

mod access;
mod device_auth;
mod devices;
mod hub;
mod pull;
mod push;
mod sessions;

use axum::Router;
use axum::routing::{delete, get, post};
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;

use super::AppState;

pub use device_auth::{DeviceAuth, DeviceTokens, new_token};
pub use devices::add_device;
pub use hub::Hub;

/// The `/sync/v1` routes, with compression both ways.
pub fn routes(state: &AppState) -> Router<AppState> {
    let hub = Hub::new(state.config().database());
    let collection = "/collections/{owner}/{home}/{name}";
    Router::new()
        .route("/devices", post(devices::register).get(devices::list))
        .route("/devices/{id}", delete(devices::revoke))
        .route(
            &format!("{collection}/session"),
            post(sessions::open).put(sessions::keepalive).delete(sessions::close),
        )
        .route(&format!("{collection}/push"), post(push::push))
        .route(&format!("{collection}/changes"), get(pull::changes))
        .route(&format!("{collection}/objects"), get(pull::snapshot))
        .layer(axum::Extension(hub))
        .layer(CompressionLayer::new())
        .layer(RequestDecompressionLayer::new())
}
