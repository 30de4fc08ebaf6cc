//! PROPPATCH (RFC 4918 §9.2) on collections and objects, and the property
//! rules extended MKCOL / MKCALENDAR share (RFC 5689 §3, RFC 4791 §5.3.1).
//!
//! Every instruction is checked before anything is written: one protected
//! property fails the whole request (403 for it, 424 for the others) and
//! nothing changes. Interpreted properties go to the collection row
//! (displayname, descriptions, color, component set); everything else is a
//! dead property, stored as written. The collection row and the dead
//! properties are two store writes: the dead properties go first, so a
//! failure leaves the row untouched.

use axum::http::StatusCode;
use axum::response::Response;

use crate::server::error::ServerError;
use crate::store::{Accounts, Collection, CollectionKind, DeadProperties, DeadProperty};
use crate::universal::ComponentName;

use super::Ctx;
use super::conditions::{self, Affected, Touch};
use super::deadprops;
use super::reply;
use super::resource::{self, Target};
use super::xml::DavProp;
use super::xml::request::{PropPatchOp, parse_proppatch};
use super::xml::response::{Multistatus, Precondition, PropStat, Response as DavResponse, Status};
use super::xml::value::PropValue;

/// Where a writable property goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    DisplayName,
    Description,
    Color,
    Components,
    Dead,
}

/// Whether a property is computed by the server (never set by a client).
fn protected(prop: &DavProp) -> bool {
    !matches!(
        prop,
        DavProp::Dead { .. }
            | DavProp::DisplayName
            | DavProp::GetContentLanguage
            | DavProp::AddressbookDescription
            | DavProp::CalendarDescription
            | DavProp::CalendarTimezone
            | DavProp::CalendarTimezoneId
            | DavProp::CalendarColor
            | DavProp::CalendarOrder
            | DavProp::ScheduleCalendarTransp
            | DavProp::Source
            | DavProp::SupportedCalendarComponentSet
    )
}

/// Where a property of a collection of `kind` (`None`: an object) goes;
/// `None` when it may not be set. The component set only at creation.
fn slot(kind: Option<CollectionKind>, prop: &DavProp, creating: bool) -> Option<Slot> {
    if protected(prop) {
        return None;
    }
    let Some(kind) = kind else {
        return (*prop != DavProp::SupportedCalendarComponentSet).then_some(Slot::Dead);
    };
    Some(match (prop, kind) {
        (DavProp::DisplayName, _) => Slot::DisplayName,
        (DavProp::AddressbookDescription, CollectionKind::AddressBook)
        | (DavProp::CalendarDescription, CollectionKind::Calendar) => Slot::Description,
        (DavProp::CalendarColor, CollectionKind::Calendar) => Slot::Color,
        (DavProp::SupportedCalendarComponentSet, CollectionKind::Calendar) if creating => Slot::Components,
        (DavProp::SupportedCalendarComponentSet, _) => return None,
        _ => Slot::Dead,
    })
}

/// The checked effect of a set of instructions on one resource.
#[derive(Debug, Default)]
pub struct Plan {
    pub set_dead: Vec<DeadProperty>,
    pub remove_dead: Vec<(String, String)>,
    /// The property names, in order, for the 200 propstat.
    pub names: Vec<DavProp>,
}

/// Checks `ops` and applies the interpreted ones to `collection` (in
/// memory). Errors list the properties that may not be set.
pub fn plan(
    ops: &[PropPatchOp],
    kind: Option<CollectionKind>,
    mut collection: Option<&mut Collection>,
    resource: &str,
    creating: bool,
) -> Result<Plan, Vec<DavProp>> {
    let mut plan = Plan::default();
    let mut refused = Vec::new();
    for op in ops {
        let (prop, value) = match op {
            PropPatchOp::Set(prop, value) => (prop, Some(value)),
            PropPatchOp::Remove(prop) => (prop, None),
        };
        plan.names.push(prop.clone());
        let Some(slot) = slot(kind, prop, creating) else {
            refused.push(prop.clone());
            continue;
        };
        let text = match value {
            Some(PropValue::Text(text)) => Some(text.trim().to_owned()),
            _ => None,
        };
        match (slot, collection.as_deref_mut()) {
            (Slot::Dead, _) | (_, None) => {
                // Instructions apply in order (RFC 4918 §9.2): a later one
                // on the same property replaces an earlier one.
                let (ns, name) = prop.name();
                let key = (ns.uri().to_owned(), name.to_owned());
                plan.set_dead
                    .retain(|d| (d.namespace.as_str(), d.name.as_str()) != (key.0.as_str(), key.1.as_str()));
                plan.remove_dead.retain(|r| *r != key);
                match value {
                    Some(value) => match deadprops::to_stored(resource, prop, value) {
                        Some(stored) => plan.set_dead.push(stored),
                        None => refused.push(prop.clone()),
                    },
                    None => plan.remove_dead.push(key),
                }
            }
            (Slot::DisplayName, Some(c)) => c.display_name = text,
            (Slot::Description, Some(c)) => c.description = text,
            (Slot::Color, Some(c)) => c.color = text,
            (Slot::Components, Some(c)) => match value {
                Some(PropValue::Components(list)) if !list.is_empty() => {
                    let names: Vec<&str> = list.iter().map(ComponentName::as_str).collect();
                    c.components = Some(names.join(","));
                }
                _ => refused.push(prop.clone()),
            },
        }
    }
    if refused.is_empty() { Ok(plan) } else { Err(refused) }
}

/// The multistatus of a refused PROPPATCH: 403 for the refused
/// properties, 424 for the others (RFC 4918 §9.2.1).
fn refusal(href: super::xml::Href, names: &[DavProp], refused: &[DavProp]) -> Multistatus {
    let empty = |list: Vec<&DavProp>| list.into_iter().map(|p| (p.clone(), PropValue::Empty)).collect();
    let (bad, rest): (Vec<&DavProp>, Vec<&DavProp>) = names.iter().partition(|p| refused.contains(p));
    let mut propstats = vec![PropStat {
        status: Status::FORBIDDEN,
        props: empty(bad),
    }];
    if !rest.is_empty() {
        propstats.push(PropStat {
            status: Status::FAILED_DEPENDENCY,
            props: empty(rest),
        });
    }
    let mut response = DavResponse::with_propstats(href, propstats);
    response.error = Some(Precondition::CannotModifyProtectedProperty);
    Multistatus {
        responses: vec![response],
        sync_token: None,
    }
}

pub async fn handle(ctx: &Ctx, target: Target, body: &[u8]) -> Result<Response, ServerError> {
    let update = parse_proppatch(body, &ctx.xml_limits(body)?)?;
    let request = target.clone();
    let (owner, home, collection, object) = match target {
        Target::Collection { owner, home, name } => (owner, home, name, None),
        Target::Object {
            owner,
            home,
            collection,
            name,
        } => (owner, home, collection, Some(name)),
        _ => {
            return Err(ServerError::status_with(
                StatusCode::FORBIDDEN,
                "no writable properties here",
            ));
        }
    };
    let reached = resource::reach_existing(ctx.store(), &ctx.user, &owner, home, &collection).await?;
    reached.require_write()?;
    conditions::check_reached(ctx, &request, &[Affected::new(&request, Touch::Content)], &reached).await?;
    let (href, resource_name) = match &object {
        Some(name) => {
            super::propfind::object_summary(ctx, &reached, name).await?;
            (reached.object_href(name), name.as_str().to_owned())
        }
        None => (reached.href(), String::new()),
    };
    let mut row = reached.collection.clone();
    let kind = object.is_none().then_some(row.kind);
    let target_row = object.is_none().then_some(&mut row);
    let plan = match plan(&update.ops, kind, target_row, &resource_name, false) {
        Ok(plan) => plan,
        Err(refused) => {
            let names: Vec<DavProp> = update.ops.iter().map(op_name).collect();
            return Ok(reply::multistatus(&refusal(href, &names, &refused)));
        }
    };
    ctx.store()
        .update_dead_properties(&row.id, &resource_name, &plan.set_dead, &plan.remove_dead)
        .await?;
    if row != reached.collection {
        ctx.store().update_collection(&row).await?;
    }
    let props = plan.names.into_iter().map(|p| (p, PropValue::Empty)).collect();
    let ms = Multistatus {
        responses: vec![DavResponse::with_propstats(
            href,
            vec![PropStat {
                status: Status::OK,
                props,
            }],
        )],
        sync_token: None,
    };
    Ok(reply::multistatus(&ms))
}

fn op_name(op: &PropPatchOp) -> DavProp {
    match op {
        PropPatchOp::Set(prop, _) | PropPatchOp::Remove(prop) => prop.clone(),
    }
}
