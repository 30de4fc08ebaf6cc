//! LOCK and UNLOCK (RFC 4918 §9.10, §9.11, class 2) over the engine's
//! collection leases ([`crate::store::Locks`]) — the same management lock
//! `pimgate` takes, seen from DAV.
//!
//! Mapping and its limits (docs/compliance/rfc4918.md):
//! - A lock on a collection or any member leases the whole collection to
//!   the locking user (holder `dav:USER`); writes by anyone else get 423
//!   (the store refuses them), the user's own writes pass.
//! - Only exclusive write locks; a shared request gets an exclusive lock.
//! - The token `opaquelocktoken:<uuid>` is derived from the lease
//!   (collection, holder, acquisition time), so it survives restarts and is
//!   the same on every server process sharing the database.
//! - Timeout: `Second-N` up to an hour, `Infinite` is an hour, default 10 minutes.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::{Lease, Locks, StoreError};

use super::Ctx;
use super::reply;
use super::resource::{self, Reached, Target};
use super::xml::Href;
use super::xml::request::parse_lockinfo;
use super::xml::response::{Precondition, lock_response_xml};
use super::xml::value::{ActiveLock, LockDepth, LockScope};

const DEFAULT_SECS: i64 = 600;
const MAX_SECS: i64 = 3600;

/// The lock token of a lease.
pub fn token_of(lease: &Lease) -> String {
    let digest = blake3::hash(format!("{}\n{}\n{}", lease.collection, lease.holder, lease.acquired_at).as_bytes());
    let hex = digest.to_hex();
    format!(
        "opaquelocktoken:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A lease as a `DAV:activelock` rooted at `root`.
pub fn active_lock(lease: &Lease, root: Href) -> ActiveLock {
    let left = (lease.expires_at.0 - now().0).max(0) / 1000;
    ActiveLock {
        scope: LockScope::Exclusive,
        depth: LockDepth::Infinity,
        owner: None,
        timeout_secs: Some(left as u64),
        token: token_of(lease),
        root,
    }
}

/// `Timeout: Second-600, Infinite` (RFC 4918 §10.7) in milliseconds.
fn timeout_ms(value: Option<&str>) -> i64 {
    let first = value.and_then(|v| v.split(',').next()).map(str::trim);
    let secs = match first {
        Some(t) if t.eq_ignore_ascii_case("infinite") => MAX_SECS,
        Some(t) => t
            .strip_prefix("Second-")
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or(DEFAULT_SECS),
        None => DEFAULT_SECS,
    };
    secs.clamp(1, MAX_SECS) * 1000
}

/// The collection a lock request is about, and the request's href.
async fn locked_place(ctx: &Ctx, target: &Target) -> Result<(Reached, Href), ServerError> {
    let (owner, home, collection, object) = match target {
        Target::Collection { owner, home, name } => (owner, *home, name, None),
        Target::Object {
            owner,
            home,
            collection,
            name,
        } => (owner, *home, collection, Some(name)),
        _ => {
            return Err(ServerError::status_with(
                StatusCode::FORBIDDEN,
                "only collections and their members lock",
            ));
        }
    };
    let reached = resource::reach_existing(ctx.store(), &ctx.user, owner, home, collection).await?;
    reached.require_write()?;
    let href = object.map_or_else(|| reached.href(), |name| reached.object_href(name));
    Ok((reached, href))
}

pub async fn lock(ctx: &Ctx, target: Target, body: &[u8]) -> Result<Response, ServerError> {
    let info = parse_lockinfo(body, &ctx.xml_limits(body)?)?;
    let (reached, href) = locked_place(ctx, &target).await?;
    let ttl = timeout_ms(ctx.header("timeout"));
    let holder = ctx.origin().0;
    let id = &reached.collection.id;
    let lease = match &info {
        // An empty body refreshes the caller's lock (RFC 4918 §9.10.2).
        None => ctx.store().renew(id, &holder, ttl, now()).await.map_err(|e| match e {
            StoreError::NotFound(_) => ServerError::status_with(StatusCode::PRECONDITION_FAILED, "no lock to refresh"),
            other => other.into(),
        })?,
        Some(_) => {
            // A second LOCK by the holder without its token is a conflict too.
            require_token(ctx, &reached).await?;
            ctx.store()
                .acquire(id, &holder, ttl, now())
                .await
                .map_err(|e| match e {
                    StoreError::Locked { .. } => {
                        ServerError::precondition(Precondition::NoConflictingLock(vec![reached.href()]))
                    }
                    other => other.into(),
                })?
        }
    };
    let mut active = active_lock(&lease, href);
    // The lease is exclusive either way; the answer echoes the scope asked for.
    if let Some(info) = &info {
        active.scope = info.scope;
    }
    active.owner = info.and_then(|i| i.owner);
    let depth_zero = ctx.header("depth").is_some_and(|d| d.trim() == "0");
    active.depth = if depth_zero {
        LockDepth::Zero
    } else {
        LockDepth::Infinity
    };
    let mut response = reply::xml(StatusCode::OK, lock_response_xml(&active));
    let token =
        HeaderValue::from_str(&format!("<{}>", active.token)).map_err(|e| ServerError::Internal(e.to_string()))?;
    response
        .headers_mut()
        .insert(HeaderName::from_static("lock-token"), token);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(reply::XML));
    Ok(response)
}

/// The lock tokens named in an `If` header (RFC 4918 §10.4), in any list.
fn if_tokens(header: Option<&str>) -> Vec<String> {
    let Some(header) = header else { return Vec::new() };
    header
        .split('<')
        .skip(1)
        .filter_map(|part| part.split_once('>').map(|(token, _)| token.trim().to_owned()))
        .filter(|token| token.starts_with("opaquelocktoken:"))
        .collect()
}

/// Writes to a locked collection must submit its lock token (RFC 4918
/// §7.5, `lock-token-submitted`), the lock holder's included; others'
/// writes are refused by the store anyway. An `If` header naming only
/// tokens that are not the current lock is a failed precondition (412).
pub async fn require_token(ctx: &Ctx, reached: &Reached) -> Result<(), ServerError> {
    let header = ctx.header("if");
    let submitted = if_tokens(header);
    let lease = ctx.store().lease(&reached.collection.id, now()).await?;
    match lease {
        Some(lease) => {
            if submitted.contains(&token_of(&lease)) {
                Ok(())
            } else if lease.holder == ctx.origin().0 && header.is_none() {
                Err(ServerError::precondition(Precondition::LockTokenSubmitted(vec![
                    reached.href(),
                ])))
            } else if lease.holder == ctx.origin().0 {
                Err(ServerError::status_with(
                    StatusCode::PRECONDITION_FAILED,
                    "the If header names no current lock",
                ))
            } else {
                Err(ServerError::precondition(Precondition::LockTokenSubmitted(vec![
                    reached.href(),
                ])))
            }
        }
        None if !submitted.is_empty() && !header.unwrap_or("").contains("Not") => Err(ServerError::status_with(
            StatusCode::PRECONDITION_FAILED,
            "the If header names a lock that does not exist",
        )),
        None => Ok(()),
    }
}

pub async fn unlock(ctx: &Ctx, target: Target) -> Result<Response, ServerError> {
    let (reached, _) = locked_place(ctx, &target).await?;
    let given = ctx
        .header("lock-token")
        .map(|t| t.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
        .ok_or_else(|| ServerError::status_with(StatusCode::BAD_REQUEST, "UNLOCK needs a Lock-Token header"))?;
    let lease = ctx.store().lease(&reached.collection.id, now()).await?;
    match lease {
        Some(lease) if token_of(&lease) == given && lease.holder == ctx.origin().0 => {
            ctx.store().release(&reached.collection.id, &lease.holder).await?;
            Ok(reply::empty(StatusCode::NO_CONTENT))
        }
        _ => Err(ServerError::status_with(
            StatusCode::CONFLICT,
            "the lock token does not match a lock on this resource",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4918_10_7_timeouts_are_capped() {
        assert_eq!(timeout_ms(Some("Second-30")), 30_000);
        assert_eq!(timeout_ms(Some("Infinite, Second-4100000000")), 3_600_000);
        assert_eq!(timeout_ms(Some("Second-99999")), 3_600_000);
        assert_eq!(timeout_ms(None), 600_000);
    }
}
