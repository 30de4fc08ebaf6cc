//! GET and HEAD of objects (RFC 4918 §9.4) and the one place that decides
//! which bytes an object is served as: the stored bytes when the client
//! takes the stored format, else the record rendered in the format asked
//! for (vCard 3.0 ↔ 4.0 by `Accept`, RFC 6352 §5.1.1; `address-data` in reports).

use std::borrow::Cow;

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, ETAG, LAST_MODIFIED};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use crate::adapters::vcard::{self, VCardVersion};
use crate::server::error::ServerError;
use crate::server::render::{VCARD3, VCARD4};
use crate::store::{CollectionKind, ObjectStore, StoredObject};

use super::Ctx;
use super::props::{http_date, quoted_etag};
use super::resource::{self, Target};

/// The vCard version of stored bytes, from their media type.
pub fn stored_vcard_version(content_type: &str) -> VCardVersion {
    if content_type.contains("4.0") {
        VCardVersion::V4
    } else {
        VCardVersion::V3
    }
}

/// The version an `Accept` header asks for, if it names one.
pub fn accepted_vcard_version(accept: Option<&str>) -> Option<VCardVersion> {
    let accept = accept?.to_ascii_lowercase();
    let vcard = accept.split(',').find(|range| range.contains("vcard"))?;
    if vcard.contains("version=4.0") {
        Some(VCardVersion::V4)
    } else if vcard.contains("version=3.0") {
        Some(VCardVersion::V3)
    } else {
        None
    }
}

/// An object's bytes and media type in the vCard version asked for: the
/// stored bytes when they are already in it (served byte for byte),
/// otherwise the record rendered.
pub fn representation(
    object: &StoredObject,
    want: Option<VCardVersion>,
) -> Result<(Cow<'_, [u8]>, Cow<'_, str>), ServerError> {
    let stored = Cow::Borrowed(object.original.as_slice());
    let is_vcard = object.content_type.starts_with("text/vcard");
    match want {
        Some(version) if is_vcard && version != stored_vcard_version(&object.content_type) => {
            let bytes = vcard::render(&object.record, version).map_err(|e| ServerError::Internal(e.to_string()))?;
            let media = if version == VCardVersion::V4 { VCARD4 } else { VCARD3 };
            Ok((Cow::Owned(bytes), Cow::Borrowed(media)))
        }
        _ => Ok((stored, Cow::Borrowed(object.content_type.as_str()))),
    }
}

pub async fn handle(ctx: &Ctx, target: Target) -> Result<Response, ServerError> {
    let Target::Object {
        owner,
        home,
        collection,
        name,
    } = target
    else {
        return collection_page(ctx, &target).await;
    };
    let reached = resource::reach_existing(ctx.store(), &ctx.user, &owner, home, &collection).await?;
    if reached.collection.kind == CollectionKind::Plain {
        return super::plain::get(ctx, &reached, &name).await;
    }
    let object = ctx
        .store()
        .object(&reached.collection.id, &name)
        .await?
        .filter(|o| !o.deleted)
        .ok_or(ServerError::NotFound)?;
    let (bytes, media) = representation(&object, accepted_vcard_version(ctx.header("accept")))?;
    let mut response = Response::new(Body::from(bytes.into_owned()));
    let headers = response.headers_mut();
    let header = |text: &str| HeaderValue::from_str(text).map_err(|e| ServerError::Internal(e.to_string()));
    headers.insert(CONTENT_TYPE, header(&media)?);
    headers.insert(ETAG, header(&quoted_etag(object.etag.as_str()))?);
    headers.insert(LAST_MODIFIED, header(&http_date(object.modified_at.0))?);
    Ok(response)
}

/// GET on a collection or home: a short text page (generic WebDAV clients
/// and browsers); the user must be able to see it.
async fn collection_page(ctx: &Ctx, target: &Target) -> Result<Response, ServerError> {
    if let Target::Collection { owner, home, name } = target {
        resource::reach_existing(ctx.store(), &ctx.user, owner, *home, name).await?;
    } else if let Some(owner) = target.owner() {
        resource::own_space(&ctx.user, owner)?;
    }
    let mut response = Response::new(Body::from("pimgate DAV collection: use a CardDAV/CalDAV client\n"));
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6352_5_1_1_accept_names_the_vcard_version() {
        assert_eq!(
            accepted_vcard_version(Some("text/vcard; version=4.0")),
            Some(VCardVersion::V4)
        );
        assert_eq!(
            accepted_vcard_version(Some("text/html, text/vcard;version=3.0;q=0.9")),
            Some(VCardVersion::V3)
        );
        assert_eq!(accepted_vcard_version(Some("*/*")), None);
        assert_eq!(accepted_vcard_version(None), None);
    }
}
