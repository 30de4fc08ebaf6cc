//! COPY and MOVE (RFC 4918 §9.8, §9.9), written once for every kind.
//!
//! - Members ([`members`]): objects of address books and calendars go to
//!   the destination through the engine; opaque resources of plain
//!   collections are copied as they are. Source and destination must be
//!   collections of the same kind.
//! - Collections ([`collections`]): a whole tree (Depth infinity, the
//!   default) or the collection alone with its properties (COPY with
//!   Depth 0). A MOVE is a copy and the deletion of the source in one
//!   store transaction (why: docs/compliance/rfc4918.md).
//!
//! For both, `Overwrite: T` (the default) deletes whatever is at the
//! destination first (204), `Overwrite: F` refuses with 412 when something
//! is there, and a new destination is 201. Dead properties go along; locks
//! do not: a lock on the source neither blocks a COPY nor follows a MOVE,
//! while the locks at the destination need their tokens (RFC 4918 §7.6).

mod collections;
mod members;
mod slot;

use axum::http::StatusCode;
use axum::response::Response;

use crate::server::error::ServerError;

use super::Ctx;
use super::reply;
use super::resource::Target;
use super::xml::Href;
use slot::{Occupant, Slot};

/// COPY or MOVE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Copy,
    Move,
}

/// What a COPY or MOVE asked for, besides its two ends.
#[derive(Debug, Clone)]
struct Request {
    mode: Mode,
    /// The Request-URI, what untagged `If` lists are about.
    uri: Target,
    /// `Overwrite: T` (RFC 4918 §10.6).
    overwrite: bool,
}

pub async fn handle(ctx: &Ctx, target: Target, mode: Mode) -> Result<Response, ServerError> {
    let destination = destination(ctx)?;
    let request = Request {
        mode,
        uri: target.clone(),
        overwrite: overwrite(ctx)?,
    };
    let unplaced = || {
        ServerError::status_with(
            StatusCode::FORBIDDEN,
            "only collections and their members are copied or moved",
        )
    };
    let from = Slot::of(target).ok_or_else(unplaced)?;
    let to = Slot::of(destination).ok_or_else(unplaced)?;
    let found = slot::look(ctx, &from).await?;
    let created = match found.occupant {
        Occupant::Nothing => return Err(ServerError::NotFound),
        Occupant::Member => {
            let parent = found.parent.ok_or(ServerError::NotFound)?;
            members::transfer(ctx, &request, &from, parent, &to).await?
        }
        Occupant::Collection(source) => collections::transfer(ctx, &request, source, &to).await?,
    };
    Ok(reply::empty(if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    }))
}

/// The `Destination` header as a target (RFC 4918 §10.3: an absolute URI
/// or path). An absolute URI naming another scheme, host or port than the
/// request addressed (or, behind a trusted proxy, than the proxy
/// forwarded) is on another server: 502 (RFC 4918 §9.8.5, §9.9.4), as is a
/// path outside the DAV space.
fn destination(ctx: &Ctx) -> Result<Target, ServerError> {
    let bad = || ServerError::status_with(StatusCode::BAD_REQUEST, "missing or unusable Destination header");
    let elsewhere = |why: &str| ServerError::status_with(StatusCode::BAD_GATEWAY, why.to_owned());
    let value = ctx.header("destination").ok_or_else(bad)?.trim();
    if !value.starts_with('/') {
        let (scheme, rest) = value.split_once("://").ok_or_else(bad)?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if !ctx.origins.iter().any(|o| o.is_named_by(scheme, authority)) {
            return Err(elsewhere("the destination is on another server"));
        }
    }
    let href = Href::from_wire(value).map_err(|_| bad())?;
    Target::parse(&href.encoded()).ok_or_else(|| elsewhere("destination outside this server's DAV space"))
}

/// `Overwrite` (RFC 4918 §10.6): `T` when absent; anything but T or F is 400.
fn overwrite(ctx: &Ctx) -> Result<bool, ServerError> {
    match ctx.header("overwrite").map(str::trim) {
        None => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("T") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("F") => Ok(false),
        Some(other) => Err(ServerError::status_with(
            StatusCode::BAD_REQUEST,
            format!("Overwrite {other:?} is neither T nor F"),
        )),
    }
}

/// 412 when something is at the destination and `Overwrite: F` was asked
/// (RFC 4918 §9.8.4, §9.9.3).
fn check_overwrite(request: &Request, occupant: &Occupant) -> Result<(), ServerError> {
    if occupant.exists() && !request.overwrite {
        return Err(ServerError::status_with(
            StatusCode::PRECONDITION_FAILED,
            "the destination exists and Overwrite is F",
        ));
    }
    Ok(())
}
