//! The HTTP server (axum on hyper): state, routes, the accept loop with
//! optional TLS, graceful shutdown. CardDAV/CalDAV lives in `dav/` (its
//! XML layer in `dav::xml`); this
//! module owns what every request passes through — limits, tracing,
//! authentication ([`auth`]), the URL space ([`paths`]) and discovery.
//!
//! Entry point: [`run`]`(listener, state, shutdown)`; tests bind
//! `127.0.0.1:0` and pass any future as `shutdown`.

pub mod accounts;
pub mod auth;
pub mod dav;
pub mod discovery;
pub mod error;
pub mod object_counts;
pub mod password;
pub mod paths;
pub mod proxy;
pub mod render;
pub mod retention;
mod serve;
pub mod sync_api;
pub mod throttle;
pub mod tls;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get};
use tokio_rustls::TlsAcceptor;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::engine::Engine;
use crate::store::SqlStore;

pub use auth::AuthUser;
pub use error::ServerError;
pub use serve::run;

/// What every handler can reach: configuration, store, authenticator.
/// Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("listen", &self.0.config.listen)
            .field("tls", &self.tls_enabled())
            .finish_non_exhaustive()
    }
}

struct Inner {
    config: Config,
    store: SqlStore,
    engine: Engine<SqlStore>,
    auth: auth::Authenticator,
    tls: Option<TlsAcceptor>,
    object_counts: object_counts::ObjectCounts,
}

impl AppState {
    /// State for a validated configuration; loads the TLS certificate and
    /// key when the configuration names them.
    pub fn new(config: Config, store: SqlStore) -> Result<AppState, tls::TlsError> {
        let tls = match (&config.tls.cert, &config.tls.key) {
            (Some(cert), Some(key)) => Some(tls::acceptor(cert, key)?),
            _ => None,
        };
        let auth = auth::Authenticator::new(store.clone(), &config.auth);
        Ok(AppState(Arc::new(Inner {
            config,
            engine: Engine::new(store.clone())
                .with_spans(render::time_span)
                .with_search_texts(render::search_text),
            store,
            auth,
            tls,
            object_counts: Default::default(),
        })))
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub fn store(&self) -> &SqlStore {
        &self.0.store
    }

    pub fn auth(&self) -> &auth::Authenticator {
        &self.0.auth
    }

    /// The engine over this state's store: every object write goes through it.
    pub fn engine(&self) -> &Engine<SqlStore> {
        &self.0.engine
    }

    /// Recent member counts, for the objects-per-collection limit.
    pub fn object_counts(&self) -> &object_counts::ObjectCounts {
        &self.0.object_counts
    }

    /// Whether connections are served over TLS.
    pub fn tls_enabled(&self) -> bool {
        self.0.tls.is_some()
    }

    fn tls(&self) -> Option<&TlsAcceptor> {
        self.0.tls.as_ref()
    }
}

/// Every route, with the body limit (413) and request tracing around them.
pub fn router(state: AppState) -> Router {
    let body_limit = usize::try_from(state.config().limits.request_body_bytes).unwrap_or(usize::MAX);
    Router::new()
        // OPTIONS answers without credentials; every other method is DAV.
        // One handler per path (not a method router with a fallback, which
        // would add its own `Allow` header to every DAV answer).
        .route("/", any(dav::root_entry))
        .route("/healthz", get(discovery::healthz))
        .route("/account", get(discovery::account))
        .route("/.well-known/carddav", any(discovery::well_known))
        .route("/.well-known/caldav", any(discovery::well_known))
        .route("/dav", any(dav::entry))
        .route("/dav/", any(dav::entry))
        .route("/dav/{*path}", any(dav::entry))
        .nest(crate::sync_protocol::PREFIX, sync_api::routes(&state))
        .fallback(discovery::not_found)
        // Content-Length over the limit: 413 before any handler runs;
        // chunked bodies are cut off at the limit while being read.
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
