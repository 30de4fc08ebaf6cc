//! LOCK and UNLOCK (RFC 4918 §9.10, §9.11, class 2): new locks, refreshes
//! and removal. How locks are stored — collection leases for exclusive
//! locks on address books and calendars, resource locks for the rest — and
//! what they cover is in [`super::locks`]; the checks other methods make
//! are in [`super::conditions`].
//!
//! - A new lock is refused with 423 `no-conflicting-lock` when it overlaps
//!   an exclusive lock, or is exclusive and overlaps any lock (§6.2).
//! - A refresh (empty body) names its lock in the `If` header (§9.10.2).
//! - LOCK on an unmapped URL in a plain collection creates an empty
//!   resource (201, §7.3); address books and calendars hold no empty
//!   objects, so there the lock alone is made (200).
//! - Timeout: `Second-N` up to an hour, `Infinite` is an hour, default 10
//!   minutes.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use crate::engine::etag_of;
use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::LockScope as StoredScope;
use crate::store::{
    CollectionKind, Locks, Placed, PlainResource, PlainResources, ResourceLock, ResourceLocks, SpaceLocks, StoreError,
};
use crate::universal::{ObjectName, Timestamp};

use super::Ctx;
use super::conditions::{self, Affected, Spaces, Touch};
use super::if_header::IfHeader;
use super::locks::{self, Backing, Lock, Spot};
use super::reply;
use super::resource::{self, Reached, Target};
use super::xml::request::{LockInfo, parse_lockinfo};
use super::xml::response::{Precondition, lock_response_xml};
use super::xml::value::{LockDepth, LockScope};

const DEFAULT_SECS: i64 = 600;
const MAX_SECS: i64 = 3600;

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

/// The collection a lock request is about, and the spot it names.
async fn locked_place(ctx: &Ctx, target: &Target) -> Result<(Reached, Spot), ServerError> {
    let (Some(spot), Some(owner)) = (Spot::of(target), target.owner()) else {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "only collections and their members lock",
        ));
    };
    let reached = resource::reach_existing(ctx.store(), &ctx.user, owner, spot.home, &spot.collection).await?;
    reached.require_write()?;
    Ok((reached, spot))
}

pub async fn lock(ctx: &Ctx, target: Target, body: &[u8]) -> Result<Response, ServerError> {
    let info = parse_lockinfo(body, &ctx.xml_limits(body)?)?;
    let (reached, spot) = locked_place(ctx, &target).await?;
    let header = conditions::if_header(ctx)?;
    let mut spaces = Spaces::default();
    if let Some(header) = &header {
        conditions::evaluate(ctx, &target, header, &mut spaces).await?;
    }
    let ttl = timeout_ms(ctx.header("timeout"));
    let (status, lock) = match info {
        None => (
            StatusCode::OK,
            refresh(ctx, &spot, header.as_ref(), ttl, &mut spaces).await?,
        ),
        Some(info) => create(ctx, &target, &reached, &spot, info, ttl, &mut spaces).await?,
    };
    respond(status, &lock)
}

/// RFC 4918 §9.10.2: extends the caller's lock named in the `If` header.
async fn refresh(
    ctx: &Ctx,
    spot: &Spot,
    header: Option<&IfHeader>,
    ttl: i64,
    spaces: &mut Spaces,
) -> Result<Lock, ServerError> {
    let no_lock = || {
        ServerError::status_with(
            StatusCode::PRECONDITION_FAILED,
            "the If header names no lock of yours here",
        )
    };
    let tokens: Vec<&str> = header.map(|h| h.tokens().collect()).unwrap_or_default();
    let space = spaces.of(ctx, spot).await?;
    let mut lock = locks::covering(space, spot)
        .find(|l| l.held_by(&ctx.user) && tokens.contains(&l.token.as_str()))
        .cloned()
        .ok_or_else(no_lock)?;
    let at = now();
    let refreshed = match &lock.backing {
        Backing::Lease { collection, holder } => ctx
            .store()
            .renew(collection, holder, ttl, at)
            .await
            .map(|l| l.expires_at),
        Backing::Resource => ctx
            .store()
            .refresh_resource_lock(&lock.token, Timestamp(at.0 + ttl), at)
            .await
            .map(|l| l.expires_at),
    };
    lock.expires_at = refreshed.map_err(|e| match e {
        StoreError::NotFound(_) => no_lock(),
        other => other.into(),
    })?;
    Ok(lock)
}

/// The `Depth` of a new lock: 0 or infinity (the default) on collections;
/// members have no depth.
fn depth(ctx: &Ctx, spot: &Spot) -> Result<LockDepth, ServerError> {
    if spot.member.is_some() {
        return Ok(LockDepth::Zero);
    }
    match ctx.header("depth").map(str::trim) {
        None => Ok(LockDepth::Infinity),
        Some(d) if d.eq_ignore_ascii_case("infinity") => Ok(LockDepth::Infinity),
        Some("0") => Ok(LockDepth::Zero),
        Some(other) => Err(ServerError::status_with(
            StatusCode::BAD_REQUEST,
            format!("Depth {other} is not a lock depth (0 or infinity)"),
        )),
    }
}

/// A new lock: a lease for an exclusive lock on an address book or a
/// calendar, a resource lock otherwise.
async fn create(
    ctx: &Ctx,
    target: &Target,
    reached: &Reached,
    spot: &Spot,
    info: LockInfo,
    ttl: i64,
    spaces: &mut Spaces,
) -> Result<(StatusCode, Lock), ServerError> {
    let leased = info.scope == LockScope::Exclusive && reached.collection.kind != CollectionKind::Plain;
    let wanted = Lock {
        token: format!("opaquelocktoken:{}", uuid::Uuid::new_v4()),
        scope: info.scope,
        depth: if leased { LockDepth::Infinity } else { depth(ctx, spot)? },
        owner: info.owner,
        principal: Some(ctx.user.clone()),
        expires_at: Timestamp(now().0 + ttl),
        // A lease is on the whole collection, whatever was asked.
        root: Spot {
            member: if leased { None } else { spot.member.clone() },
            ..spot.clone()
        },
        backing: Backing::Resource,
    };
    let conflicting: Vec<_> = spaces
        .of(ctx, spot)
        .await?
        .iter()
        .filter(|l| l.conflicts_with(&wanted))
        .map(|l| l.root.href())
        .collect();
    if !conflicting.is_empty() {
        return Err(ServerError::precondition(Precondition::NoConflictingLock(conflicting)));
    }
    if leased {
        return Ok((StatusCode::OK, take_lease(ctx, reached, spot, wanted, ttl).await?));
    }
    // RFC 4918 §7.3: locking an unmapped URL makes an empty resource,
    // which changes the collection's membership.
    let creates = reached.collection.kind == CollectionKind::Plain
        && spot.member.is_some()
        && !conditions::exists(ctx, target).await?;
    if creates {
        conditions::check(ctx, target, &[Affected::new(target, Touch::Write)]).await?;
    }
    store_lock(ctx, reached, spot, &wanted).await?;
    if creates {
        create_empty(ctx, reached, spot).await?;
        return Ok((StatusCode::CREATED, wanted));
    }
    Ok((StatusCode::OK, wanted))
}

/// The store's refusal as the DAV condition.
fn refused(spot: &Spot) -> impl Fn(StoreError) -> ServerError + '_ {
    |e| match e {
        StoreError::Locked { .. } => ServerError::precondition(Precondition::NoConflictingLock(vec![spot.href()])),
        other => other.into(),
    }
}

/// An exclusive lock on an address book or a calendar: the user's lease.
async fn take_lease(ctx: &Ctx, reached: &Reached, spot: &Spot, wanted: Lock, ttl: i64) -> Result<Lock, ServerError> {
    let lease = ctx
        .store()
        .acquire(&reached.collection.id, &ctx.origin().0, ttl, now())
        .await
        .map_err(refused(spot))?;
    let placed = Placed {
        collection_name: reached.collection.name.clone(),
        collection_home: reached.collection.home,
        item: lease,
    };
    // The owner is echoed here only: a lease has nowhere to keep it.
    Ok(Lock {
        owner: wanted.owner,
        ..locks::from_lease(&spot.owner, &placed)
    })
}

/// Any other lock: a resource lock, written only if nothing conflicts at
/// the moment of writing (the check above may be stale by then).
async fn store_lock(ctx: &Ctx, reached: &Reached, spot: &Spot, wanted: &Lock) -> Result<(), ServerError> {
    let at = now();
    let stored = ResourceLock {
        token: wanted.token.clone(),
        collection: reached.collection.id.clone(),
        resource: spot.member.clone().unwrap_or_default(),
        scope: match wanted.scope {
            LockScope::Exclusive => StoredScope::Exclusive,
            LockScope::Shared => StoredScope::Shared,
        },
        deep: wanted.depth == LockDepth::Infinity,
        principal: ctx.user.clone(),
        owner: wanted.owner.as_deref().and_then(locks::owner_to_xml),
        created_at: at,
        expires_at: wanted.expires_at,
    };
    let owner = spot.owner.as_str();
    let check = |space: &SpaceLocks| match locks::all(owner, space).iter().find(|l| l.conflicts_with(wanted)) {
        Some(held) => Err(StoreError::Locked {
            holder: held.principal.clone().unwrap_or_default(),
            until: held.expires_at,
        }),
        None => Ok(()),
    };
    ctx.store()
        .create_resource_lock(&stored, at, check)
        .await
        .map_err(refused(spot))
}

/// The empty resource a LOCK on an unmapped URL makes (RFC 4918 §7.3).
async fn create_empty(ctx: &Ctx, reached: &Reached, spot: &Spot) -> Result<(), ServerError> {
    let resource = PlainResource {
        collection: reached.collection.id.clone(),
        name: ObjectName(spot.member.clone().unwrap_or_default()),
        content_type: "application/octet-stream".to_owned(),
        body: Vec::new(),
        etag: etag_of(b""),
        modified_at: now(),
    };
    ctx.store().put_plain_resource(&resource).await?;
    Ok(())
}

/// The LOCK answer: the lock's `lockdiscovery` and its token in `Lock-Token`.
fn respond(status: StatusCode, lock: &Lock) -> Result<Response, ServerError> {
    let mut response = reply::xml(status, lock_response_xml(&lock.active(now())));
    let token =
        HeaderValue::from_str(&format!("<{}>", lock.token)).map_err(|e| ServerError::Internal(e.to_string()))?;
    let headers = response.headers_mut();
    headers.insert(HeaderName::from_static("lock-token"), token);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(reply::XML));
    Ok(response)
}

/// UNLOCK (RFC 4918 §9.11): the token must name a lock whose scope
/// includes the Request-URI (409 `lock-token-matches-request-uri`) and
/// that the user holds (403).
pub async fn unlock(ctx: &Ctx, target: Target) -> Result<Response, ServerError> {
    let (_, spot) = locked_place(ctx, &target).await?;
    let given = ctx
        .header("lock-token")
        .map(|t| t.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
        .ok_or_else(|| ServerError::status_with(StatusCode::BAD_REQUEST, "UNLOCK needs a Lock-Token header"))?;
    let space = locks::load(ctx.store(), &spot.owner, now()).await?;
    let Some(lock) = locks::covering(&space, &spot).find(|l| l.token == given) else {
        return Err(ServerError::precondition_because(
            Precondition::LockTokenMatchesRequestUri,
            "the lock token does not match a lock on this resource",
        ));
    };
    if !lock.held_by(&ctx.user) {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "the lock belongs to someone else",
        ));
    }
    match &lock.backing {
        Backing::Lease { collection, holder } => ctx.store().release(collection, holder).await?,
        Backing::Resource => ctx.store().delete_resource_lock(&lock.token).await?,
    };
    Ok(reply::empty(StatusCode::NO_CONTENT))
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
