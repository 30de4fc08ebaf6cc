//! PROPPATCH (RFC 4918 §14.19) and extended MKCOL / MKCALENDAR bodies
//! (RFC 5689 §5.1, RFC 4791 §5.3.1), which share the `<set><prop>` shape.

use crate::universal::ComponentName;

use super::super::error::{XmlError, XmlErrorKind};
use super::super::names::{DavProp, Namespace};
use super::super::tree::{Element, XmlLimits};
use super::super::value::{PropValue, ResourceKind, Transp};
use super::{document, non_empty};

/// One instruction of a PROPPATCH, in document order (RFC 4918 §9.2: the
/// instructions apply in order, and all or none succeed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropPatchOp {
    Set(DavProp, PropValue),
    Remove(DavProp),
}

/// A PROPPATCH body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyUpdate {
    pub ops: Vec<PropPatchOp>,
}

/// An extended MKCOL (RFC 5689) or MKCALENDAR (RFC 4791 §5.3.1) body: the
/// requested resource type and the properties to set on creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MkCol {
    /// The `resourcetype` asked for; empty for MKCALENDAR without one.
    pub resource_type: Vec<ResourceKind>,
    /// Other properties, in document order.
    pub props: Vec<(DavProp, PropValue)>,
}

/// Reads a PROPPATCH body (required, RFC 4918 §9.2).
pub fn parse_proppatch(input: &[u8], limits: &XmlLimits) -> Result<PropertyUpdate, XmlError> {
    let root = non_empty(document(input, limits, Namespace::Dav, "propertyupdate")?)?;
    let mut ops = Vec::new();
    for instruction in root.elements().filter(|e| e.ns == Namespace::Dav) {
        let remove = match instruction.name.as_str() {
            "set" => false,
            "remove" => true,
            _ => continue,
        };
        for prop in instruction.elements().filter(|e| e.is(&Namespace::Dav, "prop")) {
            for element in prop.elements() {
                let name = DavProp::from_name(&element.ns, &element.name);
                ops.push(if remove {
                    PropPatchOp::Remove(name)
                } else {
                    PropPatchOp::Set(name, value(element)?)
                });
            }
        }
    }
    Ok(PropertyUpdate { ops })
}

/// Reads an extended MKCOL or MKCALENDAR body; `None` for an empty body
/// (a plain MKCOL, or a MKCALENDAR with defaults). `mkcalendar` picks the
/// document element (`CALDAV:mkcalendar` or `DAV:mkcol`).
pub fn parse_mkcol(input: &[u8], limits: &XmlLimits, mkcalendar: bool) -> Result<Option<MkCol>, XmlError> {
    let expected = if mkcalendar {
        (Namespace::CalDav, "mkcalendar")
    } else {
        (Namespace::Dav, "mkcol")
    };
    let Some(root) = document(input, limits, expected.0, expected.1)? else {
        return Ok(None);
    };
    let mut mkcol = MkCol {
        resource_type: Vec::new(),
        props: Vec::new(),
    };
    let sets = root.elements().filter(|e| e.is(&Namespace::Dav, "set"));
    for prop in sets.flat_map(|s| s.elements().filter(|e| e.is(&Namespace::Dav, "prop"))) {
        for element in prop.elements() {
            match (DavProp::from_name(&element.ns, &element.name), value(element)?) {
                (DavProp::ResourceType, PropValue::ResourceType(kinds)) => mkcol.resource_type = kinds,
                (name, value) => mkcol.props.push((name, value)),
            }
        }
    }
    Ok(Some(mkcol))
}

/// The value of a property element: typed for the properties a client may
/// set and the server interprets, XML for everything else.
fn value(element: &Element) -> Result<PropValue, XmlError> {
    let prop = DavProp::from_name(&element.ns, &element.name);
    Ok(match prop {
        DavProp::DisplayName
        | DavProp::CalendarColor
        | DavProp::CalendarOrder
        | DavProp::CalendarDescription
        | DavProp::AddressbookDescription
        | DavProp::CalendarTimezone
            if element.elements().next().is_none() =>
        {
            PropValue::Text(element.text())
        }
        DavProp::ResourceType => PropValue::ResourceType(
            element
                .elements()
                .map(|e| ResourceKind::from_name(&e.ns, &e.name))
                .collect(),
        ),
        DavProp::SupportedCalendarComponentSet => PropValue::Components(components(element)?),
        DavProp::ScheduleCalendarTransp => PropValue::Transp(transp(element)?),
        _ => PropValue::Xml(element.clone()),
    })
}

/// `<C:comp name="VEVENT"/>` children (RFC 4791 §5.2.3).
fn components(element: &Element) -> Result<Vec<ComponentName>, XmlError> {
    element
        .elements()
        .filter(|e| e.is(&Namespace::CalDav, "comp"))
        .map(|comp| match comp.attr("name") {
            Some(name) if !name.trim().is_empty() => Ok(ComponentName::parse(name.trim())),
            _ => Err(comp.error(XmlErrorKind::MissingElement {
                parent: "comp".into(),
                child: "@name",
            })),
        })
        .collect()
}

/// `<C:opaque/>` or `<C:transparent/>` (RFC 6638 §9.1).
fn transp(element: &Element) -> Result<Transp, XmlError> {
    let child = element.elements().find(|e| e.ns == Namespace::CalDav);
    match child.map(|e| e.name.as_str()) {
        Some("opaque") => Ok(Transp::Opaque),
        Some("transparent") => Ok(Transp::Transparent),
        other => Err(element.error(XmlErrorKind::InvalidValue {
            what: "schedule-calendar-transp",
            value: other.unwrap_or_default().to_owned(),
        })),
    }
}
