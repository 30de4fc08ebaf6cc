//! MKCOL (RFC 4918 §9.3), extended MKCOL (RFC 5689) and MKCALENDAR (RFC
//! 4791 §5.3.1) in a user's home. The kind comes from the method and the
//! requested `resourcetype`: MKCALENDAR (macOS sends a resourcetype with
//! it) makes a calendar, `<card:addressbook/>` an address book,
//! `<cal:calendar/>` a calendar, a bare MKCOL a plain WebDAV collection.
//! Properties in the body follow PROPPATCH's rules ([`super::proppatch`]).

use axum::http::StatusCode;
use axum::response::Response;

use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::{Accounts, Collection, CollectionKind, DeadProperties, PlainResources, StoreError};

use super::Ctx;
use super::conditions::{self, Affected, Touch};
use super::kind::{Home, essence};
use super::proppatch;
use super::reply;
use super::resource::{self, Target};
use super::xml::request::{MkCol, PropPatchOp, parse_mkcol};
use super::xml::response::Precondition;
use super::xml::value::ResourceKind;

/// Which method asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    MkCol,
    MkCalendar,
}

pub async fn handle(ctx: &Ctx, target: Target, body: &[u8], method: Method) -> Result<Response, ServerError> {
    let Target::Collection { owner, home, name } = target.into_collection() else {
        return Err(ServerError::status_with(
            StatusCode::CONFLICT,
            "collections are created directly in a home",
        ));
    };
    resource::own_space(&ctx.user, &owner)?;
    if resource::reach(ctx.store(), &ctx.user, &owner, home, &name)
        .await?
        .is_some()
        || ctx
            .store()
            .collection(&home.collection_id(&owner, &name))
            .await?
            .is_some()
    {
        return Err(ServerError::status_with(
            StatusCode::METHOD_NOT_ALLOWED,
            "the collection exists",
        ));
    }
    let request = read_body(ctx, body, method)?;
    let kind = kind_of(method, request.as_ref())?;
    check_location(home, kind)?;
    check_parent(ctx, &owner, home, &name, kind).await?;
    let created = Target::Collection {
        owner: owner.clone(),
        home,
        name: name.clone(),
    };
    conditions::check(ctx, &created, &[Affected::new(&created, Touch::Write)]).await?;
    let mut collection = Collection::in_home(&owner, home, &name, kind, now());
    let ops: Vec<PropPatchOp> = request
        .map(|r| r.props.into_iter().map(|(p, v)| PropPatchOp::Set(p, v)).collect())
        .unwrap_or_default();
    let plan = proppatch::plan(&ops, Some(kind), Some(&mut collection), "", true).map_err(|refused| {
        let names: Vec<String> = refused.iter().map(ToString::to_string).collect();
        ServerError::precondition_because(Precondition::CannotModifyProtectedProperty, names.join(", "))
    })?;
    match ctx.store().create_collection(&collection).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists(_)) => {
            return Err(ServerError::status_with(
                StatusCode::METHOD_NOT_ALLOWED,
                "the collection exists",
            ));
        }
        Err(other) => return Err(other.into()),
    }
    if !plan.set_dead.is_empty() {
        ctx.store()
            .update_dead_properties(&collection.id, "", &plan.set_dead, &[])
            .await?;
    }
    Ok(reply::empty(StatusCode::CREATED))
}

/// A nested collection (`files/sub`) needs an existing plain parent
/// (409 otherwise, RFC 4918 §9.3.1) and is plain itself; a plain resource
/// of the same name is in the way (405).
async fn check_parent(ctx: &Ctx, owner: &str, home: Home, name: &str, kind: CollectionKind) -> Result<(), ServerError> {
    let Some((parent, last)) = name.rsplit_once('/') else {
        return Ok(());
    };
    let parent = resource::reach(ctx.store(), &ctx.user, owner, home, parent)
        .await?
        .ok_or_else(|| ServerError::status_with(StatusCode::CONFLICT, "the parent collection does not exist"))?;
    if parent.collection.kind != CollectionKind::Plain || kind != CollectionKind::Plain {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "collections nest only as plain collections in plain collections",
        ));
    }
    let member = crate::universal::ObjectName(last.to_owned());
    if ctx
        .store()
        .plain_resource(&parent.collection.id, &member)
        .await?
        .is_some()
    {
        return Err(ServerError::status_with(
            StatusCode::METHOD_NOT_ALLOWED,
            "a resource has that name",
        ));
    }
    Ok(())
}

/// The body: empty, or an XML `mkcol`/`mkcalendar`; anything else is 415
/// (RFC 4918 §9.3.1).
fn read_body(ctx: &Ctx, body: &[u8], method: Method) -> Result<Option<MkCol>, ServerError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let declared = ctx.header("content-type").map(essence).unwrap_or_default();
    let xml = declared.is_empty() || declared.ends_with("/xml") || declared.ends_with("+xml");
    if !xml {
        return Err(ServerError::status_with(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("a MKCOL body of type {declared} is not understood"),
        ));
    }
    let limits = ctx.xml_limits(body)?;
    parse_mkcol(body, &limits, method == Method::MkCalendar).map_err(|error| {
        if declared.is_empty() {
            ServerError::status_with(StatusCode::UNSUPPORTED_MEDIA_TYPE, error.to_string())
        } else {
            error.into()
        }
    })
}

/// The kind asked for (RFC 5689 §3 `valid-resourcetype` otherwise).
fn kind_of(method: Method, request: Option<&MkCol>) -> Result<CollectionKind, ServerError> {
    let types = request.map(|r| r.resource_type.as_slice()).unwrap_or_default();
    let has = |kind: &ResourceKind| types.contains(kind);
    let kind = match method {
        Method::MkCalendar if has(&ResourceKind::Addressbook) => None,
        Method::MkCalendar => Some(CollectionKind::Calendar),
        Method::MkCol if has(&ResourceKind::Addressbook) && has(&ResourceKind::Calendar) => None,
        Method::MkCol if has(&ResourceKind::Addressbook) => Some(CollectionKind::AddressBook),
        Method::MkCol if has(&ResourceKind::Calendar) => Some(CollectionKind::Calendar),
        Method::MkCol => {
            let plain = types.iter().all(|t| *t == ResourceKind::Collection);
            plain.then_some(CollectionKind::Plain)
        }
    };
    kind.ok_or_else(|| ServerError::precondition(Precondition::ValidResourceType))
}

/// Calendars in the calendar home, address books in the address book home
/// (RFC 4791 §5.3.1.1 `calendar-collection-location-ok`).
pub(super) fn check_location(home: Home, kind: CollectionKind) -> Result<(), ServerError> {
    match kind {
        _ if home.admits(kind) => Ok(()),
        CollectionKind::Calendar => Err(ServerError::precondition(Precondition::CalendarCollectionLocationOk)),
        _ => Err(ServerError::precondition_because(
            Precondition::ValidResourceType,
            "address books live in the address book home",
        )),
    }
}
