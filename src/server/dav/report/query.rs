//! addressbook-query (RFC 6352 §8.6) and calendar-query (RFC 4791 §7.8):
//! the members whose record matches the filter, with the requested
//! properties and data. The matching itself is [`query`](super::super::query);
//! this module reads the collection [`CHUNK`] objects at a time and streams.
//! A calendar-query with a VEVENT time-range reads only the objects whose
//! stored time span meets the range (and those without one); an
//! addressbook-query with text-matches only the cards whose stored search
//! text contains a pattern it needs (and those without one).
//!
//! - `limit` (RFC 6352 §8.6.1): at most that many matches; when more match,
//!   the request-URI gets a 507 `number-of-matches-within-limits` response.
//! - An unknown collation anywhere in the filter is 403
//!   `supported-collation` (RFC 6352 §8.3, RFC 4791 §7.5).
//! - Depth 0 on the collection matches nothing for addressbook-query (the
//!   collection is no address object); calendar-query at Depth 0 is read as
//!   Depth 1, because Outlook (MSFT UA) sends 0 and means the members.
//! - calendar-data honours `<C:comp>` (§9.6.1), `<C:expand>` (§9.6.5) and
//!   `<C:limit-recurrence-set>` (§9.6.6), address-data its `<CARD:prop>`
//!   list (RFC 6352 §10.4.2), through [`DataWant`]; floating times are read
//!   in the request's `<C:timezone>` / `<C:timezone-id>` or the collection's
//!   `calendar-timezone` (§7.3), else UTC.

use std::collections::HashMap;
use std::sync::Arc;

use axum::response::Response;

use crate::adapters::ical;
use crate::server::error::ServerError;
use crate::store::{ObjectStore, SqlStore, StoreError, StoredObject, TimeSpan};
use crate::universal::{CollectionId, ComponentName, ObjectName, Record};

use super::super::Ctx;
use super::super::deadprops;
use super::super::propfind::Depth;
use super::super::propfind::discovery;
use super::super::query::zone::Zone;
use super::super::query::{self as semantics, Options};
use super::super::resource::Reached;
use super::super::xml::DavProp;
use super::super::xml::request::{
    AddressDataRequest, CalendarDataRequest, CardFilter, Collation, CompFilter, PropFilter, PropFind,
};
use super::super::xml::response::{DataKind, Precondition, Response as DavResponse, ResponseBody, Status};
use super::super::xml::value::PropValue;
use super::{CHUNK, DataWant, member_responses, object_response, stream};

/// addressbook-query (RFC 6352 §8.6).
pub fn addressbook(
    ctx: &Ctx,
    reached: Reached,
    filter: CardFilter,
    props: PropFind,
    address_data: Option<AddressDataRequest>,
    limit: Option<u32>,
) -> Result<Response, ServerError> {
    check_collations(&filter.prop_filters, DataKind::Address)?;
    let data = DataWant::in_props(&props, address_data.as_ref(), None, Options::default());
    let members = Depth::from_header(ctx.header("depth")) == Depth::One;
    if members && semantics::search::decidable(&filter) {
        return Ok(decided_on_search_texts(ctx, reached, props, limit, filter, data));
    }
    let candidates = semantics::card::search_needles(&filter).map_or(Members::All, Members::Containing);
    let keep = move |record: &Record| members && semantics::card::matches(&filter, record);
    Ok(run(ctx, reached, props, limit, candidates, keep, data))
}

/// calendar-query (RFC 4791 §7.8), floating times read in `floating`.
pub fn calendar(
    ctx: &Ctx,
    reached: Reached,
    filter: CompFilter,
    props: PropFind,
    calendar_data: Option<CalendarDataRequest>,
    floating: Zone,
) -> Result<Response, ServerError> {
    check_collations_comp(&filter, DataKind::Calendar)?;
    let options = Options::floating_in(floating);
    let data = DataWant::in_props(&props, None, calendar_data, options.clone());
    let window = |range: semantics::Range| {
        TimeSpan::between(range.start.map(|t| t.timestamp()), range.end.map(|t| t.timestamp()))
    };
    if let Some(range) = semantics::span::sole_window(&filter) {
        let keep = move |record: &Record| semantics::calendar::matches_with(&filter, record, &options);
        return Ok(decided_on_spans(ctx, reached, props, range, window(range), keep, data));
    }
    let members = semantics::span::query_window(&filter).map_or(Members::All, |range| Members::Meeting(window(range)));
    let keep = move |record: &Record| semantics::calendar::matches_with(&filter, record, &options);
    Ok(run(ctx, reached, props, None, members, keep, data))
}

/// A calendar-query for VEVENT occurrences in `range` and nothing else
/// ([`semantics::span::sole_window`]): the candidates come from the span
/// index, an object with an exact span is decided on it
/// ([`semantics::span::stored_occurrence`]), the others by `keep` on their
/// records.
fn decided_on_spans<K>(
    ctx: &Ctx,
    reached: Reached,
    props: PropFind,
    range: semantics::Range,
    window: TimeSpan,
    keep: K,
    data: Option<DataWant>,
) -> Response
where
    K: Fn(&Record) -> bool + Send + Sync + 'static,
{
    let page = move |store: SqlStore, collection: CollectionId, after: Option<ObjectName>| async move {
        let found = store
            .spans_meeting(&collection, window, after.as_ref(), CHUNK as u32)
            .await?;
        Ok(found
            .into_iter()
            .map(|(name, span)| {
                let exact = match (span.exact, span.start, span.end) {
                    (true, Some(start), Some(end)) => semantics::span::stored_occurrence(start, end),
                    _ => None,
                };
                (name, exact.map(|occurrence| occurrence.overlaps(&range)))
            })
            .collect())
    };
    stream_decided(ctx, reached, props, None, data, page, keep)
}

/// An addressbook-query [`semantics::search::decidable`] on search texts:
/// the candidates come from the search-text index, each decided on its
/// text, and on its record where the text cannot tell (none, or a value it
/// leaves out).
fn decided_on_search_texts(
    ctx: &Ctx,
    reached: Reached,
    props: PropFind,
    limit: Option<u32>,
    filter: CardFilter,
    data: Option<DataWant>,
) -> Response {
    let needles = semantics::card::search_needles(&filter);
    let filter = Arc::new(filter);
    let on_texts = Arc::clone(&filter);
    let page = move |store: SqlStore, collection: CollectionId, after: Option<ObjectName>| {
        let (needles, filter) = (needles.clone(), Arc::clone(&on_texts));
        async move {
            let found = store
                .search_texts(&collection, needles.as_deref(), after.as_ref(), CHUNK as u32)
                .await?;
            Ok(found
                .into_iter()
                .map(|(name, text)| {
                    let verdict = text.and_then(|text| semantics::search::matches(&filter, &text));
                    (name, verdict)
                })
                .collect())
        }
    };
    let keep = move |record: &Record| semantics::card::matches(&filter, record);
    stream_decided(ctx, reached, props, limit, data, page, keep)
}

/// Streams a query whose candidates come in pages of names, each with its
/// verdict when the index decided it (`page`, [`CHUNK`] names after the
/// one given); the undecided are read and decided by `keep` on their
/// records. Only the matches are read for the answer, like a multiget's
/// members, at most `limit` of them.
fn stream_decided<P, Fut, K>(
    ctx: &Ctx,
    reached: Reached,
    props: PropFind,
    limit: Option<u32>,
    data: Option<DataWant>,
    page: P,
    keep: K,
) -> Response
where
    P: Fn(SqlStore, CollectionId, Option<ObjectName>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<(ObjectName, Option<bool>)>, StoreError>> + Send,
    K: Fn(&Record) -> bool + Send + Sync + 'static,
{
    stream(ctx, reached, props, move |mut sink, scope| async move {
        let pctx = scope.pctx();
        let (store, reached, props) = (&scope.store, &scope.reached, &scope.props);
        let space = scope.space.as_deref();
        let id = &reached.collection.id;
        let max = limit.map_or(usize::MAX, |n| n as usize);
        let mut matched = 0usize;
        let mut after: Option<ObjectName> = None;
        loop {
            let verdicts = match page(store.clone(), id.clone(), after.clone()).await {
                Ok(verdicts) => verdicts,
                Err(error) => return sink.fail(&error).await,
            };
            let next = verdicts
                .last()
                .map(|(name, _)| name.clone())
                .filter(|_| verdicts.len() == CHUNK);
            let names = match decide_the_rest(store, id, verdicts, &keep).await {
                Ok(names) => names,
                Err(error) => return sink.fail(&error).await,
            };
            let over = names.len() > max - matched;
            let names = &names[..names.len().min(max - matched)];
            matched += names.len();
            let members = names
                .iter()
                .map(|name| (reached.object_href(name), Some(name.clone())))
                .collect();
            let responses = member_responses(store, &pctx, reached, space, props, data.as_ref(), members).await;
            match responses {
                Ok(mut responses) => {
                    // A member deleted since its candidacy was read is no match.
                    responses.retain(|r| !matches!(r.body, ResponseBody::Status(Status::NOT_FOUND)));
                    if sink.push_all(&responses).await.is_err() {
                        return;
                    }
                }
                Err(error) => return sink.fail(&error).await,
            }
            if over {
                let mut truncated = DavResponse::with_status(reached.href(), Status::INSUFFICIENT_STORAGE);
                truncated.error = Some(Precondition::NumberOfMatchesWithinLimits);
                if sink.push(&truncated).await.is_err() {
                    return;
                }
                break;
            }
            match next {
                Some(name) => after = Some(name),
                None => break,
            }
        }
        let _ = sink.finish(None).await;
    })
}

/// The names, in order, whose verdict is a match, the undecided ones
/// (`None`) read and decided by `keep` on their records.
async fn decide_the_rest(
    store: &SqlStore,
    collection: &CollectionId,
    verdicts: Vec<(ObjectName, Option<bool>)>,
    keep: impl Fn(&Record) -> bool,
) -> Result<Vec<ObjectName>, StoreError> {
    let undecided: Vec<ObjectName> = verdicts
        .iter()
        .filter(|(_, verdict)| verdict.is_none())
        .map(|(name, _)| name.clone())
        .collect();
    let decoded: HashMap<ObjectName, bool> = match undecided.is_empty() {
        true => HashMap::new(),
        false => store
            .objects(collection, &undecided)
            .await?
            .into_iter()
            .filter(|o| !o.deleted)
            .map(|o| {
                let matches = keep(&o.record);
                (o.name, matches)
            })
            .collect(),
    };
    Ok(verdicts
        .into_iter()
        .filter(|(name, verdict)| verdict.unwrap_or_else(|| decoded.get(name).copied().unwrap_or(false)))
        .map(|(name, _)| name)
        .collect())
}

/// Which members a query reads: all of them, only those whose stored
/// span meets a window — every object a VEVENT time-range can match
/// ([`semantics::span`]) — or only those whose search text contains one of
/// some patterns ([`semantics::card::search_needles`]). `keep` still
/// decides on each one read.
#[derive(Debug, Clone)]
enum Members {
    All,
    Meeting(TimeSpan),
    Containing(Vec<String>),
}

impl Members {
    /// The live members after `after` (by name), one page, and the name to
    /// continue after when more may follow.
    async fn page(
        &self,
        store: &SqlStore,
        collection: &CollectionId,
        after: Option<&ObjectName>,
    ) -> Result<(Vec<StoredObject>, Option<ObjectName>), StoreError> {
        let full = |n: usize, last: Option<&ObjectName>| last.filter(|_| n == CHUNK).cloned();
        match self {
            Members::All => {
                let listed = store.list_objects_after(collection, after, CHUNK as u32).await?;
                let names: Vec<ObjectName> = listed.into_iter().map(|s| s.name).collect();
                let next = full(names.len(), names.last());
                Ok((store.objects(collection, &names).await?, next))
            }
            Members::Meeting(window) => {
                let found = store.objects_meeting(collection, *window, after, CHUNK as u32).await?;
                let next = full(found.len(), found.last().map(|o| &o.name));
                Ok((found, next))
            }
            Members::Containing(needles) => {
                let found = store
                    .objects_containing(collection, needles, after, CHUNK as u32)
                    .await?;
                let next = full(found.len(), found.last().map(|o| &o.name));
                Ok((found, next))
            }
        }
    }
}

/// Streams the members `keep` accepts, with their `data` (if asked for),
/// at most `limit` of them.
fn run<K>(
    ctx: &Ctx,
    reached: Reached,
    props: PropFind,
    limit: Option<u32>,
    members: Members,
    keep: K,
    data: Option<DataWant>,
) -> Response
where
    K: Fn(&Record) -> bool + Send + Sync + 'static,
{
    stream(ctx, reached, props, move |mut sink, scope| async move {
        let pctx = scope.pctx();
        let (store, reached, props) = (&scope.store, &scope.reached, &scope.props);
        let space = scope.space.as_deref();
        let max = limit.map_or(usize::MAX, |n| n as usize);
        let mut matched = 0usize;
        let mut after: Option<ObjectName> = None;
        loop {
            let (found, next) = match members.page(store, &reached.collection.id, after.as_ref()).await {
                Ok(page) => page,
                Err(error) => return sink.fail(&error).await,
            };
            for object in found.iter().filter(|o| !o.deleted && keep(&o.record)) {
                if matched == max {
                    let mut truncated = DavResponse::with_status(reached.href(), Status::INSUFFICIENT_STORAGE);
                    truncated.error = Some(Precondition::NumberOfMatchesWithinLimits);
                    if sink.push(&truncated).await.is_err() {
                        return;
                    }
                    let _ = sink.finish(None).await;
                    return;
                }
                matched += 1;
                let href = reached.object_href(&object.name);
                let locks = discovery(space, reached, Some(&object.name));
                let response = object_response(&pctx, href, object, reached.access, props, data.as_ref(), &locks);
                if sink.push(&response).await.is_err() {
                    return;
                }
            }
            match next {
                Some(name) => after = Some(name),
                None => break,
            }
        }
        let _ = sink.finish(None).await;
    })
}

/// 403 `supported-collation` when a text-match names an unknown collation.
fn check_collations(filters: &[PropFilter], kind: DataKind) -> Result<(), ServerError> {
    let matches = filters.iter().flat_map(|p| {
        let params = p.param_filters.iter().filter_map(|f| f.text_match.as_ref());
        p.text_matches.iter().chain(params)
    });
    for text_match in matches {
        if let Collation::Other(name) = &text_match.collation {
            return Err(ServerError::precondition_because(
                Precondition::SupportedCollation(kind),
                format!("collation {name:?} is not supported"),
            ));
        }
    }
    Ok(())
}

fn check_collations_comp(filter: &CompFilter, kind: DataKind) -> Result<(), ServerError> {
    check_collations(&filter.prop_filters, kind)?;
    filter
        .comp_filters
        .iter()
        .try_for_each(|c| check_collations_comp(c, kind))
}

/// The zone floating times are read in (RFC 4791 §7.3): the request's
/// `<C:timezone>` or `<C:timezone-id>`, else the collection's
/// `calendar-timezone` / `calendar-timezone-id`, else UTC.
pub async fn floating_zone(
    ctx: &Ctx,
    reached: &Reached,
    timezone: Option<String>,
    timezone_id: Option<String>,
) -> Result<Zone, ServerError> {
    if let Some(zone) = timezone.as_deref().and_then(zone_of_calendar) {
        return Ok(zone);
    }
    if let Some(zone) = timezone_id.as_deref().and_then(Zone::named) {
        return Ok(zone);
    }
    let dead = deadprops::load(ctx.store(), &reached.collection.id, "").await?;
    let text_of = |wanted: DavProp| {
        dead.iter().find(|(p, _)| *p == wanted).and_then(|(_, v)| match v {
            PropValue::Xml(element) => Some(element.text()),
            PropValue::Text(text) => Some(text.clone()),
            _ => None,
        })
    };
    let zone = text_of(DavProp::CalendarTimezone)
        .as_deref()
        .and_then(zone_of_calendar)
        .or_else(|| text_of(DavProp::CalendarTimezoneId).as_deref().and_then(Zone::named));
    Ok(zone.unwrap_or(Zone::Utc))
}

/// The zone of the first VTIMEZONE in a VCALENDAR text (RFC 4791 §9.8):
/// by its TZID when that names a known zone, else by its rules.
fn zone_of_calendar(text: &str) -> Option<Zone> {
    let records = ical::parse(text.trim().as_bytes()).ok()?;
    let vtimezone = records.iter().find_map(|r| {
        std::iter::once(&r.root)
            .chain(r.root.children.iter())
            .find(|c| *c.name() == ComponentName::VTimezone)
    })?;
    let by_name = vtimezone
        .prop(&crate::universal::PropName::TzId)
        .and_then(|p| p.value().as_text())
        .and_then(Zone::named);
    by_name.or_else(|| Zone::from_vtimezone(vtimezone))
}
