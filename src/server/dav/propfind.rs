//! PROPFIND (RFC 4918 §9.1) on every resource: Depth 0 and 1, `allprop`
//! (with `include`), `propname` and `prop`; unknown or absent properties in
//! a 404 propstat.

use axum::response::Response;

use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::{Access, Accounts, ChangeLog, CollectionKind, ObjectStore, ObjectSummary, PlainResources};
use crate::universal::ObjectName;

use super::Ctx;
use super::deadprops;
use super::kind::Home;
use super::listing;
use super::locks::{self, Lock, Spot};
use super::props::{self, CollectionView, PropContext, Subject};
use super::reply::{self, Sink};
use super::resource::{self, Reached, Target, home_href};
use super::xml::request::{PropFind, parse_propfind};
use super::xml::response::{Multistatus, PropStat, Response as DavResponse, Status};
use super::xml::value::{ActiveLock, PropValue};
use super::xml::{DavProp, Href};
use crate::server::paths;

/// Depth 0 or 1. `infinity` (and an absent header) is served as 1: this
/// server's trees are shallow, and clients that omit Depth mean "members".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    Zero,
    One,
}

impl Depth {
    pub fn from_header(value: Option<&str>) -> Depth {
        match value.map(str::trim) {
            Some("0") => Depth::Zero,
            _ => Depth::One,
        }
    }
}

pub async fn handle(ctx: &Ctx, target: Target, body: &[u8]) -> Result<Response, ServerError> {
    let request = parse_propfind(body, &ctx.xml_limits(body)?)?;
    let depth = Depth::from_header(ctx.header("depth"));
    if let (Target::Collection { owner, home, name }, Depth::One) = (&target, depth) {
        let reached = resource::reach_existing(ctx.store(), &ctx.user, owner, *home, name).await?;
        if reached.collection.kind != CollectionKind::Plain {
            return stream_members(ctx, &target, reached, request).await;
        }
    }
    let ms = run(ctx, &target, depth, &request).await?;
    Ok(reply::multistatus(&ms))
}

/// PROPFIND Depth 1 on an address book or calendar: the collection's own
/// response, then its members read and written in pages, so neither the
/// listing nor the XML of a large collection is held in memory at once.
async fn stream_members(
    ctx: &Ctx,
    target: &Target,
    reached: Reached,
    request: PropFind,
) -> Result<Response, ServerError> {
    let head = run(ctx, target, Depth::Zero, &request).await?;
    let space = space_locks(ctx, &reached.collection.owner, &request).await?;
    let mut dead = deadprops::load_all(ctx.store(), &reached.collection.id).await?;
    dead.remove("");
    let store = ctx.store().clone();
    let user = ctx.user.clone();
    let limits = ctx.limits().clone();
    Ok(reply::stream(move |mut sink: Sink| async move {
        let pctx = PropContext {
            user: &user,
            limits: &limits,
        };
        for response in &head.responses {
            if sink.push(response).await.is_err() {
                return;
            }
        }
        let mut pages = listing::member_pages(store, reached.collection.id.clone());
        while let Some(page) = pages.recv().await {
            let page = match page {
                Ok(page) => page,
                Err(error) => return sink.fail(&error).await,
            };
            for summary in &page {
                let locks = discovery(space.as_deref(), &reached, Some(&summary.name));
                let subject = Subject::Object {
                    summary,
                    access: reached.access,
                    locks: &locks,
                };
                let props = dead.get(summary.name.as_str()).map_or(&[][..], Vec::as_slice);
                let href = reached.object_href(&summary.name);
                if sink
                    .push(&response(&pctx, href, &subject, &request, props))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
        let _ = sink.finish(None).await;
    }))
}

/// The multistatus for a PROPFIND on `target`.
pub async fn run(ctx: &Ctx, target: &Target, depth: Depth, request: &PropFind) -> Result<Multistatus, ServerError> {
    let pctx = PropContext {
        user: &ctx.user,
        limits: ctx.limits(),
    };
    let user = ctx.user.as_str();
    let mut responses = Vec::new();
    let mut add = |href: Href, subject: Subject<'_>, dead: &[(DavProp, PropValue)]| {
        responses.push(response(&pctx, href, &subject, request, dead));
    };
    match target {
        Target::Root => {
            resource::provision(ctx.store(), user).await?;
            add(Href::from_path(paths::DAV_ROOT), Subject::Root, &[]);
            if depth == Depth::One {
                add(Href::from_path(paths::principal(user)), Subject::Principal(user), &[]);
                for home in [Home::AddressBooks, Home::Calendars] {
                    add(home_href(home, user), Subject::Home { owner: user, home }, &[]);
                }
            }
        }
        Target::Principals => {
            add(Href::from_path(paths::PRINCIPALS), Subject::Principals, &[]);
            if depth == Depth::One {
                add(Href::from_path(paths::principal(user)), Subject::Principal(user), &[]);
            }
        }
        Target::Principal(owner) => {
            resource::own_space(user, owner)?;
            resource::provision(ctx.store(), user).await?;
            add(Href::from_path(paths::principal(owner)), Subject::Principal(owner), &[]);
        }
        Target::Homes(home) => {
            add(homes_href(*home), Subject::Homes(*home), &[]);
            if depth == Depth::One {
                add(
                    home_href(*home, user),
                    Subject::Home {
                        owner: user,
                        home: *home,
                    },
                    &[],
                );
            }
        }
        Target::Home { owner, home } => {
            resource::own_space(user, owner)?;
            resource::provision(ctx.store(), user).await?;
            add(home_href(*home, owner), Subject::Home { owner, home: *home }, &[]);
            if depth == Depth::One {
                let space = space_locks(ctx, owner, request).await?;
                let views = member_views(ctx, owner, *home, request, space.as_deref()).await?;
                for view in &views {
                    let dead = deadprops::load(ctx.store(), &view.collection.id, "").await?;
                    add(props::view_href(view), Subject::Collection(view), &dead);
                }
            }
        }
        Target::Collection { owner, home, name } => {
            let reached = resource::reach_existing(ctx.store(), user, owner, *home, name).await?;
            let space = space_locks(ctx, owner, request).await?;
            let view = view_of(ctx, reached.clone(), request, space.as_deref()).await?;
            let mut dead = deadprops::load_all(ctx.store(), &reached.collection.id).await?;
            let own = dead.remove("").unwrap_or_default();
            add(props::view_href(&view), Subject::Collection(&view), &own);
            if depth == Depth::One {
                let nested = resource::children(ctx.store(), &reached.collection).await?;
                for child in nested {
                    let child = Reached {
                        collection: child,
                        access: reached.access,
                        home: reached.home,
                        space_unlocked: reached.space_unlocked,
                    };
                    let view = view_of(ctx, child, request, space.as_deref()).await?;
                    add(props::view_href(&view), Subject::Collection(&view), &[]);
                }
                let members = member_summaries(ctx, &reached).await?;
                for summary in &members {
                    let locks = discovery(space.as_deref(), &reached, Some(&summary.name));
                    let subject = Subject::Object {
                        summary,
                        access: reached.access,
                        locks: &locks,
                    };
                    let props = dead.get(summary.name.as_str()).map_or(&[][..], Vec::as_slice);
                    add(reached.object_href(&summary.name), subject, props);
                }
            }
        }
        Target::Object {
            owner,
            home,
            collection,
            name,
        } => {
            let reached = resource::reach_existing(ctx.store(), user, owner, *home, collection).await?;
            let summary = object_summary(ctx, &reached, name).await?;
            let space = space_locks(ctx, owner, request).await?;
            let locks = discovery(space.as_deref(), &reached, Some(name));
            let subject = Subject::Object {
                summary: &summary,
                access: reached.access,
                locks: &locks,
            };
            let dead = deadprops::load(ctx.store(), &reached.collection.id, name.as_str()).await?;
            add(reached.object_href(name), subject, &dead);
        }
    }
    Ok(Multistatus {
        responses,
        sync_token: None,
    })
}

/// The live object at `name` as a summary, or 404.
pub async fn object_summary(
    ctx: &Ctx,
    reached: &Reached,
    name: &crate::universal::ObjectName,
) -> Result<ObjectSummary, ServerError> {
    if reached.collection.kind == CollectionKind::Plain {
        let found = ctx.store().plain_resource(&reached.collection.id, name).await?;
        return found.as_ref().map(super::plain::summary).ok_or(ServerError::NotFound);
    }
    let object = ctx
        .store()
        .object(&reached.collection.id, name)
        .await?
        .filter(|o| !o.deleted)
        .ok_or(ServerError::NotFound)?;
    Ok(ObjectSummary {
        size: object.original.len() as u64,
        name: object.name,
        uid: object.uid,
        version: object.version,
        etag: object.etag,
        content_type: object.content_type,
        modified_seq: object.modified_seq,
        modified_at: object.modified_at,
        created_at: Some(object.created_at),
    })
}

/// The members of a collection as summaries (objects, or opaque resources).
async fn member_summaries(ctx: &Ctx, reached: &Reached) -> Result<Vec<ObjectSummary>, ServerError> {
    if reached.collection.kind == CollectionKind::Plain {
        let resources = ctx.store().plain_resources(&reached.collection.id).await?;
        return Ok(resources.iter().map(super::plain::summary).collect());
    }
    Ok(ctx.store().list_objects(&reached.collection.id).await?)
}

/// Whether the request names a quota property (they cost a listing).
fn wants_usage(request: &PropFind) -> bool {
    match request {
        PropFind::Prop(names) => names
            .iter()
            .any(|p| matches!(p, DavProp::QuotaUsedBytes | DavProp::QuotaAvailableBytes)),
        _ => false,
    }
}

/// Whether the request asks for `DAV:lockdiscovery` (allprop does).
pub fn wants_locks(request: &PropFind) -> bool {
    match request {
        PropFind::Prop(names) => names.contains(&DavProp::LockDiscovery),
        PropFind::AllProp { .. } => true,
        PropFind::PropName => false,
    }
}

/// The locks of `owner`'s space, when the request asks for lockdiscovery.
pub async fn space_locks(ctx: &Ctx, owner: &str, request: &PropFind) -> Result<Option<Vec<Lock>>, ServerError> {
    if !wants_locks(request) {
        return Ok(None);
    }
    Ok(Some(locks::load(ctx.store(), owner, now()).await?))
}

/// `DAV:lockdiscovery` of a collection (`member` None) or one member.
pub fn discovery(space: Option<&[Lock]>, reached: &Reached, member: Option<&ObjectName>) -> Vec<ActiveLock> {
    let Some(space) = space else { return Vec::new() };
    let spot = Spot {
        owner: reached.collection.owner.clone(),
        home: reached.home,
        collection: reached.collection.name.clone(),
        member: member.map(|m| m.as_str().to_owned()),
    };
    locks::discovery(space, &spot, now())
}

/// A collection with its position (and usage and locks when asked for).
pub async fn view_of(
    ctx: &Ctx,
    reached: Reached,
    request: &PropFind,
    space: Option<&[Lock]>,
) -> Result<CollectionView, ServerError> {
    let seq = ctx.store().current_seq(&reached.collection.id).await?;
    let usage = if wants_usage(request) {
        let members = ctx.store().list_objects(&reached.collection.id).await?;
        Some((members.len() as u64, members.iter().map(|m| m.size).sum()))
    } else {
        None
    };
    let locks = discovery(space, &reached, None);
    Ok(CollectionView {
        collection: reached.collection,
        access: reached.access,
        home: reached.home,
        seq,
        usage,
        locks,
    })
}

/// The collections in a user's home, as PROPFIND Depth 1 lists them.
async fn member_views(
    ctx: &Ctx,
    owner: &str,
    home: Home,
    request: &PropFind,
    space: Option<&[Lock]>,
) -> Result<Vec<CollectionView>, ServerError> {
    let mut views = Vec::new();
    for collection in ctx.store().list_collections(owner).await? {
        if collection.home != home || collection.name.contains('/') {
            continue;
        }
        let reached = Reached {
            collection,
            access: Access::Write,
            home,
            space_unlocked: false,
        };
        views.push(view_of(ctx, reached, request, space).await?);
    }
    Ok(views)
}

/// One `<response>`: found properties in a 200 propstat, the rest in a 404 one.
/// `dead` holds the resource's dead properties, answered after the live ones.
pub fn response(
    ctx: &PropContext<'_>,
    href: Href,
    subject: &Subject<'_>,
    request: &PropFind,
    dead: &[(DavProp, PropValue)],
) -> DavResponse {
    let lookup = |name: &DavProp| {
        props::value(ctx, subject, name).or_else(|| dead.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()))
    };
    let mut found = Vec::new();
    let mut missing = Vec::new();
    match request {
        PropFind::PropName => {
            for name in props::allprop(subject) {
                if props::value(ctx, subject, &name).is_some() {
                    found.push((name, PropValue::Empty));
                }
            }
            found.extend(dead.iter().map(|(name, _)| (name.clone(), PropValue::Empty)));
        }
        PropFind::AllProp { include } => {
            for name in props::allprop(subject).iter().chain(include) {
                if let Some(value) = lookup(name) {
                    found.push((name.clone(), value));
                }
            }
            for (name, value) in dead {
                if !found.iter().any(|(n, _)| n == name) {
                    found.push((name.clone(), value.clone()));
                }
            }
        }
        PropFind::Prop(names) => {
            for name in names {
                match lookup(name) {
                    Some(value) => found.push((name.clone(), value)),
                    None => missing.push((name.clone(), PropValue::Empty)),
                }
            }
        }
    }
    let mut propstats = Vec::new();
    if !found.is_empty() || missing.is_empty() {
        propstats.push(PropStat {
            status: Status::OK,
            props: found,
        });
    }
    if !missing.is_empty() {
        propstats.push(PropStat {
            status: Status::NOT_FOUND,
            props: missing,
        });
    }
    DavResponse::with_propstats(href, propstats)
}

/// The href of the parent of all homes of a kind (`/dav/calendars/`).
fn homes_href(home: Home) -> Href {
    Href::from_path(match home {
        Home::AddressBooks => paths::ADDRESSBOOKS,
        Home::Calendars => paths::CALENDARS,
    })
}
