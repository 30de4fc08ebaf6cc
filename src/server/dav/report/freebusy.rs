//! free-busy-query (RFC 4791 §7.10): the busy time of a calendar in a
//! range, as a `text/calendar` VFREEBUSY (200), computed by
//! [`query::freebusy`](super::super::query::freebusy) over the collection
//! read [`CHUNK`] objects at a time. Floating times are read in the
//! collection's `calendar-timezone` (§7.3). A read grant suffices.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::adapters::ical;
use crate::server::error::ServerError;
use crate::store::ObjectStore;
use crate::universal::ObjectName;

use super::super::Ctx;
use super::super::query::freebusy::{self, Period};
use super::super::query::{Options, Range};
use super::super::resource::Reached;
use super::super::xml::request::TimeRange;
use super::CHUNK;
use super::query::floating_zone;

pub async fn run(ctx: &Ctx, reached: Reached, time_range: TimeRange) -> Result<Response, ServerError> {
    let options = Options::floating_in(floating_zone(ctx, &reached, None, None).await?);
    let range = Range::from(&time_range);
    let id = &reached.collection.id;
    let names: Vec<ObjectName> = ctx
        .store()
        .list_objects(id)
        .await?
        .into_iter()
        .map(|s| s.name)
        .collect();
    let mut periods: Vec<Period> = Vec::new();
    for chunk in names.chunks(CHUNK) {
        let objects = ctx.store().objects(id, chunk).await?;
        let live = objects.iter().filter(|o| !o.deleted).map(|o| &o.record);
        periods.extend(freebusy::collect(live, &range, &options));
        // Merged per chunk, so a large calendar holds few periods at a time.
        periods = freebusy::merge(periods);
    }
    let reply = freebusy::reply(&periods, &range, chrono::Utc::now());
    let body = ical::render(&reply).map_err(|e| ServerError::Internal(e.to_string()))?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response())
}
