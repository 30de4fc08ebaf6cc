//! Typed DAV requests, read from a body through [`tree`](super::tree) (STYLE G5).
//!
//! One entry point per method body: [`parse_propfind`], [`parse_proppatch`],
//! [`parse_mkcol`], [`parse_lockinfo`] and [`parse_report`]. Each reads the
//! whole body into a bounded element tree first, then maps it onto closed
//! enums; no handler ever sees XML. Unknown elements where the RFCs allow
//! extensions are ignored (RFC 4918 §17), unknown properties become
//! [`DavProp::Dead`].

mod data;
mod filter;
mod lock;
mod propfind;
mod proppatch;
mod report;

pub use data::{AddressDataRequest, CalendarDataRequest, CompSelect, PropSelect, TimeRange, UtcDateTime};
pub use filter::{CardFilter, Collation, CompFilter, MatchType, ParamFilter, PropFilter, Test, TextMatch};
pub use lock::{LockInfo, parse_lockinfo};
pub use propfind::{PropFind, parse_propfind};
pub use proppatch::{MkCol, PropPatchOp, PropertyUpdate, parse_mkcol, parse_proppatch};
pub use report::{PropertySearch, Report, SyncLevel, parse_report};

use super::error::{XmlError, XmlErrorKind};
use super::href::Href;
use super::names::{DavProp, Namespace};
use super::tree::{Element, XmlLimits, parse_document};

/// Reads a body whose document element must be `ns:name`; `None` if blank.
fn document(input: &[u8], limits: &XmlLimits, ns: Namespace, name: &'static str) -> Result<Option<Element>, XmlError> {
    let Some(root) = parse_document(input, limits)? else {
        return Ok(None);
    };
    if !root.is(&ns, name) {
        let found = format!("{{{}}}{}", root.ns.uri(), root.name);
        return Err(root.error(XmlErrorKind::UnexpectedRoot { expected: name, found }));
    }
    Ok(Some(root))
}

/// The property names inside a `<D:prop>` (RFC 4918 §14.18).
fn prop_names(prop: &Element) -> Vec<DavProp> {
    prop.elements().map(|e| DavProp::from_name(&e.ns, &e.name)).collect()
}

/// A required child element.
fn required<'a>(parent: &'a Element, ns: &Namespace, name: &'static str) -> Result<&'a Element, XmlError> {
    parent.child(ns, name).ok_or_else(|| {
        parent.error(XmlErrorKind::MissingElement {
            parent: parent.name.clone(),
            child: name,
        })
    })
}

/// The `<D:href>` children of an element, decoded (RFC 4918 §14.7).
fn hrefs(parent: &Element) -> Result<Vec<Href>, XmlError> {
    parent
        .elements()
        .filter(|e| e.is(&Namespace::Dav, "href"))
        .map(|e| Href::from_wire(&e.text()).map_err(|k| e.error(k)))
        .collect()
}

/// A non-negative integer element body, such as `<D:nresults>` (RFC 5323 §5.17).
fn number(element: &Element, what: &'static str) -> Result<u32, XmlError> {
    let text = element.text();
    text.trim()
        .parse()
        .map_err(|_| element.error(XmlErrorKind::InvalidValue { what, value: text }))
}

/// `<limit><nresults>n</nresults></limit>`: DAV: in sync-collection
/// (RFC 6578 §6.1, from RFC 5323 §5.17), CARDDAV: in addressbook-query
/// (RFC 6352 §10.6). Either namespace is accepted in both places.
fn limit(parent: &Element) -> Result<Option<u32>, XmlError> {
    let found = parent
        .child(&Namespace::Dav, "limit")
        .or_else(|| parent.child(&Namespace::CardDav, "limit"));
    let Some(limit) = found else { return Ok(None) };
    let nresults = limit
        .child(&Namespace::Dav, "nresults")
        .or_else(|| limit.child(&Namespace::CardDav, "nresults"))
        .ok_or_else(|| {
            limit.error(XmlErrorKind::MissingElement {
                parent: "limit".into(),
                child: "nresults",
            })
        })?;
    number(nresults, "nresults").map(Some)
}

/// The body every method but PROPFIND, MKCOL and LOCK requires.
fn non_empty(root: Option<Element>) -> Result<Element, XmlError> {
    root.ok_or(XmlError {
        line: 1,
        column: 1,
        kind: XmlErrorKind::Empty,
    })
}
