//! The HTTP boundary's error enum and the crate's only `impl IntoResponse`
//! (tests/tidy.rs). Lower layers' errors convert into [`ServerError`]; a 500
//! says little to the client and logs the detail.

use std::time::Duration;

use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;
use crate::sync_protocol::{ApiError, ErrorCode};

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
            ServerError::Store(StoreError::Locked { .. }) => StatusCode::LOCKED,
            ServerError::Store(_) | ServerError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::Api { status, .. } => *status,
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        if let ServerError::Api { status, body } = self {
            return api_response(status, *body);
        }
        let status = self.status();
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
