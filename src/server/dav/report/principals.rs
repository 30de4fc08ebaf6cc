//! principal-property-search and principal-search-property-set (RFC 3744
//! §9.4, §9.5), on the DAV root, the principal collection or a principal.
//!
//! The search space is the principals the user may PROPFIND: their own.
//! pimgate shares collections by grants made on the command line, not
//! through DAV ACLs, so no client needs to find other users' principals,
//! and user names are not disclosed to other users.

use axum::http::StatusCode;
use axum::response::Response;

use crate::server::paths;

use super::super::Ctx;
use super::super::propfind;
use super::super::props::{self, PropContext, Subject};
use super::super::reply;
use super::super::resource::Target;
use super::super::xml::request::{PropFind, PropertySearch};
use super::super::xml::response::Multistatus;
use super::super::xml::value::PropValue;
use super::super::xml::{DavProp, Href};

/// Whether a REPORT on `target` is a principal report's place.
pub fn applies_to(target: &Target) -> bool {
    matches!(target, Target::Root | Target::Principals | Target::Principal(_))
}

pub fn search(ctx: &Ctx, searches: &[PropertySearch], any_of: bool, request: &PropFind) -> Response {
    let pctx = PropContext {
        user: &ctx.user,
        limits: ctx.limits(),
    };
    let candidates = [ctx.user.as_str()];
    let responses = candidates
        .into_iter()
        .filter(|user| {
            let subject = Subject::Principal(user);
            let hit = |s: &PropertySearch| matches(&pctx, &subject, s);
            match (searches.is_empty(), any_of) {
                (true, _) => true,
                (false, true) => searches.iter().any(hit),
                (false, false) => searches.iter().all(hit),
            }
        })
        .map(|user| {
            let href = Href::from_path(paths::principal(user));
            propfind::response(&pctx, href, &Subject::Principal(user), request, &[])
        })
        .collect();
    reply::multistatus(&Multistatus {
        responses,
        sync_token: None,
    })
}

/// A caseless substring match (RFC 3744 §9.4) against any of the
/// search's properties; properties the principal lacks never match.
fn matches(pctx: &PropContext<'_>, subject: &Subject<'_>, search: &PropertySearch) -> bool {
    let wanted = search.text.trim().to_lowercase();
    search
        .props
        .iter()
        .filter(|name| SEARCHABLE.contains(name))
        .filter_map(|name| props::value(pctx, subject, name))
        .any(|value| texts(&value).iter().any(|t| t.to_lowercase().contains(&wanted)))
}

fn texts(value: &PropValue) -> Vec<String> {
    match value {
        PropValue::Text(text) => vec![text.clone()],
        PropValue::Href(href) => vec![href.path().to_owned()],
        PropValue::Hrefs(hrefs) => hrefs.iter().map(|h| h.path().to_owned()).collect(),
        _ => Vec::new(),
    }
}

/// What a principal search may look at (RFC 3744 §9.5).
const SEARCHABLE: [DavProp; 2] = [DavProp::DisplayName, DavProp::CalendarUserAddressSet];

pub fn search_property_set() -> Response {
    let body = concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<d:principal-search-property-set xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav">"#,
        r#"<d:principal-search-property><d:prop><d:displayname/></d:prop>"#,
        r#"<d:description xml:lang="en">User name</d:description></d:principal-search-property>"#,
        r#"<d:principal-search-property><d:prop><cal:calendar-user-address-set/></d:prop>"#,
        r#"<d:description xml:lang="en">Calendar user address</d:description></d:principal-search-property>"#,
        r#"</d:principal-search-property-set>"#,
    );
    reply::xml(StatusCode::OK, body)
}
