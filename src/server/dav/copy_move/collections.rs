//! COPY and MOVE of collections (RFC 4918 §9.8.3, §9.9.2), as one store
//! transaction ([`crate::store::Transfer`]): what is at the destination is
//! deleted (`Overwrite: T`), the source is copied — with Depth infinity
//! its members and nested collections too, with Depth 0 (COPY only) the
//! collection and its properties alone — and a MOVE deletes the source.
//!
//! Rules: collections are made only in the user's own space; address
//! books and calendars live directly in their home, plain collections
//! also nest in plain collections; a collection is never copied into
//! itself, nor moved over a collection that contains it. Only the owner
//! moves a collection (as only the owner deletes one); a COPY needs read
//! access to every collection it copies.

use axum::http::StatusCode;

use crate::engine::EngineError;
use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::{Accounts, Collection, CollectionKind, StoreError, Transfer, TransferStep};

use super::super::Ctx;
use super::super::conditions::{self, Affected, Touch};
use super::super::mkcol::check_location;
use super::super::resource::{self, Reached, Target};
use super::slot::{self, Found, Occupant, Slot};
use super::{Mode, Request, check_overwrite};

/// Copies or moves the collection `source` to `to`; true when the
/// destination was created.
pub async fn transfer(ctx: &Ctx, request: &Request, source: Reached, to: &Slot) -> Result<bool, ServerError> {
    let deep = depth(ctx, request.mode)?;
    if to.owner != ctx.user {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "collections are made only in your own space",
        ));
    }
    if request.mode == Mode::Move && source.collection.owner != ctx.user {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "only the owner moves a collection",
        ));
    }
    let found = slot::look(ctx, to).await?;
    check_place(to, &found, source.collection.kind)?;
    conditions::check(ctx, &request.uri, &affected(request, &source, to, &found)).await?;
    check_nesting(request, &source, to, &found, deep)?;
    let mut steps = replaced(ctx, to, &found).await?;
    let sources = sources(ctx, &source, deep).await?;
    let moved = request.mode == Mode::Move;
    let at = now();
    let destination = to.collection_name();
    for collection in &sources {
        let name = format!("{destination}{}", &collection.name[source.collection.name.len()..]);
        let copy = Collection {
            id: to.home.collection_id(&ctx.user, &name),
            owner: ctx.user.clone(),
            home: to.home,
            name,
            created_at: if moved { collection.created_at } else { at },
            ..collection.clone()
        };
        steps.push(TransferStep::CopyCollection {
            from: collection.id.clone(),
            to: copy,
            members: deep,
            moved,
        });
    }
    if moved {
        steps.extend(sources.into_iter().map(|c| TransferStep::DeleteCollection(c.id)));
    }
    ctx.state
        .engine()
        .transfer(&Transfer {
            steps,
            at,
            origin: ctx.origin(),
        })
        .await
        .map_err(raced)?;
    Ok(!found.occupant.exists())
}

/// `Depth` on a collection: COPY takes 0 or infinity, MOVE only infinity
/// (RFC 4918 §9.8.3, §9.9.2); infinity when absent. True for infinity.
fn depth(ctx: &Ctx, mode: Mode) -> Result<bool, ServerError> {
    match ctx.header("depth").map(str::trim) {
        None => Ok(true),
        Some(d) if d.eq_ignore_ascii_case("infinity") => Ok(true),
        Some("0") if mode == Mode::Copy => Ok(false),
        Some(other) => Err(ServerError::status_with(
            StatusCode::BAD_REQUEST,
            format!("Depth {other} is not allowed for {mode:?} of a collection"),
        )),
    }
}

/// Where a collection of `kind` may go: nested only as a plain collection
/// in an existing plain collection (409 without the parent, RFC 4918
/// §9.8.5), directly in a home that admits its kind.
fn check_place(to: &Slot, found: &Found, kind: CollectionKind) -> Result<(), ServerError> {
    if to.parent.is_none() {
        return check_location(to.home, kind);
    }
    let parent = found.parent.as_ref().ok_or_else(|| {
        ServerError::status_with(
            StatusCode::CONFLICT,
            "the destination's parent collection does not exist",
        )
    })?;
    if parent.collection.kind != CollectionKind::Plain || kind != CollectionKind::Plain {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "collections nest only as plain collections in plain collections",
        ));
    }
    Ok(())
}

/// The resources whose locks the request must satisfy: the destination
/// (with every lock inside a collection it replaces) and, for a MOVE, the
/// whole source tree (RFC 4918 §7.5, §9.9.4).
fn affected(request: &Request, source: &Reached, to: &Slot, found: &Found) -> Vec<Affected> {
    let destination = match (&found.occupant, to.member_target()) {
        (Occupant::Member, Some(member)) => Affected::new(&member, Touch::Write),
        (Occupant::Collection(_), _) => Affected::new(&to.collection_target(), Touch::RemoveTree),
        _ => Affected::new(&to.collection_target(), Touch::Write),
    };
    let mut affected = vec![destination];
    if request.mode == Mode::Move {
        let tree = Target::Collection {
            owner: source.collection.owner.clone(),
            home: source.home,
            name: source.collection.name.clone(),
        };
        affected.insert(0, Affected::new(&tree, Touch::RemoveTree));
    }
    affected
}

/// 403 for a copy onto itself or into itself (RFC 4918 §9.8.5), and for
/// overwriting a collection that contains the source; 412 for anything
/// at the destination under `Overwrite: F`.
fn check_nesting(request: &Request, source: &Reached, to: &Slot, found: &Found, deep: bool) -> Result<(), ServerError> {
    let forbidden = |why: &str| Err(ServerError::status_with(StatusCode::FORBIDDEN, why.to_owned()));
    let from = &source.collection;
    let same_space = from.owner == to.owner && from.home == to.home;
    let destination = to.collection_name();
    if same_space && destination == from.name {
        return forbidden("source and destination are the same");
    }
    let copies_members = deep || request.mode == Mode::Move;
    if same_space && copies_members && destination.starts_with(&format!("{}/", from.name)) {
        return forbidden("a collection cannot be copied or moved into itself");
    }
    check_overwrite(request, &found.occupant)?;
    if let Occupant::Collection(replaced) = &found.occupant
        && replaced.collection.owner == from.owner
        && replaced.collection.home == from.home
        && from.name.starts_with(&format!("{}/", replaced.collection.name))
    {
        return forbidden("the destination contains the source");
    }
    Ok(())
}

/// The steps that clear the destination: a collection with everything
/// nested in it, or a resource of the parent plain collection.
async fn replaced(ctx: &Ctx, to: &Slot, found: &Found) -> Result<Vec<TransferStep>, ServerError> {
    Ok(match (&found.occupant, &found.parent) {
        (Occupant::Collection(replaced), _) => resource::tree(ctx.store(), &replaced.collection)
            .await?
            .into_iter()
            .map(|c| TransferStep::DeleteCollection(c.id))
            .collect(),
        (Occupant::Member, Some(parent)) => vec![TransferStep::DeleteResource {
            collection: parent.collection.id.clone(),
            name: to.member(),
        }],
        _ => Vec::new(),
    })
}

/// The collections a transfer copies: the source, and with Depth
/// infinity everything nested in it, each readable by the user.
async fn sources(ctx: &Ctx, source: &Reached, deep: bool) -> Result<Vec<Collection>, ServerError> {
    if !deep {
        return Ok(vec![source.collection.clone()]);
    }
    let tree = resource::tree(ctx.store(), &source.collection).await?;
    if source.collection.owner != ctx.user {
        for nested in &tree {
            if ctx.store().access(&nested.id, &ctx.user).await?.is_none() {
                return Err(ServerError::status_with(
                    StatusCode::FORBIDDEN,
                    format!("{} is not shared with you", nested.name),
                ));
            }
        }
    }
    Ok(tree)
}

/// A transfer that met a destination created or a source removed since
/// it was planned: nothing was done.
fn raced(error: EngineError) -> ServerError {
    match error {
        EngineError::NotFound(what) | EngineError::Store(StoreError::AlreadyExists(what)) => ServerError::status_with(
            StatusCode::CONFLICT,
            format!("{what} changed during the transfer; nothing was done"),
        ),
        other => other.into(),
    }
}
