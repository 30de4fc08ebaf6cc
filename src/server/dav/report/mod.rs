//! REPORT (RFC 3253 §3.6) on collections: sync-collection (RFC 6578) and
//! the multigets (RFC 6352 §8.7, RFC 4791 §7.9), written once for both
//! kinds; addressbook-query and calendar-query (RFC 6352 §8.6, RFC 4791
//! §7.8) in [`query`], free-busy-query (RFC 4791 §7.10) in [`freebusy`].
//!
//! Each object's address-data / calendar-data is what [`data`] makes of it:
//! the stored bytes, or a view shaped as the request asks.
//!
//! Reports over many objects stream their multistatus ([`super::reply::stream`]),
//! reading the store in chunks ([`CHUNK`] names per query).

mod data;
mod freebusy;
mod multiget;
mod principals;
mod query;
mod sync_collection;

use std::borrow::Cow;
use std::collections::HashMap;

use axum::response::Response;

use crate::config::Limits;
use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::{Access, ObjectStore, ObjectSummary, SqlStore, StoreError, StoredObject};
use crate::universal::ObjectName;

use super::Ctx;
use super::locks::{self, Lock};
use super::propfind::{self, discovery};
use super::props::{PropContext, Subject};
use super::reply::{self, Sink};
use super::resource::{self, Reached, Target};
use super::xml::request::{PropFind, Report, parse_report};
use super::xml::response::{Precondition, Response as DavResponse, ResponseBody, Status};
use super::xml::value::{ActiveLock, PropValue, ReportName};
use super::xml::{DavProp, Href};

pub use data::DataWant;

/// Objects read per store query in a report.
pub const CHUNK: usize = 500;

pub async fn handle(ctx: &Ctx, target: Target, body: &[u8]) -> Result<Response, ServerError> {
    let report = parse_report(body, &ctx.xml_limits(body)?)?;
    if principals::applies_to(&target) {
        return match report {
            Report::PrincipalPropertySearch {
                searches,
                any_of,
                props,
            } => Ok(principals::search(ctx, &searches, any_of, &props)),
            Report::PrincipalSearchPropertySet => Ok(principals::search_property_set()),
            other => Err(ServerError::precondition_because(
                Precondition::SupportedReport,
                format!("{} runs on collections", report_label(other.name())),
            )),
        };
    }
    let Target::Collection { owner, home, name } = target else {
        return Err(ServerError::precondition_because(
            Precondition::SupportedReport,
            "reports run on collections",
        ));
    };
    let reached = resource::reach_existing(ctx.store(), &ctx.user, &owner, home, &name).await?;
    let name = report.name();
    let offered = super::props::offers(reached.collection.kind, name);
    match report {
        Report::SyncCollection {
            token,
            limit,
            props,
            address_data,
            calendar_data,
            ..
        } if offered => {
            let options = data::options_for(ctx, &reached, calendar_data.as_ref()).await?;
            let want = DataWant::in_props(&props, address_data.as_ref(), calendar_data, options);
            sync_collection::run(ctx, reached, token, limit, props, want).await
        }
        Report::AddressbookMultiget {
            hrefs,
            props,
            address_data,
        } if offered => {
            let want = DataWant::in_props(&props, address_data.as_ref(), None, Default::default());
            Ok(multiget::run(ctx, reached, hrefs, props, want))
        }
        Report::CalendarMultiget {
            hrefs,
            props,
            calendar_data,
        } if offered => {
            let options = data::options_for(ctx, &reached, calendar_data.as_ref()).await?;
            let want = DataWant::in_props(&props, None, calendar_data, options);
            Ok(multiget::run(ctx, reached, hrefs, props, want))
        }
        Report::AddressbookQuery {
            filter,
            props,
            address_data,
            limit,
        } if offered => query::addressbook(ctx, reached, filter, props, address_data, limit),
        Report::CalendarQuery {
            filter,
            props,
            calendar_data,
            timezone,
            timezone_id,
        } if offered => {
            let zone = query::floating_zone(ctx, &reached, timezone, timezone_id).await?;
            query::calendar(ctx, reached, filter, props, calendar_data, zone)
        }
        Report::FreeBusyQuery { time_range } if offered => freebusy::run(ctx, reached, time_range).await,
        _ => Err(ServerError::precondition_because(
            Precondition::SupportedReport,
            format!("{} is not supported on this collection", report_label(name)),
        )),
    }
}

fn report_label(name: ReportName) -> String {
    let (ns, local) = name.name();
    format!("{{{}}}{local}", ns.uri())
}

/// A summary of a stored object, for the live properties.
pub fn summary_of(object: &StoredObject) -> ObjectSummary {
    ObjectSummary {
        name: object.name.clone(),
        uid: object.uid.clone(),
        version: object.version,
        etag: object.etag.clone(),
        content_type: object.content_type.clone(),
        size: object.original.len() as u64,
        modified_seq: object.modified_seq,
        modified_at: object.modified_at,
        created_at: Some(object.created_at),
    }
}

/// What a streamed report works with on its own task: the store, the
/// collection reached, the properties asked for and their locks (when
/// `lockdiscovery` is among them), for the requesting user.
pub struct Scope {
    pub store: SqlStore,
    pub reached: Reached,
    pub props: PropFind,
    pub space: Option<Vec<Lock>>,
    user: String,
    limits: Limits,
}

impl Scope {
    pub fn pctx(&self) -> PropContext<'_> {
        PropContext {
            user: &self.user,
            limits: &self.limits,
        }
    }

    /// [`member_responses`] in this scope.
    pub async fn member_responses(
        &self,
        data: Option<&DataWant>,
        members: Vec<(Href, Option<ObjectName>)>,
    ) -> Result<Vec<DavResponse>, StoreError> {
        let pctx = self.pctx();
        member_responses(
            &self.store,
            &pctx,
            &self.reached,
            self.space.as_deref(),
            &self.props,
            data,
            members,
        )
        .await
    }
}

/// A streamed 207 of a report: `produce` writes it through a [`Sink`] on
/// its own task, in the report's [`Scope`] (its locks read first).
pub fn stream<F, Fut>(ctx: &Ctx, reached: Reached, props: PropFind, produce: F) -> Response
where
    F: FnOnce(Sink, Scope) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let store = ctx.store().clone();
    let user = ctx.user.clone();
    let limits = ctx.limits().clone();
    reply::stream(move |sink: Sink| async move {
        let space = match report_locks(&store, &reached, &props).await {
            Ok(space) => space,
            Err(error) => return sink.fail(&error).await,
        };
        let scope = Scope {
            store,
            reached,
            props,
            space,
            user,
            limits,
        };
        produce(sink, scope).await
    })
}

/// The locks of the collection's space, when the report asks for
/// lockdiscovery (streamed reports load them inside the stream).
pub async fn report_locks(
    store: &SqlStore,
    reached: &Reached,
    props: &PropFind,
) -> Result<Option<Vec<Lock>>, ServerError> {
    if !super::propfind::wants_locks(props) {
        return Ok(None);
    }
    let locks = locks::load(store, &reached.collection.owner, now()).await?;
    Ok(Some(locks))
}

/// The `<response>`s of members in a report, in order: each an href and
/// the name it names in the collection (`None`, or a name without a live
/// object: 404). Read in one query per call: summaries when no data is
/// asked for (no bodies read, no records decoded), else the objects.
pub async fn member_responses(
    store: &SqlStore,
    pctx: &PropContext<'_>,
    reached: &Reached,
    space: Option<&[Lock]>,
    props: &PropFind,
    data: Option<&DataWant>,
    members: Vec<(Href, Option<ObjectName>)>,
) -> Result<Vec<DavResponse>, StoreError> {
    let names: Vec<ObjectName> = members.iter().filter_map(|(_, name)| name.clone()).collect();
    let id = &reached.collection.id;
    let missing = |href| DavResponse::with_status(href, Status::NOT_FOUND);
    let Some(want) = data else {
        let found = store.summaries(id, &names).await?;
        let live: HashMap<_, _> = found.iter().map(|o| (&o.name, o)).collect();
        return Ok(members
            .into_iter()
            .map(|(href, name)| match name.as_ref().and_then(|n| live.get(n)) {
                Some(summary) => listed_response(pctx, reached, space, props, href, summary),
                None => missing(href),
            })
            .collect());
    };
    // Objects served as stored need their bytes only; the rest (a version
    // to convert to, a part or an expansion to render) their records.
    let bodies = match want.renders_all() {
        true => Vec::new(),
        false => store.bodies(id, &names).await?,
    };
    let rendered: Vec<ObjectName> = bodies
        .iter()
        .filter(|b| !want.serves_stored(&b.summary.content_type))
        .map(|b| b.summary.name.clone())
        .collect();
    let objects = match (want.renders_all(), rendered.is_empty()) {
        (true, _) => store.objects(id, &names).await?,
        (false, true) => Vec::new(),
        (false, false) => store.objects(id, &rendered).await?,
    };
    let objects: HashMap<_, _> = objects
        .into_iter()
        .filter(|o| !o.deleted)
        .map(|o| (o.name.clone(), o))
        .collect();
    let mut bodies: HashMap<_, _> = bodies.into_iter().map(|b| (b.summary.name.clone(), b)).collect();
    Ok(members
        .into_iter()
        .map(|(href, name)| {
            let Some(name) = name else { return missing(href) };
            let locks = discovery(space, reached, Some(&name));
            if let Some(object) = objects.get(&name) {
                return object_response(pctx, href, object, reached.access, props, Some(want), &locks);
            }
            match bodies.remove(&name) {
                Some(body) => {
                    let text = data::lossy(body.original);
                    summary_response(
                        pctx,
                        href,
                        &body.summary,
                        reached.access,
                        props,
                        Some((want, text)),
                        &locks,
                    )
                }
                None => missing(href),
            }
        })
        .collect())
}

/// A live member's `<response>` without data, from its summary.
pub fn listed_response(
    pctx: &PropContext<'_>,
    reached: &Reached,
    space: Option<&[Lock]>,
    props: &PropFind,
    href: Href,
    summary: &ObjectSummary,
) -> DavResponse {
    let locks = discovery(space, reached, Some(&summary.name));
    summary_response(pctx, href, summary, reached.access, props, None, &locks)
}

/// One object's `<response>` in a report: its live properties, plus its
/// data (address-data / calendar-data) when asked for.
pub fn object_response(
    pctx: &PropContext<'_>,
    href: Href,
    object: &StoredObject,
    access: Access,
    props: &PropFind,
    data: Option<&DataWant>,
    locks: &[ActiveLock],
) -> DavResponse {
    let data = data.and_then(|want| Some((want, want.text(object)?)));
    summary_response(pctx, href, &summary_of(object), access, props, data, locks)
}

/// A member's `<response>` from its summary, with its data text (if any).
pub fn summary_response(
    pctx: &PropContext<'_>,
    href: Href,
    summary: &ObjectSummary,
    access: Access,
    props: &PropFind,
    data: Option<(&DataWant, String)>,
    locks: &[ActiveLock],
) -> DavResponse {
    let subject = Subject::Object { summary, access, locks };
    let is_data = |n: &DavProp| matches!(n, DavProp::AddressData | DavProp::CalendarData);
    let without_data = match props {
        PropFind::Prop(names) if names.iter().any(is_data) => {
            Cow::Owned(PropFind::Prop(names.iter().filter(|n| !is_data(n)).cloned().collect()))
        }
        other => Cow::Borrowed(other),
    };
    let response = propfind::response(pctx, href, &subject, &without_data, &[]);
    match data {
        Some((want, text)) => with_data(response, want, text),
        None => response,
    }
}

/// `response` with its data property (address-data / calendar-data) set
/// to `text`, in its 200 propstat.
pub fn with_data(mut response: DavResponse, want: &DataWant, text: String) -> DavResponse {
    let value = match want.prop {
        DavProp::AddressData => PropValue::AddressData(text),
        _ => PropValue::CalendarData(text),
    };
    if let ResponseBody::PropStats(propstats) = &mut response.body {
        match propstats.iter_mut().find(|p| p.status == Status::OK) {
            Some(ok) => {
                // An empty 200 propstat holds nothing yet: fill it.
                ok.props.push((want.prop.clone(), value));
            }
            None => propstats.insert(
                0,
                super::xml::response::PropStat {
                    status: Status::OK,
                    props: vec![(want.prop.clone(), value)],
                },
            ),
        }
    }
    response
}
