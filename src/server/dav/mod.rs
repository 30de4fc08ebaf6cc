//! CardDAV and CalDAV (RFC 4918, RFC 6352, RFC 4791, RFC 6578).
//!
//! [`xml`] turns request bodies into typed requests and typed responses into
//! XML; it knows no sockets, no engine and no store. The rest of this module
//! is the DAV server on top of it:
//!
//! - [`handle`] authenticates, parses the path into a [`resource::Target`]
//!   and dispatches on the method through one table (STYLE G5);
//! - one module per method (`propfind`, `proppatch`, `mkcol`, `get`, `put`,
//!   `delete`, `report`), each written once for address books and calendars,
//!   asking [`kind`] for what differs (STYLE G7);
//! - [`props`] computes live properties, [`reply`] builds (and streams)
//!   multistatus responses; [`partial`] prunes a record to the parts an
//!   address-data or calendar-data request names;
//! - [`conditions`] checks what every request must satisfy first: the `If`
//!   header ([`if_header`]) and the lock tokens of the locks ([`locks`])
//!   covering what it changes; [`lock`] is LOCK/UNLOCK.
//!
//! Every object write goes through [`crate::engine::Engine`]; sync tokens
//! and CTags are change-log positions. Errors are [`ServerError`]s, typed
//! DAV preconditions included.

mod conditions;
mod copy_move;
mod deadprops;
mod delete;
mod get;
mod if_header;
pub mod kind;
mod listing;
mod lock;
mod locks;
mod mkcol;
pub mod partial;
mod plain;
mod propfind;
mod proppatch;
pub mod props;
mod put;
pub mod query;
mod reply;
mod report;
pub mod resource;
pub mod xml;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::header::CONNECTION;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::config::Limits;
use crate::store::SqlStore;
use crate::universal::DeviceId;

use super::error::ServerError;
use super::proxy::{self, RequestOrigin};
use super::{AppState, AuthUser, discovery};
use resource::Target;
use xml::XmlLimits;

/// What every DAV handler gets: the state, who asks, the request headers.
pub struct Ctx {
    pub state: AppState,
    pub user: String,
    pub headers: HeaderMap,
    /// The origins the request may name this server by ([`proxy::own_origins`]).
    pub origins: Vec<RequestOrigin>,
}

impl Ctx {
    pub fn store(&self) -> &SqlStore {
        self.state.store()
    }

    pub fn limits(&self) -> &Limits {
        &self.state.config().limits
    }

    /// A request header as text (`None` when absent or not ASCII).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Who writes, as the change log records it.
    pub fn origin(&self) -> DeviceId {
        DeviceId(format!("dav:{}", self.user))
    }

    /// The XML parser limits from the configuration, after checking the
    /// body size against `xml_bytes` (413 beyond it).
    pub fn xml_limits(&self, body: &[u8]) -> Result<XmlLimits, ServerError> {
        let limits = self.limits();
        if body.len() as u64 > limits.xml_bytes {
            return Err(ServerError::status_with(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("XML body over {} bytes", limits.xml_bytes),
            ));
        }
        Ok(XmlLimits {
            max_depth: limits.xml_depth as usize,
            ..XmlLimits::default()
        })
    }
}

/// Every method on a DAV path: OPTIONS without credentials, the rest
/// through [`handle`].
pub async fn entry(State(state): State<AppState>, request: Request) -> Response {
    if request.method() == Method::OPTIONS {
        return discovery::dav_options().await;
    }
    let (mut parts, body) = request.into_parts();
    let user = match AuthUser::from_request_parts(&mut parts, &state).await {
        Ok(user) => user,
        Err(refused) => return refuse_unread(refused.into_response(), body).await,
    };
    let ctx = Ctx {
        origins: proxy::own_origins(&parts, &state),
        state: state.clone(),
        user: user.name,
        headers: parts.headers.clone(),
    };
    let (method, uri) = (parts.method.clone(), parts.uri.clone());
    let body = match Bytes::from_request(Request::from_parts(parts, body), &state).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    handle(ctx, method, uri, body).await.into_response()
}

/// An answer given before the request body was read (most clients send
/// their first request without credentials). The body is drained so the
/// connection can carry the retry; a body too large to drain closes the
/// connection, and the answer says so — otherwise a client reusing it
/// would see it closed without a response.
async fn refuse_unread(mut response: Response, body: Body) -> Response {
    const DRAIN_BYTES: usize = 1 << 20;
    if axum::body::to_bytes(body, DRAIN_BYTES).await.is_err() {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The server root: the landing page for browsers, DAV for clients given
/// only the server's address.
pub async fn root_entry(State(state): State<AppState>, request: Request) -> Response {
    match *request.method() {
        Method::GET | Method::HEAD => discovery::landing(State(state), request).await,
        _ => entry(State(state), request).await,
    }
}

/// Every DAV method on every DAV path, after authentication.
async fn handle(ctx: Ctx, method: Method, uri: Uri, body: Bytes) -> Result<Response, ServerError> {
    let target = Target::parse(uri.path()).ok_or(ServerError::NotFound)?;
    if is_read(&method) && ctx.headers.contains_key("if") {
        // RFC 4918 §10.4.1: a false If header fails any method.
        conditions::check(&ctx, &target, &[]).await?;
    }
    match method.as_str() {
        "PROPFIND" => propfind::handle(&ctx, target, &body).await,
        "PROPPATCH" => proppatch::handle(&ctx, target, &body).await,
        "MKCOL" => mkcol::handle(&ctx, target, &body, mkcol::Method::MkCol).await,
        "MKCALENDAR" => mkcol::handle(&ctx, target, &body, mkcol::Method::MkCalendar).await,
        "GET" => get::handle(&ctx, target).await,
        "HEAD" => get::handle(&ctx, target).await,
        "PUT" => put::handle(&ctx, target, body).await,
        "DELETE" => delete::handle(&ctx, target).await,
        "REPORT" => report::handle(&ctx, target, &body).await,
        "COPY" => copy_move::handle(&ctx, target, copy_move::Mode::Copy).await,
        "MOVE" => copy_move::handle(&ctx, target, copy_move::Mode::Move).await,
        "LOCK" => lock::lock(&ctx, target, &body).await,
        "UNLOCK" => lock::unlock(&ctx, target).await,
        _ => Err(ServerError::status_with(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not supported here"),
        )),
    }
}

/// The methods that change nothing (they check the `If` header here; the
/// others check it with their locks).
fn is_read(method: &Method) -> bool {
    matches!(method.as_str(), "GET" | "HEAD" | "PROPFIND" | "REPORT")
}
