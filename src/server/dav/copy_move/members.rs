//! COPY and MOVE of one member, each one store transaction
//! ([`crate::store::Transfer`]): an object of an address book or calendar
//! through the engine (the destination replaced, the copy created, a moved
//! source deleted, dead properties along — all or nothing), or an opaque
//! resource of a plain collection (which also replaces a collection in its
//! way).
//!
//! CalDAV/CardDAV keep UIDs unique per collection, so a COPY inside one
//! collection fails with `no-uid-conflict`, as does a copy or move onto a
//! collection where another object holds the UID; nothing changes then.

use axum::http::StatusCode;

use crate::engine::EngineError;
use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::{CollectionKind, Transfer, TransferStep};
use crate::universal::ObjectName;

use super::super::Ctx;
use super::super::conditions::{self, Affected, Touch};
use super::super::kind::KindFacts;
use super::super::resource::{self, Reached};
use super::super::xml::response::{DataKind, Precondition};
use super::slot::{self, Occupant, Slot};
use super::{Mode, Request, check_overwrite};

/// A member's address.
struct Place {
    reached: Reached,
    name: ObjectName,
}

/// Copies or moves the member at `from` (in `from_parent`) to `to`; true
/// when the destination was created.
pub async fn transfer(
    ctx: &Ctx,
    request: &Request,
    from: &Slot,
    from_parent: Reached,
    to: &Slot,
) -> Result<bool, ServerError> {
    let found = slot::look(ctx, to).await?;
    let to_parent = slot::parent_of(to, &found)?.clone();
    let (destination, touch) = match &found.occupant {
        Occupant::Collection(_) => (to.collection_target(), Touch::RemoveTree),
        _ => (to.member_target().ok_or(ServerError::NotFound)?, Touch::Write),
    };
    let mut affected = vec![Affected::new(&destination, touch)];
    // Reading the source needs no lock token: a locked source copies, and
    // the copy is not locked (RFC 4918 §7.6 does not carry locks along).
    if request.mode == Mode::Move {
        from_parent.require_write()?;
        let source = from.member_target().ok_or(ServerError::NotFound)?;
        affected.insert(0, Affected::new(&source, Touch::Remove));
    }
    to_parent.require_write()?;
    conditions::check(ctx, &request.uri, &affected).await?;
    let same_place = from_parent.collection.id == to_parent.collection.id && from.name == to.name;
    if same_place && !matches!(found.occupant, Occupant::Collection(_)) {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "source and destination are the same",
        ));
    }
    if from_parent.collection.kind != to_parent.collection.kind {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "source and destination collections hold different kinds of data",
        ));
    }
    check_overwrite(request, &found.occupant)?;
    let source = Place {
        reached: from_parent,
        name: from.member(),
    };
    let target = Place {
        reached: to_parent,
        name: to.member(),
    };
    if source.reached.collection.kind == CollectionKind::Plain {
        plain(ctx, request.mode, &source, &target, &found.occupant).await?;
    } else {
        object(ctx, request.mode, &source, &target).await?;
    }
    Ok(!found.occupant.exists())
}

/// An opaque resource, with its dead properties, in one transaction; a
/// collection in the way is deleted first (litmus `copy_overwrite`).
async fn plain(ctx: &Ctx, mode: Mode, from: &Place, to: &Place, occupant: &Occupant) -> Result<(), ServerError> {
    let mut steps = Vec::new();
    if let Occupant::Collection(replaced) = occupant {
        let (source, replaced) = (&from.reached.collection, &replaced.collection);
        let inside = format!("{}/", replaced.name);
        let same_space = source.owner == replaced.owner && source.home == replaced.home;
        if same_space && (source.name == replaced.name || source.name.starts_with(&inside)) {
            return Err(ServerError::status_with(
                StatusCode::FORBIDDEN,
                "the destination contains the source",
            ));
        }
        for collection in resource::tree(ctx.store(), replaced).await? {
            steps.push(TransferStep::DeleteCollection(collection.id));
        }
    }
    steps.push(TransferStep::CopyResource {
        from: (from.reached.collection.id.clone(), from.name.clone()),
        to: (to.reached.collection.id.clone(), to.name.clone()),
        moved: mode == Mode::Move,
    });
    if mode == Mode::Move {
        steps.push(TransferStep::DeleteResource {
            collection: from.reached.collection.id.clone(),
            name: from.name.clone(),
        });
    }
    let transfer = Transfer {
        steps,
        at: now(),
        origin: ctx.origin(),
    };
    ctx.state.engine().transfer(&transfer).await?;
    Ok(())
}

/// An object of an address book or calendar, with its dead properties
/// (RFC 4918 §9.8.2, §9.9.1), through the engine in one transaction.
async fn object(ctx: &Ctx, mode: Mode, from: &Place, to: &Place) -> Result<(), ServerError> {
    let transfer = Transfer {
        steps: vec![TransferStep::CopyObject {
            from: (from.reached.collection.id.clone(), from.name.clone()),
            to: (to.reached.collection.id.clone(), to.name.clone()),
            moved: mode == Mode::Move,
        }],
        at: now(),
        origin: ctx.origin(),
    };
    match ctx.state.engine().transfer(&transfer).await {
        Ok(()) => Ok(()),
        Err(EngineError::UidConflict { existing }) => Err(ServerError::Precondition {
            condition: Precondition::NoUidConflict(
                to.reached.collection.kind.data_kind().unwrap_or(DataKind::Calendar),
                to.reached.object_href(&existing),
            ),
            status: Some(StatusCode::FORBIDDEN),
            detail: Some(format!("the UID is already used by {existing}")),
        }),
        Err(other) => Err(other.into()),
    }
}
