//! Bearer-token authentication for devices (RFC 6750 §2.1). A token is
//! `pgd_<device id>_<secret>`; the store keeps only the argon2id hash of
//! the whole token. Verified tokens are cached (SHA-256 of a per-process
//! key and the token, never the token) so a device pays argon2 once per
//! TTL; the device row is still read on every request, so a revoked device
//! is refused at once, whichever process revoked it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use super::Hub;
use crate::server::{AppState, ServerError, password};
use crate::store::{Accounts, Device};
use crate::sync_protocol::{ErrorCode, TOKEN_PREFIX};
use crate::universal::DeviceId;

/// How long a verified token skips argon2.
const CACHE_TTL: Duration = Duration::from_secs(300);
/// Cache entries kept before expired ones are swept.
const SWEEP_AT: usize = 10_000;

/// A fresh device id and its token (`pgd_<id>_<secret>`).
pub fn new_token() -> (DeviceId, String) {
    let id = password::random_id(8);
    let token = format!("{TOKEN_PREFIX}_{id}_{}", password::generate(32));
    (DeviceId(id), token)
}

/// The device id a token names, if it has the token shape.
fn token_device(token: &str) -> Option<DeviceId> {
    let mut parts = token.split('_');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(TOKEN_PREFIX), Some(id), Some(secret), None) if !id.is_empty() && !secret.is_empty() => {
            Some(DeviceId(id.to_owned()))
        }
        _ => None,
    }
}

/// The verified-token cache.
#[derive(Debug)]
pub struct DeviceTokens {
    key: [u8; 32],
    cache: Mutex<HashMap<[u8; 32], Instant>>,
}

impl DeviceTokens {
    pub fn new() -> Self {
        DeviceTokens {
            key: Sha256::digest(password::random_id(32).as_bytes()).into(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn cache_key(&self, token: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update(token.as_bytes());
        h.finalize().into()
    }

    fn cached(&self, key: &[u8; 32]) -> bool {
        let cache = self.cache.lock().expect("token cache lock");
        cache.get(key).is_some_and(|expires| *expires > Instant::now())
    }

    fn remember(&self, key: [u8; 32]) {
        let now = Instant::now();
        let mut cache = self.cache.lock().expect("token cache lock");
        if cache.len() >= SWEEP_AT {
            cache.retain(|_, expires| *expires > now);
        }
        cache.insert(key, now + CACHE_TTL);
    }
}

impl Default for DeviceTokens {
    fn default() -> Self {
        Self::new()
    }
}

/// An authenticated, unrevoked device: `async fn h(device: DeviceAuth, …)`.
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    pub device: Device,
}

fn unauthorized(why: &str) -> ServerError {
    ServerError::api(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, why)
}

impl FromRequestParts<AppState> for DeviceAuth {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        let hub = parts
            .extensions
            .get::<Hub>()
            .cloned()
            .ok_or_else(|| ServerError::Internal("sync hub missing".into()))?;
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(|t| t.trim().to_owned())
            .ok_or_else(|| unauthorized("a device token is required (Authorization: Bearer …)"))?;
        let id = token_device(&token).ok_or_else(|| unauthorized("malformed device token"))?;
        let device = state
            .store()
            .device(&id)
            .await?
            .ok_or_else(|| unauthorized("unknown device token"))?;
        if device.revoked_at.is_some() {
            return Err(unauthorized("the device's token was revoked"));
        }
        let key = hub.tokens().cache_key(&token);
        if !hub.tokens().cached(&key) {
            let hash = device.token_hash.clone();
            let ok = tokio::task::spawn_blocking(move || password::verify(&hash, &token))
                .await
                .map_err(|e| ServerError::Internal(format!("argon2 task: {e}")))?;
            if !ok {
                return Err(unauthorized("wrong device token"));
            }
            hub.tokens().remember(key);
        }
        Ok(DeviceAuth { device })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_device_and_other_shapes_are_refused() {
        let (id, token) = new_token();
        assert_eq!(token_device(&token), Some(id));
        for bad in ["", "pgd__x", "pgd_a_", "xyz_a_b", "pgd_a_b_c"] {
            assert_eq!(token_device(bad), None, "{bad}");
        }
    }
}
