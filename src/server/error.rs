//! The HTTP boundary's error enum and the crate's only `impl IntoResponse`
//! (tests/tidy.rs). Lower layers' errors convert into [`ServerError`]; a 500
//! says little to the client and logs the detail.

use std::time::Duration;

use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::engine::EngineError;
use crate::store::StoreError;
use crate::sync_protocol::{ApiError, ErrorCode};

use super::dav::xml::XmlError;
use super::dav::xml::response::{DavErrorBody, Precondition, escape_text};

/// The realm clients show when asking for a password (RFC 7617 §2).
pub const REALM: &str = "pimgate";

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Missing or wrong credentials (401 with a Basic challenge).
    #[error("authentication required")]
    Unauthorized,
    /// Too many failed logins for this user or address (429).
    #[error("too many failed logins; retry in {retry_after:?}")]
    Throttled { retry_after: Duration },
    #[error("not found")]
    NotFound,
    /// A DAV precondition failed: a `<d:error>` body (RFC 4918 §16) with
    /// the condition, sent with `status` (the condition's own status when
    /// `None`); `detail` says what was wrong, e.g. the line of a bad vCard.
    #[error("precondition {condition:?} failed{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Precondition {
        condition: Precondition,
        status: Option<StatusCode>,
        detail: Option<String>,
    },
    /// A plain HTTP refusal (403, 405, 409, 412, 415, 423, 507, ...) with a
    /// short reason for the body.
    #[error("{message}")]
    Status { status: StatusCode, message: String },
    /// An unreadable XML body (400, or 413 when over the limits).
    #[error("{0}")]
    Xml(#[from] XmlError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
    /// A native sync API failure (`/sync/v1`): its status and JSON body.
    #[error("{}", body.error)]
    Api { status: StatusCode, body: Box<ApiError> },
}

impl ServerError {
    /// A sync API error with a plain message.
    pub fn api(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ServerError::Api {
            status,
            body: Box::new(ApiError::new(code, message)),
        }
    }
}

impl ServerError {
    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::Unauthorized => StatusCode::UNAUTHORIZED,
            ServerError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            ServerError::NotFound | ServerError::Store(StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            ServerError::Precondition { condition, status, .. } => {
                status.unwrap_or_else(|| StatusCode::from_u16(condition.status().0).unwrap_or(StatusCode::FORBIDDEN))
            }
            ServerError::Status { status, .. } => *status,
            ServerError::Xml(error) => StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST),
            ServerError::Store(StoreError::Locked { .. }) => StatusCode::LOCKED,
            ServerError::Store(_) | ServerError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::Api { status, .. } => *status,
        }
    }
}

impl ServerError {
    /// A plain refusal with a reason.
    pub fn status_with(status: StatusCode, message: impl Into<String>) -> ServerError {
        ServerError::Status {
            status,
            message: message.into(),
        }
    }

    /// A failed DAV precondition with its own status.
    pub fn precondition(condition: Precondition) -> ServerError {
        ServerError::Precondition {
            condition,
            status: None,
            detail: None,
        }
    }

    /// A failed DAV precondition with a detail message (sent inside the
    /// `<d:error>` as `<pimgate:message>`, as sabre/dav sends `<s:message>`).
    pub fn precondition_because(condition: Precondition, detail: impl Into<String>) -> ServerError {
        ServerError::Precondition {
            condition,
            status: None,
            detail: Some(detail.into()),
        }
    }
}

/// Engine refusals that need no DAV context; the DAV layer maps UID
/// conflicts and missing UIDs itself (they name hrefs and data kinds).
impl From<EngineError> for ServerError {
    fn from(error: EngineError) -> Self {
        match error {
            EngineError::PreconditionFailed { .. } => {
                ServerError::status_with(StatusCode::PRECONDITION_FAILED, "precondition failed")
            }
            EngineError::NotFound(_) => ServerError::NotFound,
            EngineError::Locked { holder, until } => ServerError::status_with(
                StatusCode::LOCKED,
                format!("collection locked by {holder} until {until}"),
            ),
            EngineError::TokenExpired { .. } | EngineError::FuturePosition { .. } => {
                ServerError::precondition_because(Precondition::ValidSyncToken, error.to_string())
            }
            EngineError::UidChanged { .. } => ServerError::status_with(StatusCode::CONFLICT, error.to_string()),
            EngineError::Store(store) => ServerError::Store(store),
            other => ServerError::Internal(other.to_string()),
        }
    }
}

/// The `<d:error>` document, with the detail as a `<pimgate:message>`
/// before the closing tag.
fn error_xml(condition: &Precondition, detail: Option<&str>) -> Vec<u8> {
    let xml = DavErrorBody(condition.clone()).to_xml();
    let Some(detail) = detail else { return xml };
    let text = String::from_utf8_lossy(&xml);
    let Some(at) = text.rfind("</d:error>") else { return xml };
    let message = format!(
        "<pimgate:message xmlns:pimgate=\"https://pimgate.org/ns\">{}</pimgate:message>",
        escape_text(detail)
    );
    format!("{}{message}{}", &text[..at], &text[at..]).into_bytes()
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        if let ServerError::Api { status, body } = self {
            return api_response(status, *body);
        }
        let status = self.status();
        if let ServerError::Precondition { condition, detail, .. } = &self {
            tracing::debug!(error = %self, "DAV precondition failed");
            let body = error_xml(condition, detail.as_deref());
            return (
                status,
                [(axum::http::header::CONTENT_TYPE, "application/xml; charset=utf-8")],
                body,
            )
                .into_response();
        }
        let body = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "internal server error\n".to_owned()
        } else {
            format!("{self}\n")
        };
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        match &self {
            ServerError::Unauthorized => {
                // RFC 7617 §2.1: charset tells clients to send UTF-8.
                let challenge = format!("Basic realm=\"{REALM}\", charset=\"UTF-8\"");
                headers.insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_str(&challenge).expect("ASCII challenge"),
                );
            }
            ServerError::Throttled { retry_after } => {
                // Whole seconds, rounded up, never 0 (RFC 9110 §10.2.3).
                let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                headers.insert(RETRY_AFTER, HeaderValue::from(secs.max(1)));
            }
            _ => {}
        }
        response
    }
}

/// A sync API error as JSON; 401 challenges for a bearer token (RFC 6750 §3).
fn api_response(status: StatusCode, body: ApiError) -> Response {
    if status.is_server_error() {
        tracing::error!(error = %body.error, "sync request failed");
    }
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        let challenge = format!("Bearer realm=\"{REALM}\"");
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_str(&challenge).expect("ASCII challenge"),
        );
    }
    response
}
