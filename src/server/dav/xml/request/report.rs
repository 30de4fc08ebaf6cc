//! REPORT bodies: sync-collection (RFC 6578 §3.2), the CardDAV reports
//! (RFC 6352 §8.6, §8.7) and the CalDAV reports (RFC 4791 §7.8–§7.10).

use super::super::error::{XmlError, XmlErrorKind};
use super::super::href::Href;
use super::super::names::{DavProp, Namespace};
use super::super::tree::{Element, XmlLimits, parse_document};
use super::super::value::ReportName;
use super::data::{AddressDataRequest, CalendarDataRequest, TimeRange};
use super::filter::{CardFilter, CompFilter};
use super::propfind::PropFind;
use super::{hrefs, limit, non_empty, prop_names, required};

/// `DAV:sync-level` (RFC 6578 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncLevel {
    /// Immediate members only.
    One,
    /// All descendants.
    Infinite,
}

/// A REPORT request, one variant per report this server implements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// RFC 6578 §3.2. `token` is `None` for an initial sync (empty element).
    SyncCollection {
        token: Option<String>,
        level: SyncLevel,
        limit: Option<u32>,
        props: PropFind,
        /// The address-data or calendar-data asked for in `props`, read in detail.
        address_data: Option<AddressDataRequest>,
        calendar_data: Option<CalendarDataRequest>,
    },
    /// RFC 6352 §8.7.
    AddressbookMultiget {
        hrefs: Vec<Href>,
        props: PropFind,
        address_data: Option<AddressDataRequest>,
    },
    /// RFC 4791 §7.9.
    CalendarMultiget {
        hrefs: Vec<Href>,
        props: PropFind,
        calendar_data: Option<CalendarDataRequest>,
    },
    /// RFC 6352 §8.6.
    AddressbookQuery {
        filter: CardFilter,
        props: PropFind,
        address_data: Option<AddressDataRequest>,
        limit: Option<u32>,
    },
    /// RFC 4791 §7.8. `filter` is the top-level VCALENDAR comp-filter.
    CalendarQuery {
        filter: CompFilter,
        props: PropFind,
        calendar_data: Option<CalendarDataRequest>,
        /// `<C:timezone>`: a VCALENDAR with one VTIMEZONE (RFC 4791 §9.8).
        timezone: Option<String>,
        /// `<C:timezone-id>` (RFC 7809 §5.2).
        timezone_id: Option<String>,
    },
    /// RFC 4791 §7.10.
    FreeBusyQuery { time_range: TimeRange },
    /// RFC 3744 §9.4: principals whose properties contain the given texts.
    PrincipalPropertySearch {
        searches: Vec<PropertySearch>,
        /// `test="anyof"`: one search must match (default: all of them).
        any_of: bool,
        props: PropFind,
    },
    /// RFC 3744 §9.5: which properties a principal search may look at.
    PrincipalSearchPropertySet,
}

/// One `DAV:property-search`: any of `props` contains `text` (caseless).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertySearch {
    pub props: Vec<DavProp>,
    pub text: String,
}

impl Report {
    /// Which report this is, to check it against a resource's `supported-report-set`.
    pub fn name(&self) -> ReportName {
        match self {
            Report::SyncCollection { .. } => ReportName::SyncCollection,
            Report::AddressbookMultiget { .. } => ReportName::AddressbookMultiget,
            Report::CalendarMultiget { .. } => ReportName::CalendarMultiget,
            Report::AddressbookQuery { .. } => ReportName::AddressbookQuery,
            Report::CalendarQuery { .. } => ReportName::CalendarQuery,
            Report::FreeBusyQuery { .. } => ReportName::FreeBusyQuery,
            Report::PrincipalPropertySearch { .. } => ReportName::PrincipalPropertySearch,
            Report::PrincipalSearchPropertySet => ReportName::PrincipalSearchPropertySet,
        }
    }
}

/// Reads a REPORT body (required, RFC 3253 §3.6).
pub fn parse_report(input: &[u8], limits: &XmlLimits) -> Result<Report, XmlError> {
    let root = non_empty(parse_document(input, limits)?)?;
    let (dav, card, cal) = (Namespace::Dav, Namespace::CardDav, Namespace::CalDav);
    Ok(match (&root.ns, root.name.as_str()) {
        (ns, "sync-collection") if *ns == dav => sync_collection(&root)?,
        (ns, "addressbook-multiget") if *ns == card => Report::AddressbookMultiget {
            hrefs: hrefs(&root)?,
            props: props(&root),
            address_data: data_request(&root, &card, "address-data", AddressDataRequest::from_element)?,
        },
        (ns, "calendar-multiget") if *ns == cal => Report::CalendarMultiget {
            hrefs: hrefs(&root)?,
            props: props(&root),
            calendar_data: data_request(&root, &cal, "calendar-data", CalendarDataRequest::from_element)?,
        },
        (ns, "addressbook-query") if *ns == card => Report::AddressbookQuery {
            filter: CardFilter::from_element(required(&root, &card, "filter")?)?,
            props: props(&root),
            address_data: data_request(&root, &card, "address-data", AddressDataRequest::from_element)?,
            limit: limit(&root)?,
        },
        (ns, "calendar-query") if *ns == cal => calendar_query(&root)?,
        (ns, "free-busy-query") if *ns == cal => Report::FreeBusyQuery {
            time_range: TimeRange::from_element(required(&root, &cal, "time-range")?)?,
        },
        (ns, "principal-property-search") if *ns == dav => principal_property_search(&root),
        (ns, "principal-search-property-set") if *ns == dav => Report::PrincipalSearchPropertySet,
        _ => {
            let name = format!("{{{}}}{}", root.ns.uri(), root.name);
            return Err(root.error(XmlErrorKind::UnsupportedReport(name)));
        }
    })
}

fn sync_collection(root: &Element) -> Result<Report, XmlError> {
    let dav = Namespace::Dav;
    let token = root
        .child(&dav, "sync-token")
        .map(|t| t.text().trim().to_owned())
        .filter(|t| !t.is_empty());
    // sync-level is required by RFC 6578 §6.3, but early clients omit it; 1 is what they mean.
    let level = match root.child(&dav, "sync-level") {
        None => SyncLevel::One,
        Some(level) => match level.text().trim() {
            "1" => SyncLevel::One,
            "infinite" | "infinity" => SyncLevel::Infinite,
            other => {
                let value = other.to_owned();
                return Err(level.error(XmlErrorKind::InvalidValue {
                    what: "sync-level",
                    value,
                }));
            }
        },
    };
    let (card, cal) = (Namespace::CardDav, Namespace::CalDav);
    Ok(Report::SyncCollection {
        token,
        level,
        limit: limit(root)?,
        props: props(root),
        address_data: data_request(root, &card, "address-data", AddressDataRequest::from_element)?,
        calendar_data: data_request(root, &cal, "calendar-data", CalendarDataRequest::from_element)?,
    })
}

fn principal_property_search(root: &Element) -> Report {
    let dav = Namespace::Dav;
    let searches = root
        .elements()
        .filter(|e| e.is(&dav, "property-search"))
        .map(|search| PropertySearch {
            props: search.child(&dav, "prop").map(prop_names).unwrap_or_default(),
            text: search.child(&dav, "match").map(Element::text).unwrap_or_default(),
        })
        .collect();
    // python caldav 3.6 sends `<D:prop/>` followed by the properties it
    // wants as siblings; those are read as if they were inside.
    let stray: Vec<DavProp> = root
        .elements()
        .filter(|e| {
            !(e.is(&dav, "property-search") || e.is(&dav, "prop") || e.is(&dav, "apply-to-principal-collection-set"))
        })
        .map(|e| DavProp::from_name(&e.ns, &e.name))
        .collect();
    let props = match props(root) {
        PropFind::Prop(mut names) if !stray.is_empty() => {
            names.extend(stray);
            PropFind::Prop(names)
        }
        other => other,
    };
    Report::PrincipalPropertySearch {
        searches,
        any_of: root.attr("test") == Some("anyof"),
        props,
    }
}

fn calendar_query(root: &Element) -> Result<Report, XmlError> {
    let cal = Namespace::CalDav;
    let filter = required(root, &cal, "filter")?;
    let top = required(filter, &cal, "comp-filter")?;
    let text = |name| root.child(&cal, name).map(|e| e.text().trim().to_owned());
    Ok(Report::CalendarQuery {
        filter: CompFilter::from_element(top)?,
        props: props(root),
        calendar_data: data_request(root, &cal, "calendar-data", CalendarDataRequest::from_element)?,
        timezone: text("timezone"),
        timezone_id: text("timezone-id"),
    })
}

/// The `allprop | propname | prop` choice of a report; absent means allprop
/// (RFC 4791 §7.8, RFC 6352 §8.6).
fn props(root: &Element) -> PropFind {
    let dav = Namespace::Dav;
    if let Some(prop) = root.child(&dav, "prop") {
        PropFind::Prop(prop_names(prop))
    } else if root.child(&dav, "propname").is_some() {
        PropFind::PropName
    } else {
        PropFind::AllProp { include: Vec::new() }
    }
}

/// The address-data / calendar-data element inside `<D:prop>`, read in detail.
fn data_request<T>(
    root: &Element,
    ns: &Namespace,
    name: &str,
    read: fn(&Element) -> Result<T, XmlError>,
) -> Result<Option<T>, XmlError> {
    let prop = root.child(&Namespace::Dav, "prop");
    prop.and_then(|p| p.child(ns, name)).map(read).transpose()
}
