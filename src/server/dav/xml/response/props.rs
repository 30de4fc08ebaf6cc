//! Property values → XML inside `<d:prop>` (RFC 4918 §15, RFC 6352 §6–7,
//! RFC 4791 §5–6, RFC 3744 §5).

use std::io::{self, Write};

use super::super::names::{DavProp, Namespace};
use super::super::value::{ActiveLock, LockDepth, LockScope, MediaType, PropValue, Transp};
use super::writer::DavWriter;

const DAV: &Namespace = &Namespace::Dav;

/// Writes one property element with its value.
pub(super) fn write_prop<W: Write>(xml: &mut DavWriter<W>, prop: &DavProp, value: &PropValue) -> io::Result<()> {
    let (ns, name) = prop.name();
    match value {
        PropValue::Empty => return xml.empty(ns, name),
        PropValue::Text(text) | PropValue::AddressData(text) | PropValue::CalendarData(text) => {
            return xml.text_element(ns, name, text);
        }
        PropValue::Xml(element) => return xml.element(element),
        PropValue::ResourceType(kinds) if kinds.is_empty() => return xml.empty(ns, name),
        _ => {}
    }
    xml.start(ns, name)?;
    write_children(xml, value)?;
    xml.end(ns, name)
}

fn write_children<W: Write>(xml: &mut DavWriter<W>, value: &PropValue) -> io::Result<()> {
    match value {
        PropValue::Empty | PropValue::Text(_) | PropValue::AddressData(_) | PropValue::CalendarData(_) => Ok(()),
        PropValue::Href(href) => xml.text_element(DAV, "href", &href.encoded()),
        PropValue::Hrefs(hrefs) => hrefs
            .iter()
            .try_for_each(|h| xml.text_element(DAV, "href", &h.encoded())),
        PropValue::ResourceType(kinds) => kinds.iter().try_for_each(|k| {
            let (ns, name) = k.name();
            xml.empty(ns, name)
        }),
        PropValue::SupportedReports(reports) => reports.iter().try_for_each(|report| {
            let (ns, name) = report.name();
            xml.start(DAV, "supported-report")?;
            xml.start(DAV, "report")?;
            xml.empty(&ns, name)?;
            xml.end(DAV, "report")?;
            xml.end(DAV, "supported-report")
        }),
        PropValue::Components(comps) => comps
            .iter()
            .try_for_each(|c| xml.empty_with(&Namespace::CalDav, "comp", &[("name", c.as_str())])),
        PropValue::SupportedAddressData(types) => types
            .iter()
            .try_for_each(|t| media_type(xml, &Namespace::CardDav, "address-data-type", t)),
        PropValue::SupportedCalendarData(types) => types
            .iter()
            .try_for_each(|t| media_type(xml, &Namespace::CalDav, "calendar-data", t)),
        PropValue::Privileges(privileges) => privileges.iter().try_for_each(|p| {
            let (ns, name) = p.name();
            xml.start(DAV, "privilege")?;
            xml.empty(&ns, name)?;
            xml.end(DAV, "privilege")
        }),
        PropValue::SupportedLock(scopes) => scopes.iter().try_for_each(|&scope| {
            xml.start(DAV, "lockentry")?;
            lock_scope_and_type(xml, scope)?;
            xml.end(DAV, "lockentry")
        }),
        PropValue::LockDiscovery(locks) => locks.iter().try_for_each(|lock| active_lock(xml, lock)),
        PropValue::Transp(Transp::Opaque) => xml.empty(&Namespace::CalDav, "opaque"),
        PropValue::Transp(Transp::Transparent) => xml.empty(&Namespace::CalDav, "transparent"),
        // Written whole by `write_prop`.
        PropValue::Xml(_) => Ok(()),
    }
}

fn media_type<W: Write>(xml: &mut DavWriter<W>, ns: &Namespace, name: &str, t: &MediaType) -> io::Result<()> {
    match t.version() {
        Some(version) => xml.empty_with(ns, name, &[("content-type", t.content_type()), ("version", version)]),
        None => xml.empty_with(ns, name, &[("content-type", t.content_type())]),
    }
}

fn lock_scope_and_type<W: Write>(xml: &mut DavWriter<W>, scope: LockScope) -> io::Result<()> {
    xml.start(DAV, "lockscope")?;
    xml.empty(
        DAV,
        if scope == LockScope::Exclusive {
            "exclusive"
        } else {
            "shared"
        },
    )?;
    xml.end(DAV, "lockscope")?;
    xml.start(DAV, "locktype")?;
    xml.empty(DAV, "write")?;
    xml.end(DAV, "locktype")
}

/// `<d:activelock>` (RFC 4918 §14.1).
fn active_lock<W: Write>(xml: &mut DavWriter<W>, lock: &ActiveLock) -> io::Result<()> {
    xml.start(DAV, "activelock")?;
    lock_scope_and_type(xml, lock.scope)?;
    xml.text_element(
        DAV,
        "depth",
        if lock.depth == LockDepth::Zero { "0" } else { "infinity" },
    )?;
    if let Some(owner) = &lock.owner {
        xml.start(DAV, "owner")?;
        xml.fragment(owner)?;
        xml.end(DAV, "owner")?;
    }
    let timeout = lock
        .timeout_secs
        .map_or_else(|| "Infinite".to_owned(), |s| format!("Second-{s}"));
    xml.text_element(DAV, "timeout", &timeout)?;
    xml.start(DAV, "locktoken")?;
    xml.text_element(DAV, "href", &lock.token)?;
    xml.end(DAV, "locktoken")?;
    xml.start(DAV, "lockroot")?;
    xml.text_element(DAV, "href", &lock.root.encoded())?;
    xml.end(DAV, "lockroot")?;
    xml.end(DAV, "activelock")
}
