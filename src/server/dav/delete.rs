//! DELETE (RFC 4918 §9.6) of objects, through the engine (a tombstone and a
//! change-log row, so sync-collection reports the removal), and of whole
//! collections (owner only).

use axum::http::StatusCode;
use axum::response::Response;

use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::{CollectionKind, DeadProperties, ResourceLocks, Transfer, TransferStep};
use crate::universal::ObjectName;

use super::Ctx;
use super::conditions::{self, Affected, Touch};
use super::reply;
use super::resource::{self, Reached, Target};

pub async fn handle(ctx: &Ctx, target: Target) -> Result<Response, ServerError> {
    let request = target.clone();
    match target {
        Target::Object {
            owner,
            home,
            collection,
            name,
        } => {
            let reached = resource::reach_existing(ctx.store(), &ctx.user, &owner, home, &collection).await?;
            reached.require_write()?;
            conditions::check_reached(ctx, &request, &[Affected::new(&request, Touch::Remove)], &reached).await?;
            if reached.collection.kind == CollectionKind::Plain {
                return super::plain::delete(ctx, &reached, &name).await;
            }
            let precondition = match ctx.header("if-match") {
                Some(value) if value.trim() != "*" => {
                    crate::engine::Precondition::IfMatch(super::put::parse_etag(value))
                }
                _ => crate::engine::Precondition::None,
            };
            ctx.state
                .engine()
                .delete_object(&reached.collection.id, &name, &precondition, &ctx.origin(), now())
                .await?;
            forget(ctx, &reached, &name).await?;
            Ok(reply::empty(StatusCode::NO_CONTENT))
        }
        Target::Collection { owner, home, name } => {
            let reached = resource::reach_existing(ctx.store(), &ctx.user, &owner, home, &name).await?;
            if reached.collection.owner != ctx.user {
                return Err(ServerError::status_with(
                    StatusCode::FORBIDDEN,
                    "only the owner deletes a collection",
                ));
            }
            conditions::check(ctx, &request, &[Affected::new(&request, Touch::RemoveTree)]).await?;
            // Nested plain collections (of this home only) go with their
            // parent, in one transaction.
            let steps = resource::tree(ctx.store(), &reached.collection)
                .await?
                .into_iter()
                .map(|c| TransferStep::DeleteCollection(c.id))
                .collect();
            let transfer = Transfer {
                steps,
                at: now(),
                origin: ctx.origin(),
            };
            ctx.state.engine().transfer(&transfer).await?;
            Ok(reply::empty(StatusCode::NO_CONTENT))
        }
        _ => Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "this resource cannot be deleted",
        )),
    }
}

/// What goes with a deleted member: its dead properties and the locks
/// rooted at it (RFC 4918 §9.6: a deleted resource keeps no lock).
pub async fn forget(ctx: &Ctx, reached: &Reached, name: &ObjectName) -> Result<(), ServerError> {
    ctx.store()
        .clear_dead_properties(&reached.collection.id, name.as_str())
        .await?;
    ctx.store()
        .delete_resource_locks_at(&reached.collection.id, name.as_str())
        .await?;
    Ok(())
}
