//! What a client or a newcomer finds before any DAV request: the landing
//! page, `/healthz`, the `/.well-known` redirects (RFC 6764 §5), `OPTIONS`
//! with the DAV compliance classes (RFC 4918 §10.1), and `/account`, which
//! shows a logged-in user their own URLs.

use axum::extract::{Request, State};
use axum::http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse as _, Response};

use crate::store::Accounts;

use super::AppState;
use super::auth::AuthUser;
use super::error::ServerError;
use super::paths;
use super::proxy::RequestOrigin;

/// The `DAV:` header: WebDAV classes 1-3 (RFC 4918 §18), ACL (RFC 3744
/// §7.2), CardDAV (RFC 6352 §6.1), CalDAV (RFC 4791 §5.1), extended MKCOL
/// (RFC 5689 §3). Sent on OPTIONS and (by the DAV layer) on PROPFIND.
pub const DAV_CLASSES: &str = "1, 2, 3, access-control, addressbook, calendar-access, extended-mkcol";

/// The methods DAV resources answer (`Allow:`).
pub const DAV_METHODS: &str =
    "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, MKCALENDAR, COPY, MOVE, LOCK, UNLOCK, REPORT";

const TEXT: &str = "text/plain; charset=utf-8";

/// RFC 6764 §5: `/.well-known/carddav` and `/.well-known/caldav` redirect
/// to the DAV root, for every method (clients PROPFIND them). 301, as
/// sabre/dav does; absolute, from the origin the client addressed.
pub async fn well_known(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let origin = RequestOrigin::from_parts(&parts, &state);
    let location = format!("{}{}", origin.base_url(), paths::DAV_ROOT);
    (
        StatusCode::MOVED_PERMANENTLY,
        AppendHeaders([(LOCATION, location), (CACHE_CONTROL, "no-cache".to_owned())]),
    )
        .into_response()
}

/// `OPTIONS` on any DAV path: compliance classes and methods, without
/// credentials (nothing here is private; clients probe it before logging in).
pub async fn dav_options() -> Response {
    (
        StatusCode::OK,
        AppendHeaders([
            (HeaderName::from_static("dav"), HeaderValue::from_static(DAV_CLASSES)),
            (ALLOW, HeaderValue::from_static(DAV_METHODS)),
            (
                HeaderName::from_static("ms-author-via"),
                HeaderValue::from_static("DAV"),
            ),
        ]),
    )
        .into_response()
}

/// `GET /`: the version and where to point clients.
pub async fn landing(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let base = RequestOrigin::from_parts(&parts, &state).base_url();
    let dav = paths::DAV_ROOT;
    let text = format!(
        "pimgate {version}: contacts and calendar sync (CardDAV/CalDAV)\n\n\
         Point your client at this server: {base}/\n  \
         CardDAV (contacts): {base}/.well-known/carddav\n  \
         CalDAV (calendars): {base}/.well-known/caldav\n  \
         DAV root:           {base}{dav}\n\n\
         Log in with your user name and password, or an app password\n\
         (pimgate user app-password add USER LABEL). Your own URLs: {base}/account\n",
        version = env!("CARGO_PKG_VERSION"),
    );
    ([(CONTENT_TYPE, TEXT)], text).into_response()
}

/// `GET /account` (logged in): the user's principal and home URLs.
pub async fn account(State(state): State<AppState>, user: AuthUser, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let base = RequestOrigin::from_parts(&parts, &state).base_url();
    let name = &user.name;
    let text = format!(
        "user: {name}\nprincipal: {base}{}\naddress books: {base}{}\ncalendars: {base}{}\n",
        paths::principal(name),
        paths::addressbook_home(name),
        paths::calendar_home(name),
    );
    ([(CONTENT_TYPE, TEXT)], text).into_response()
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    // A primary-key read: proves a pooled connection and the schema work.
    match state.store().user(super::accounts::ADMIN).await {
        Ok(_) => ([(CONTENT_TYPE, TEXT)], "ok\n").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(CONTENT_TYPE, TEXT)],
                "database unavailable\n",
            )
                .into_response()
        }
    }
}

/// Fallback: 404 for paths nobody serves.
pub async fn not_found() -> ServerError {
    ServerError::NotFound
}
