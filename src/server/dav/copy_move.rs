//! COPY and MOVE of objects and opaque resources (RFC 4918 §9.8, §9.9),
//! written once for every kind: the bytes a client stored go to the
//! destination through the engine (objects) or as they are (plain
//! resources). Destination and source must be collections of the same
//! kind. Copying a whole collection is not supported (403).
//!
//! Dead properties go along; locks do not: a lock on the source neither
//! blocks a COPY nor follows a MOVE (RFC 4918 §7.6).
//!
//! CalDAV/CardDAV keep UIDs unique per collection, so a COPY inside one
//! collection fails with `no-uid-conflict`; a MOVE inside one collection
//! deletes the source first and restores it if the write fails.

use axum::http::StatusCode;
use axum::response::Response;

use crate::engine::{Precondition as EnginePrecondition, PutObject};
use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::{
    CollectionKind, DeadProperties, DeadProperty, ObjectStore, PlainResource, PlainResources, StoredObject,
};
use crate::universal::ObjectName;

use super::Ctx;
use super::conditions::{self, Affected, Touch};
use super::reply;
use super::resource::{self, Reached, Target};
use super::xml::Href;

/// COPY or MOVE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Copy,
    Move,
}

/// A resolved object address.
struct Place {
    reached: Reached,
    name: ObjectName,
}

async fn place(ctx: &Ctx, target: Target, missing: StatusCode) -> Result<Place, ServerError> {
    let Target::Object {
        owner,
        home,
        collection,
        name,
    } = target
    else {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "only objects are copied or moved",
        ));
    };
    let reached = resource::reach(ctx.store(), &ctx.user, &owner, home, &collection)
        .await?
        .ok_or_else(|| ServerError::status_with(missing, "no such collection"))?;
    Ok(Place { reached, name })
}

/// The `Destination` header as a target (RFC 4918 §10.3: an absolute URI or path).
fn destination(ctx: &Ctx) -> Result<Target, ServerError> {
    let bad = || ServerError::status_with(StatusCode::BAD_REQUEST, "missing or unusable Destination header");
    let value = ctx.header("destination").ok_or_else(bad)?;
    let href = Href::from_wire(value).map_err(|_| bad())?;
    let encoded = href.encoded();
    Target::parse(&encoded)
        .ok_or_else(|| ServerError::status_with(StatusCode::BAD_GATEWAY, "destination outside this server's DAV space"))
}

pub async fn handle(ctx: &Ctx, target: Target, mode: Mode) -> Result<Response, ServerError> {
    let destination = destination(ctx)?;
    let overwrite = !ctx
        .header("overwrite")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("F"));
    let request = target.clone();
    let mut affected = vec![Affected::new(&destination, Touch::Write)];
    let from = place(ctx, target, StatusCode::NOT_FOUND).await?;
    let to = place(ctx, destination, StatusCode::CONFLICT).await?;
    // Reading the source needs no lock token: a locked source copies, and
    // the copy is not locked (RFC 4918 §7.6 does not carry locks along).
    if mode == Mode::Move {
        from.reached.require_write()?;
        affected.insert(0, Affected::new(&request, Touch::Remove));
    }
    to.reached.require_write()?;
    conditions::check(ctx, &request, &affected).await?;
    if from.reached.collection.id == to.reached.collection.id && from.name == to.name {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "source and destination are the same",
        ));
    }
    if from.reached.collection.kind != to.reached.collection.kind {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "source and destination collections hold different kinds of data",
        ));
    }
    let created = if from.reached.collection.kind == CollectionKind::Plain {
        plain(ctx, &from, &to, mode, overwrite).await?
    } else {
        objects(ctx, &from, &to, mode, overwrite).await?
    };
    copy_dead_properties(ctx, &from, &to).await?;
    if mode == Mode::Move {
        super::delete::forget(ctx, &from.reached, &from.name).await?;
    }
    Ok(reply::empty(if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    }))
}

/// Dead properties go with the resource (RFC 4918 §9.8.2, §9.9.1); those
/// of an overwritten destination are replaced.
async fn copy_dead_properties(ctx: &Ctx, from: &Place, to: &Place) -> Result<(), ServerError> {
    let store = ctx.store();
    let destination = to.name.as_str();
    let copies: Vec<DeadProperty> = store
        .dead_properties(&from.reached.collection.id, from.name.as_str())
        .await?
        .into_iter()
        .map(|p| DeadProperty {
            resource: destination.to_owned(),
            ..p
        })
        .collect();
    store
        .clear_dead_properties(&to.reached.collection.id, destination)
        .await?;
    store
        .update_dead_properties(&to.reached.collection.id, destination, &copies, &[])
        .await?;
    Ok(())
}

async fn plain(ctx: &Ctx, from: &Place, to: &Place, mode: Mode, overwrite: bool) -> Result<bool, ServerError> {
    let store = ctx.store();
    let source = store
        .plain_resource(&from.reached.collection.id, &from.name)
        .await?
        .ok_or(ServerError::NotFound)?;
    let exists = store
        .plain_resource(&to.reached.collection.id, &to.name)
        .await?
        .is_some();
    if exists && !overwrite {
        return Err(ServerError::status_with(
            StatusCode::PRECONDITION_FAILED,
            "the destination exists",
        ));
    }
    let copy = PlainResource {
        collection: to.reached.collection.id.clone(),
        name: to.name.clone(),
        modified_at: now(),
        ..source
    };
    store.put_plain_resource(&copy).await?;
    if mode == Mode::Move {
        store
            .delete_plain_resource(&from.reached.collection.id, &from.name)
            .await?;
    }
    Ok(!exists)
}

async fn objects(ctx: &Ctx, from: &Place, to: &Place, mode: Mode, overwrite: bool) -> Result<bool, ServerError> {
    let store = ctx.store();
    let engine = ctx.state.engine();
    let live = |o: Option<StoredObject>| o.filter(|o| !o.deleted);
    let source = live(store.object(&from.reached.collection.id, &from.name).await?).ok_or(ServerError::NotFound)?;
    let existing = live(store.object(&to.reached.collection.id, &to.name).await?);
    if existing.is_some() && !overwrite {
        return Err(ServerError::status_with(
            StatusCode::PRECONDITION_FAILED,
            "the destination exists",
        ));
    }
    let origin = ctx.origin();
    if existing.is_some() {
        // The destination may hold another UID, which a PUT cannot change: replace it.
        engine
            .delete_object(
                &to.reached.collection.id,
                &to.name,
                &EnginePrecondition::None,
                &origin,
                now(),
            )
            .await?;
    }
    let same_collection = from.reached.collection.id == to.reached.collection.id;
    let delete_source = || {
        engine.delete_object(
            &from.reached.collection.id,
            &from.name,
            &EnginePrecondition::None,
            &origin,
            now(),
        )
    };
    if mode == Mode::Move && same_collection {
        delete_source().await?;
    }
    let put = |collection: &Reached, name: &ObjectName| PutObject {
        collection: collection.collection.id.clone(),
        name: name.clone(),
        record: source.record.clone(),
        original: source.original.clone(),
        content_type: source.content_type.clone(),
        precondition: EnginePrecondition::None,
        origin: origin.clone(),
        at: now(),
    };
    if let Err(error) = engine.put_object(put(&to.reached, &to.name)).await {
        if mode == Mode::Move && same_collection {
            // Put the source back where it was.
            let _ = engine.put_object(put(&from.reached, &from.name)).await;
        }
        let kind = to.reached.collection.kind;
        return Err(match error {
            crate::engine::EngineError::UidConflict { existing } => ServerError::Precondition {
                condition: super::xml::response::Precondition::NoUidConflict(
                    super::kind::KindFacts::data_kind(kind).unwrap_or(super::xml::response::DataKind::Calendar),
                    to.reached.object_href(&existing),
                ),
                status: Some(StatusCode::FORBIDDEN),
                detail: Some(format!("the UID is already used by {existing}")),
            },
            other => other.into(),
        });
    }
    if mode == Mode::Move && !same_collection {
        delete_source().await?;
    }
    Ok(existing.is_none())
}
