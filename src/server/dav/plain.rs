//! Opaque resources in plain WebDAV collections (`CollectionKind::Plain`),
//! so generic WebDAV clients and litmus work: bytes and a media type in
//! their own table, no adapter, no engine and no change log (there are no
//! fields to diff). `If-Match` / `If-None-Match` are checked here; the `If`
//! header and locks by the callers ([`super::conditions`]).

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, ETAG, LAST_MODIFIED};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use crate::engine::etag_of;
use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::store::{ObjectSummary, PlainResource, PlainResources};
use crate::universal::{ObjectName, Seq, Uid, Version};

use super::Ctx;
use super::props::{http_date, quoted_etag};
use super::put::parse_etag;
use super::reply;
use super::resource::Reached;

/// A resource as PROPFIND sees it.
pub fn summary(resource: &PlainResource) -> ObjectSummary {
    ObjectSummary {
        name: resource.name.clone(),
        uid: Uid(resource.name.as_str().to_owned()),
        version: Version(1),
        etag: resource.etag.clone(),
        content_type: resource.content_type.clone(),
        size: resource.body.len() as u64,
        modified_seq: Seq(0),
        modified_at: resource.modified_at,
        created_at: None,
    }
}

pub async fn put(ctx: &Ctx, reached: &Reached, name: ObjectName, body: Vec<u8>) -> Result<Response, ServerError> {
    let max = ctx.limits().resource_bytes;
    if body.len() as u64 > max {
        return Err(ServerError::status_with(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("over the resource limit of {max} bytes"),
        ));
    }
    let current = ctx.store().plain_resource(&reached.collection.id, &name).await?;
    check_conditions(ctx, current.as_ref())?;
    let etag = etag_of(&body);
    let resource = PlainResource {
        collection: reached.collection.id.clone(),
        name,
        content_type: ctx
            .header("content-type")
            .unwrap_or("application/octet-stream")
            .to_owned(),
        body,
        etag: etag.clone(),
        modified_at: now(),
    };
    let created = ctx.store().put_plain_resource(&resource).await?;
    let mut response = reply::empty(if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    });
    let value = HeaderValue::from_str(&quoted_etag(etag.as_str())).map_err(|e| ServerError::Internal(e.to_string()))?;
    response.headers_mut().insert(ETAG, value);
    Ok(response)
}

/// If-Match / If-None-Match against the current resource.
fn check_conditions(ctx: &Ctx, current: Option<&PlainResource>) -> Result<(), ServerError> {
    let failed = || ServerError::status_with(StatusCode::PRECONDITION_FAILED, "precondition failed");
    if let Some(value) = ctx.header("if-none-match") {
        let hit = value.trim() == "*" || current.is_some_and(|c| parse_etag(value) == c.etag);
        if hit && current.is_some() {
            return Err(failed());
        }
    }
    if let Some(value) = ctx.header("if-match") {
        let ok = match current {
            None => false,
            Some(_) if value.trim() == "*" => true,
            Some(c) => parse_etag(value) == c.etag,
        };
        if !ok {
            return Err(failed());
        }
    }
    Ok(())
}

pub async fn get(ctx: &Ctx, reached: &Reached, name: &ObjectName) -> Result<Response, ServerError> {
    let resource = ctx
        .store()
        .plain_resource(&reached.collection.id, name)
        .await?
        .ok_or(ServerError::NotFound)?;
    let header = |text: &str| HeaderValue::from_str(text).map_err(|e| ServerError::Internal(e.to_string()));
    let content_type = header(&resource.content_type)?;
    let etag = header(&quoted_etag(resource.etag.as_str()))?;
    let modified = header(&http_date(resource.modified_at.0))?;
    let mut response = Response::new(Body::from(resource.body));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    headers.insert(ETAG, etag);
    headers.insert(LAST_MODIFIED, modified);
    Ok(response)
}

pub async fn delete(ctx: &Ctx, reached: &Reached, name: &ObjectName) -> Result<Response, ServerError> {
    let current = ctx.store().plain_resource(&reached.collection.id, name).await?;
    if current.is_none() {
        return Err(ServerError::NotFound);
    }
    let stale = |value: &str| {
        current
            .as_ref()
            .is_some_and(|c| value.trim() != "*" && parse_etag(value) != c.etag)
    };
    if ctx.header("if-match").is_some_and(stale) {
        return Err(ServerError::status_with(
            StatusCode::PRECONDITION_FAILED,
            "precondition failed",
        ));
    }
    ctx.store().delete_plain_resource(&reached.collection.id, name).await?;
    super::delete::forget(ctx, reached, name).await?;
    Ok(reply::empty(StatusCode::NO_CONTENT))
}
