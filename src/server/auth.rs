//! HTTP Basic authentication (RFC 7617) against a user's argon2id password
//! hash or any of their active app passwords, with a credential cache and
//! login throttling ([`throttle`](super::throttle)).
//!
//! The cache maps SHA-256(process key ‖ user ‖ password) to an expiry, so a client that sends Basic on every request pays argon2 once per
//! TTL, and the cache holds no password. The key is random per process, so
//! cache keys mean nothing outside it. A password changed or an app password
//! revoked by the CLI (another process) stops working once its cache entry
//! expires (`auth.cache_ttl_secs`, one minute by default).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::config::AuthConfig;
use crate::store::{Accounts, SqlStore};

use super::AppState;
use super::error::ServerError;
use super::password;
use super::proxy::RequestOrigin;
use super::throttle::Throttle;

/// Cache entries kept before expired ones are swept.
const SWEEP_AT: usize = 10_000;
/// argon2 verifications running at once (19 MiB each).
const CONCURRENT_VERIFICATIONS: usize = 2;

/// Credentials from an `Authorization: Basic` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// Parses `Basic base64(user:password)` (RFC 7617 §2); the user name
    /// ends at the first colon. `None` for anything else.
    pub fn from_header(value: &[u8]) -> Option<Credentials> {
        let text = std::str::from_utf8(value).ok()?;
        let (scheme, token) = text.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD.decode(token.trim()).ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some(Credentials {
            user: user.to_owned(),
            password: password.to_owned(),
        })
    }
}

/// An authenticated user, for handlers: `async fn h(user: AuthUser, …)`.
/// Rejects with 401 (`WWW-Authenticate: Basic`) or 429 when throttled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    pub name: String,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        let origin = RequestOrigin::from_parts(parts, state);
        let credentials = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| Credentials::from_header(v.as_bytes()))
            .ok_or(ServerError::Unauthorized)?;
        let name = state.auth().authenticate(&credentials, origin.client_ip).await?;
        Ok(AuthUser { name })
    }
}

/// Verifies credentials; shared by every request through [`AppState`].
#[derive(Debug)]
pub struct Authenticator {
    store: SqlStore,
    key: [u8; 32],
    ttl: Duration,
    failure_delay: Duration,
    cache: Mutex<HashMap<[u8; 32], Instant>>,
    throttle: Throttle,
    verifications: AtomicU64,
    /// Bounds concurrent argon2 runs: each holds 19 MiB, and when a cached
    /// login expires, every client of the user asks again at once (eight
    /// DAVx5 threads made a 150 MiB peak). A waiter finds the credentials
    /// cached by the run it waited for and does not verify again.
    verifying: Semaphore,
    /// Verified when the user does not exist, so both cases cost the same.
    decoy: String,
}

impl Authenticator {
    pub fn new(store: SqlStore, config: &AuthConfig) -> Self {
        let key: [u8; 32] = Sha256::digest(password::random_id(32).as_bytes()).into();
        Authenticator {
            store,
            key,
            ttl: Duration::from_secs(config.cache_ttl_secs),
            failure_delay: Duration::from_millis(config.failure_delay_ms),
            cache: Mutex::new(HashMap::new()),
            throttle: Throttle::new(config),
            verifications: AtomicU64::new(0),
            verifying: Semaphore::new(CONCURRENT_VERIFICATIONS),
            decoy: password::hash(&password::generate(24)),
        }
    }

    /// How many argon2 verifications ran (a metric; tests watch the cache with it).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// The user these credentials belong to, or why not.
    pub async fn authenticate(&self, credentials: &Credentials, ip: IpAddr) -> Result<String, ServerError> {
        let key = self.cache_key(credentials);
        let now = Instant::now();
        if self.cached(&key, now) {
            return Ok(credentials.user.clone());
        }
        if let Some(wait) = self.throttle.wait(&credentials.user, ip, now) {
            tracing::warn!(user = %credentials.user, %ip, ?wait, "login throttled");
            return Err(ServerError::Throttled { retry_after: wait });
        }
        let permit = self
            .verifying
            .acquire()
            .await
            .map_err(|e| ServerError::Internal(format!("argon2 permits: {e}")))?;
        if self.cached(&key, Instant::now()) {
            return Ok(credentials.user.clone());
        }
        let verified = self.verify(credentials).await;
        drop(permit);
        if verified? {
            self.throttle.succeed(&credentials.user, ip);
            self.remember(key, now);
            return Ok(credentials.user.clone());
        }
        self.throttle.fail(&credentials.user, ip, Instant::now());
        tracing::warn!(user = %credentials.user, %ip, "failed login");
        tokio::time::sleep(self.failure_delay).await;
        Err(ServerError::Unauthorized)
    }

    /// argon2 against the password and every active app password, on the
    /// blocking pool.
    async fn verify(&self, credentials: &Credentials) -> Result<bool, ServerError> {
        let mut hashes = Vec::new();
        match self.store.user(&credentials.user).await? {
            Some(user) => {
                hashes.push(user.password_hash);
                let apps = self.store.list_app_passwords(&credentials.user).await?;
                hashes.extend(apps.into_iter().filter(|a| a.is_active()).map(|a| a.password_hash));
            }
            None => hashes.push(self.decoy.clone()),
        }
        let password = credentials.password.clone();
        let (ok, ran) = tokio::task::spawn_blocking(move || {
            let mut ran = 0;
            let ok = hashes.iter().any(|h| {
                ran += 1;
                password::verify(h, &password)
            });
            (ok, ran)
        })
        .await
        .map_err(|e| ServerError::Internal(format!("argon2 task: {e}")))?;
        self.verifications.fetch_add(ran, Ordering::Relaxed);
        // The decoy never matches: an unknown user is a failed login.
        Ok(ok)
    }

    fn cache_key(&self, c: &Credentials) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update((c.user.len() as u64).to_be_bytes());
        h.update(c.user.as_bytes());
        h.update(c.password.as_bytes());
        h.finalize().into()
    }

    fn cached(&self, key: &[u8; 32], now: Instant) -> bool {
        let cache = self.cache.lock().expect("auth cache lock");
        cache.get(key).is_some_and(|expires| *expires > now)
    }

    fn remember(&self, key: [u8; 32], now: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut cache = self.cache.lock().expect("auth cache lock");
        if cache.len() >= SWEEP_AT {
            cache.retain(|_, expires| *expires > now);
        }
        cache.insert(key, now + self.ttl);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7617_2_basic_credentials_split_at_the_first_colon() {
        let header = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("alice:pa:ss wörd")
        );
        let c = Credentials::from_header(header.as_bytes()).unwrap();
        assert_eq!((c.user.as_str(), c.password.as_str()), ("alice", "pa:ss wörd"));
        assert!(
            Credentials::from_header(b"basic YTpi").is_some(),
            "scheme is case-insensitive"
        );
        for bad in [&b"Bearer abc"[..], b"Basic !!!", b"Basic YWxpY2U=", b"\xff"] {
            assert!(Credentials::from_header(bad).is_none());
        }
        assert!(!format!("{c:?}").contains("pa:ss"), "Debug hides the password");
    }
}
