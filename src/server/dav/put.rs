//! PUT of objects (RFC 4918 §9.7; RFC 6352 §6.3.2; RFC 4791 §5.3.2): the
//! body is read with the adapter for the collection's kind, checked against
//! the collection's preconditions, and written through the engine, which
//! logs the field-level change.
//!
//! # What counts as a rewrite
//! The stored bytes are the client's bytes, except when the server has to
//! change the data: today only Thunderbird's `DURATION` beside `DTEND` in a
//! VEVENT (RFC 5545 §3.6.1 allows one or the other; CLIENT-QUIRKS.md), which
//! is dropped. Then the record is rendered and stored, and the response
//! carries **no** ETag (clients assume stored == sent, RFC 4918 §9.7 note;
//! sabre/dav `Server.php`), so the client fetches the stored version.

use axum::http::header::ETAG;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;

use crate::adapters::{ical, vcard};
use crate::engine::{EngineError, Precondition as EnginePrecondition, PutObject};
use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::server::render::{ICALENDAR, VCARD3, VCARD4};
use crate::store::{Collection, CollectionKind, ObjectStore};
use crate::universal::{ComponentName, ETag, ObjectName, PropName, Record, SourceFormat};

use super::Ctx;
use super::conditions::{self, Affected, Touch};
use super::kind::{KindFacts, calendar_components, essence};
use super::props::quoted_etag;
use super::reply;
use super::resource::{self, Reached, Target};
use super::xml::Href;
use super::xml::response::{DataKind, Precondition};

/// A body read for storing: its record, the bytes to store, their media
/// type, and whether the server changed them.
struct Parsed {
    record: Record,
    bytes: Vec<u8>,
    content_type: &'static str,
    rewritten: bool,
}

pub async fn handle(ctx: &Ctx, target: Target, body: Bytes) -> Result<Response, ServerError> {
    let request = target.clone();
    let Target::Object {
        owner,
        home,
        collection,
        name,
    } = target
    else {
        return Err(ServerError::status_with(
            StatusCode::METHOD_NOT_ALLOWED,
            "PUT needs a resource path",
        ));
    };
    let reached = resource::reach(ctx.store(), &ctx.user, &owner, home, &collection)
        .await?
        .ok_or_else(|| ServerError::status_with(StatusCode::CONFLICT, "the parent collection does not exist"))?;
    reached.require_write()?;
    conditions::check_reached(ctx, &request, &[Affected::new(&request, Touch::Write)], &reached).await?;
    let kind = reached.collection.kind;
    let Some(data_kind) = kind.data_kind() else {
        return super::plain::put(ctx, &reached, name, body.to_vec()).await;
    };
    check_size(ctx, data_kind, body.len())?;
    check_media_type(ctx, kind, data_kind)?;
    let parsed = match data_kind {
        DataKind::Address => parse_vcard(&body)?,
        DataKind::Calendar => parse_icalendar(&body, &reached.collection)?,
    };
    let precondition = precondition(ctx, &reached, &name).await?;
    check_count(ctx, &reached, &name).await?;
    let put = PutObject {
        collection: reached.collection.id.clone(),
        name: name.clone(),
        record: parsed.record,
        original: parsed.bytes,
        content_type: parsed.content_type.to_owned(),
        precondition,
        origin: ctx.origin(),
        at: now(),
    };
    let written = ctx
        .state
        .engine()
        .put_object(put)
        .await
        .map_err(|e| engine_error(e, &reached, data_kind))?;
    let status = if written.created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    };
    let mut response = reply::empty(status);
    if !parsed.rewritten {
        let etag = HeaderValue::from_str(&quoted_etag(written.etag.as_str()))
            .map_err(|e| ServerError::Internal(e.to_string()))?;
        response.headers_mut().insert(ETAG, etag);
    }
    Ok(response)
}

/// RFC 6352 §6.3.2.1 / RFC 4791 §5.3.2.1 `max-resource-size`.
fn check_size(ctx: &Ctx, kind: DataKind, len: usize) -> Result<(), ServerError> {
    let max = ctx.limits().resource_bytes;
    if len as u64 > max {
        return Err(ServerError::precondition_because(
            Precondition::MaxResourceSize(kind),
            format!("{len} bytes is over the limit of {max}"),
        ));
    }
    Ok(())
}

/// `supported-address-data` / `supported-calendar-data`: a body declared
/// as another media type is refused (RFC 6352 §6.3.2.1, RFC 4791 §5.3.2.1).
fn check_media_type(ctx: &Ctx, kind: CollectionKind, data_kind: DataKind) -> Result<(), ServerError> {
    let Some(declared) = ctx.header("content-type").map(essence) else {
        return Ok(());
    };
    // Some clients send no useful type; only a clearly different one is refused.
    if kind.accepts(&declared) || declared.is_empty() || declared == "application/octet-stream" {
        return Ok(());
    }
    let condition = match data_kind {
        DataKind::Address => Precondition::SupportedAddressData,
        DataKind::Calendar => Precondition::SupportedCalendarData,
    };
    Err(ServerError::precondition_because(
        condition,
        format!("{declared} cannot be stored here"),
    ))
}

/// One vCard, 3.0 or 4.0 (2.1 is stored as sent, served as 3.0 on request).
fn parse_vcard(body: &[u8]) -> Result<Parsed, ServerError> {
    let invalid = |detail: String| ServerError::precondition_because(Precondition::ValidAddressData, detail);
    let mut records = vcard::parse(body).map_err(|e| invalid(e.to_string()))?;
    if records.len() != 1 {
        return Err(invalid(format!(
            "{} vCards in one resource; exactly one is allowed",
            records.len()
        )));
    }
    let record = records.remove(0);
    let content_type = if record.source == Some(SourceFormat::VCard40) {
        VCARD4
    } else {
        VCARD3
    };
    Ok(Parsed {
        record,
        bytes: body.to_vec(),
        content_type,
        rewritten: false,
    })
}

/// One calendar object resource: one UID, components the calendar accepts.
fn parse_icalendar(body: &[u8], collection: &Collection) -> Result<Parsed, ServerError> {
    let records = ical::parse(body)
        .map_err(|e| ServerError::precondition_because(Precondition::ValidCalendarData, e.to_string()))?;
    let mut with_uid: Vec<Record> = records.into_iter().filter(|r| r.uid().is_some()).collect();
    if with_uid.len() != 1 {
        return Err(ServerError::precondition_because(
            Precondition::ValidCalendarObjectResource,
            format!("{} UIDs in one resource; exactly one is required", with_uid.len()),
        ));
    }
    let mut record = with_uid.remove(0);
    let allowed = calendar_components(collection.components.as_deref());
    for child in &record.root.children {
        let name = child.name();
        if *name != ComponentName::VTimezone && !allowed.contains(name) {
            return Err(ServerError::precondition_because(
                Precondition::SupportedCalendarComponent,
                format!("{name} is not accepted by this calendar"),
            ));
        }
    }
    let rewritten = drop_duration_beside_dtend(&mut record);
    let bytes = if rewritten {
        ical::render(&record).map_err(|e| ServerError::Internal(e.to_string()))?
    } else {
        body.to_vec()
    };
    Ok(Parsed {
        record,
        bytes,
        content_type: ICALENDAR,
        rewritten,
    })
}

/// Thunderbird sends `DURATION:PT0S` beside `DTEND` for a rescheduled
/// occurrence (Radicale `item/__init__.py`); RFC 5545 §3.6.1 forbids both.
/// DTEND wins. Returns whether anything was dropped.
fn drop_duration_beside_dtend(record: &mut Record) -> bool {
    let mut dropped = false;
    for child in &mut record.root.children {
        if *child.name() == ComponentName::VEvent
            && child.prop(&PropName::DtEnd).is_some()
            && child.prop(&PropName::Duration).is_some()
        {
            child.props.retain(|p| *p.name() != PropName::Duration);
            dropped = true;
        }
    }
    dropped
}

/// `If-Match` / `If-None-Match` (RFC 9110 §13.1.1–2). ETags are compared
/// without quotes and backslashes: Evolution sends `\"…\"`.
async fn precondition(ctx: &Ctx, reached: &Reached, name: &ObjectName) -> Result<EnginePrecondition, ServerError> {
    if ctx.header("if-none-match").is_some_and(|v| v.trim() == "*") {
        return Ok(EnginePrecondition::IfNoneMatchAny);
    }
    let Some(value) = ctx.header("if-match") else {
        return Ok(EnginePrecondition::None);
    };
    if value.trim() == "*" {
        let exists = ctx
            .store()
            .object(&reached.collection.id, name)
            .await?
            .is_some_and(|o| !o.deleted);
        return if exists {
            Ok(EnginePrecondition::None)
        } else {
            Err(ServerError::status_with(
                StatusCode::PRECONDITION_FAILED,
                "no current resource",
            ))
        };
    }
    Ok(EnginePrecondition::IfMatch(parse_etag(value)))
}

/// The first entity tag of a header value, unquoted.
pub fn parse_etag(value: &str) -> ETag {
    let first = value.split(',').next().unwrap_or("").trim();
    let first = first.strip_prefix("W/").unwrap_or(first);
    ETag(first.chars().filter(|c| *c != '"' && *c != '\\').collect())
}

/// 507 when a new object would pass the per-collection limit.
async fn check_count(ctx: &Ctx, reached: &Reached, name: &ObjectName) -> Result<(), ServerError> {
    let limit = ctx.limits().objects_per_collection;
    let counts = ctx.state.object_counts();
    if counts.has_room(ctx.store(), &reached.collection.id, limit).await? {
        return Ok(());
    }
    let exists = ctx
        .store()
        .object(&reached.collection.id, name)
        .await?
        .is_some_and(|o| !o.deleted);
    if exists {
        return Ok(());
    }
    Err(ServerError::status_with(
        StatusCode::INSUFFICIENT_STORAGE,
        format!("the collection holds its limit of {limit} objects"),
    ))
}

/// Engine refusals with their DAV conditions: the conflicting href for a
/// UID conflict, the data condition for a missing UID.
fn engine_error(error: EngineError, reached: &Reached, kind: DataKind) -> ServerError {
    match error {
        EngineError::UidConflict { existing } => ServerError::Precondition {
            condition: Precondition::NoUidConflict(kind, Href::from_path(reached.object_href(&existing).path())),
            status: Some(StatusCode::FORBIDDEN),
            detail: Some(format!("the UID is already used by {existing}")),
        },
        EngineError::MissingUid => {
            let condition = match kind {
                DataKind::Address => Precondition::ValidAddressData,
                DataKind::Calendar => Precondition::ValidCalendarObjectResource,
            };
            ServerError::precondition_because(condition, "the object has no UID")
        }
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evolution_escaped_etags_are_unquoted() {
        assert_eq!(parse_etag("\"abc\"").0, "abc");
        assert_eq!(parse_etag("\\\"abc\\\"").0, "abc");
        assert_eq!(parse_etag("W/\"abc\", \"def\"").0, "abc");
    }
}
