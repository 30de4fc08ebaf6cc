//! What a request must satisfy before it acts (RFC 4918 §10.4, §7.5), for
//! every method and every kind of resource: the `If` header must hold
//! (else 412), and every lock covering a resource the request changes must
//! have its token submitted by the lock's own principal (else 423 with
//! `DAV:lock-token-submitted` naming the locked resources). The `If`
//! header is evaluated first: a request whose header fails is a 412 even
//! on a locked resource (litmus `fail_cond_put`).
//!
//! `If-Match` / `If-None-Match` (RFC 9110) are separate and stay with the
//! methods (`put.rs`, `plain.rs`).

use std::collections::HashMap;

use axum::http::StatusCode;

use crate::server::accounts::now;
use crate::server::error::ServerError;

use super::Ctx;
use super::if_header::{IfHeader, ResourceState};
use super::locks::{self, Lock, Spot};
use super::resource::{self, Reached, Target};
use super::xml::Href;
use super::xml::response::Precondition;

/// How a request changes one resource, which decides the locks it needs
/// (RFC 4918 §7.4: a collection's lock also guards its membership).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touch {
    /// Its content or properties (PROPPATCH).
    Content,
    /// Writes it, creating it when missing (PUT, COPY/MOVE destination,
    /// MKCOL): creation also needs the parent collection's locks.
    Write,
    /// Removes it (DELETE, MOVE source): its locks and its parent's.
    Remove,
    /// Removes a collection with everything inside: also every lock
    /// rooted inside it.
    RemoveTree,
}

/// A resource a request changes, and how.
#[derive(Debug, Clone)]
pub struct Affected {
    pub target: Target,
    pub touch: Touch,
}

impl Affected {
    pub fn new(target: &Target, touch: Touch) -> Affected {
        Affected {
            target: target.clone(),
            touch,
        }
    }
}

/// The locks of each space a request looks at, loaded once.
#[derive(Default)]
pub struct Spaces {
    by_owner: HashMap<String, Vec<Lock>>,
}

impl Spaces {
    /// The live locks of the space `spot` is in.
    pub async fn of(&mut self, ctx: &Ctx, spot: &Spot) -> Result<&[Lock], ServerError> {
        if !self.by_owner.contains_key(&spot.owner) {
            let loaded = locks::load(ctx.store(), &spot.owner, now()).await?;
            self.by_owner.insert(spot.owner.clone(), loaded);
        }
        Ok(self.by_owner.get(&spot.owner).map_or(&[], Vec::as_slice))
    }
}

/// The request's `If` header, parsed (400 when malformed).
pub fn if_header(ctx: &Ctx) -> Result<Option<IfHeader>, ServerError> {
    let Some(value) = ctx.headers.get("if") else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ServerError::status_with(StatusCode::BAD_REQUEST, "the If header is not ASCII"))?;
    IfHeader::parse(text)
        .map(Some)
        .map_err(|e| ServerError::status_with(StatusCode::BAD_REQUEST, e.to_string()))
}

/// Checks the `If` header and the lock tokens before a request changes
/// `affected`; `request` is the Request-URI (what untagged lists are about).
pub async fn check(ctx: &Ctx, request: &Target, affected: &[Affected]) -> Result<(), ServerError> {
    check_in(ctx, request, affected, Spaces::default()).await
}

/// [`check`] for a request on a collection it reached: a space seen
/// without locks there is not read again.
pub async fn check_reached(
    ctx: &Ctx,
    request: &Target,
    affected: &[Affected],
    reached: &Reached,
) -> Result<(), ServerError> {
    let mut spaces = Spaces::default();
    if reached.space_unlocked {
        spaces.by_owner.insert(reached.collection.owner.clone(), Vec::new());
    }
    check_in(ctx, request, affected, spaces).await
}

async fn check_in(ctx: &Ctx, request: &Target, affected: &[Affected], mut spaces: Spaces) -> Result<(), ServerError> {
    let header = if_header(ctx)?;
    if let Some(header) = &header {
        evaluate(ctx, request, header, &mut spaces).await?;
    }
    let submitted: Vec<&str> = header.as_ref().map(|h| h.tokens().collect()).unwrap_or_default();
    let mut missing: Vec<Href> = Vec::new();
    for item in affected {
        let Some(spot) = Spot::of(&item.target) else { continue };
        for needed in needed_spots(ctx, &spot, item, &mut spaces).await? {
            let space = spaces.of(ctx, &needed).await?;
            let covering: Vec<&Lock> = locks::covering(space, &needed).collect();
            let satisfied = covering.is_empty()
                || covering
                    .iter()
                    .any(|l| l.held_by(&ctx.user) && submitted.contains(&l.token.as_str()));
            if !satisfied {
                for lock in covering {
                    let href = lock.root.href();
                    if !missing.contains(&href) {
                        missing.push(href);
                    }
                }
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ServerError::precondition(Precondition::LockTokenSubmitted(missing)))
    }
}

/// The resources whose locks a change of `spot` must satisfy.
async fn needed_spots(ctx: &Ctx, spot: &Spot, item: &Affected, spaces: &mut Spaces) -> Result<Vec<Spot>, ServerError> {
    let mut needed = vec![spot.clone()];
    if let Some(parent) = spot.parent() {
        let parent_locked = locks::covering(spaces.of(ctx, &parent).await?, &parent)
            .next()
            .is_some();
        // Only a creation changes the parent's membership; look it up only
        // when that matters.
        let membership = parent_locked
            && match item.touch {
                Touch::Content => false,
                Touch::Write => !exists(ctx, &item.target).await?,
                Touch::Remove | Touch::RemoveTree => true,
            };
        if membership {
            needed.push(parent);
        }
    }
    if item.touch == Touch::RemoveTree {
        let space = spaces.of(ctx, spot).await?;
        needed.extend(space.iter().filter(|l| l.root.within(spot)).map(|l| l.root.clone()));
    }
    Ok(needed)
}

/// 412 unless the `If` header holds (RFC 4918 §10.4.3).
pub async fn evaluate(ctx: &Ctx, request: &Target, header: &IfHeader, spaces: &mut Spaces) -> Result<(), ServerError> {
    let request_state = state_of(ctx, request, spaces).await?;
    let mut tagged: Vec<(&str, ResourceState)> = Vec::new();
    for tag in header.tags() {
        let target = Href::from_wire(tag)
            .ok()
            .and_then(|href| Target::parse(&href.encoded()));
        let state = match target {
            Some(target) => state_of(ctx, &target, spaces).await?,
            None => ResourceState::default(),
        };
        tagged.push((tag, state));
    }
    let unmapped = ResourceState::default();
    let holds = header.holds(|tag| match tag {
        None => &request_state,
        Some(tag) => tagged.iter().find(|(t, _)| *t == tag).map_or(&unmapped, |(_, s)| s),
    });
    if holds {
        Ok(())
    } else {
        Err(ServerError::status_with(
            StatusCode::PRECONDITION_FAILED,
            "the If header does not match the resource's state",
        ))
    }
}

/// A resource's entity tag and the tokens of the locks covering it. No
/// state where the user cannot see; an unmapped member has no entity tag
/// but is in the scope of its collection's depth-infinity locks (RFC 4918
/// §7.4), so a PUT creating it may name their token untagged.
async fn state_of(ctx: &Ctx, target: &Target, spaces: &mut Spaces) -> Result<ResourceState, ServerError> {
    let Some(spot) = Spot::of(target) else {
        return Ok(ResourceState::default());
    };
    let etag = match etag_of(ctx, target).await {
        Ok(etag) => etag,
        Err(ServerError::NotFound) if visible_parent(ctx, target).await? => None,
        Err(ServerError::NotFound) => return Ok(ResourceState::default()),
        Err(other) => return Err(other),
    };
    let space = spaces.of(ctx, &spot).await?;
    Ok(ResourceState {
        etag,
        lock_tokens: locks::covering(space, &spot).map(|l| l.token.clone()).collect(),
    })
}

/// The entity tag of a member (collections have none); 404 when the
/// resource does not exist or is not the user's to see.
async fn etag_of(ctx: &Ctx, target: &Target) -> Result<Option<String>, ServerError> {
    match target {
        Target::Collection { owner, home, name } => {
            resource::reach_existing(ctx.store(), &ctx.user, owner, *home, name).await?;
            Ok(None)
        }
        Target::Object {
            owner,
            home,
            collection,
            name,
        } => {
            let reached = resource::reach_existing(ctx.store(), &ctx.user, owner, *home, collection).await?;
            let summary = super::propfind::object_summary(ctx, &reached, name).await?;
            Ok(Some(summary.etag.as_str().to_owned()))
        }
        _ => Ok(None),
    }
}

/// Whether a missing member's collection exists for the user.
async fn visible_parent(ctx: &Ctx, target: &Target) -> Result<bool, ServerError> {
    let Target::Object {
        owner,
        home,
        collection,
        ..
    } = target
    else {
        return Ok(false);
    };
    match resource::reach_existing(ctx.store(), &ctx.user, owner, *home, collection).await {
        Ok(_) => Ok(true),
        Err(ServerError::NotFound) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Whether the resource exists (for [`Touch::Write`]).
pub async fn exists(ctx: &Ctx, target: &Target) -> Result<bool, ServerError> {
    match etag_of(ctx, target).await {
        Ok(_) => Ok(true),
        Err(ServerError::NotFound) => Ok(false),
        Err(other) => Err(other),
    }
}
