//! Property values: what a PROPPATCH sets and what a PROPFIND returns.
//!
//! Known properties carry typed values ([`PropValue::ResourceType`],
//! [`PropValue::Components`], ...); a dead property keeps its XML children
//! ([`PropValue::Xml`]) so it is served back as the client wrote it.

use crate::universal::ComponentName;

use super::href::Href;
use super::names::Namespace;
use super::tree::{Element, Node};

/// The value of one property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropValue {
    /// An empty element: a property with no value, or a name in a 404 propstat.
    Empty,
    /// Character data (displayname, getetag, calendar-color, descriptions, ...).
    Text(String),
    /// One `<d:href>` (current-user-principal, principal-URL, owner).
    Href(Href),
    /// Several `<d:href>`s (home sets, calendar-user-address-set).
    Hrefs(Vec<Href>),
    /// `DAV:resourcetype` (RFC 4918 §15.9).
    ResourceType(Vec<ResourceKind>),
    /// `DAV:supported-report-set` (RFC 3253 §3.1.5).
    SupportedReports(Vec<ReportName>),
    /// `CALDAV:supported-calendar-component-set` (RFC 4791 §5.2.3).
    Components(Vec<ComponentName>),
    /// `CARDDAV:supported-address-data` (RFC 6352 §6.2.2).
    SupportedAddressData(Vec<MediaType>),
    /// `CALDAV:supported-calendar-data` (RFC 4791 §5.2.4).
    SupportedCalendarData(Vec<MediaType>),
    /// `CARDDAV:address-data` (RFC 6352 §10.4): the vCard text.
    AddressData(String),
    /// `CALDAV:calendar-data` (RFC 4791 §9.6): the iCalendar text.
    CalendarData(String),
    /// `DAV:current-user-privilege-set` (RFC 3744 §5.4).
    Privileges(Vec<Privilege>),
    /// `DAV:supportedlock` (RFC 4918 §15.10): write locks of these scopes.
    SupportedLock(Vec<LockScope>),
    /// `DAV:lockdiscovery` (RFC 4918 §15.8).
    LockDiscovery(Vec<ActiveLock>),
    /// `CALDAV:schedule-calendar-transp` (RFC 6638 §9.1).
    Transp(Transp),
    /// A dead (or uninterpreted) property: the property element itself as
    /// the client wrote it, attributes such as `xml:lang` included (RFC 4918
    /// §4.3). The writer emits this element in place of the property name.
    Xml(Element),
}

/// One member of `DAV:resourcetype`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind {
    /// `DAV:collection` (RFC 4918 §14.3).
    Collection,
    /// `DAV:principal` (RFC 3744 §4).
    Principal,
    /// `CARDDAV:addressbook` (RFC 6352 §5.2).
    Addressbook,
    /// `CALDAV:calendar` (RFC 4791 §4.2).
    Calendar,
    /// `CALDAV:schedule-inbox` (RFC 6638 §2.2).
    ScheduleInbox,
    /// `CALDAV:schedule-outbox` (RFC 6638 §2.1).
    ScheduleOutbox,
    /// `CS:subscribed` (Apple calendar subscriptions).
    Subscribed,
    /// Anything else, kept.
    Other { ns: Namespace, name: String },
}

impl ResourceKind {
    /// The kind for an element inside `<resourcetype>`.
    pub fn from_name(ns: &Namespace, name: &str) -> ResourceKind {
        match (ns, name) {
            (Namespace::Dav, "collection") => ResourceKind::Collection,
            (Namespace::Dav, "principal") => ResourceKind::Principal,
            (Namespace::CardDav, "addressbook") => ResourceKind::Addressbook,
            (Namespace::CalDav, "calendar") => ResourceKind::Calendar,
            (Namespace::CalDav, "schedule-inbox") => ResourceKind::ScheduleInbox,
            (Namespace::CalDav, "schedule-outbox") => ResourceKind::ScheduleOutbox,
            (Namespace::CalendarServer, "subscribed") => ResourceKind::Subscribed,
            _ => ResourceKind::Other {
                ns: ns.clone(),
                name: name.to_owned(),
            },
        }
    }

    /// The element name.
    pub fn name(&self) -> (&Namespace, &str) {
        match self {
            ResourceKind::Collection => (&Namespace::Dav, "collection"),
            ResourceKind::Principal => (&Namespace::Dav, "principal"),
            ResourceKind::Addressbook => (&Namespace::CardDav, "addressbook"),
            ResourceKind::Calendar => (&Namespace::CalDav, "calendar"),
            ResourceKind::ScheduleInbox => (&Namespace::CalDav, "schedule-inbox"),
            ResourceKind::ScheduleOutbox => (&Namespace::CalDav, "schedule-outbox"),
            ResourceKind::Subscribed => (&Namespace::CalendarServer, "subscribed"),
            ResourceKind::Other { ns, name } => (ns, name),
        }
    }
}

/// A REPORT this server offers, for `supported-report-set`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportName {
    /// `DAV:sync-collection` (RFC 6578 §3.2).
    SyncCollection,
    /// `DAV:expand-property` (RFC 3253 §3.8).
    ExpandProperty,
    /// `DAV:principal-property-search` (RFC 3744 §9.4).
    PrincipalPropertySearch,
    /// `DAV:principal-search-property-set` (RFC 3744 §9.5).
    PrincipalSearchPropertySet,
    /// `CARDDAV:addressbook-multiget` (RFC 6352 §8.7).
    AddressbookMultiget,
    /// `CARDDAV:addressbook-query` (RFC 6352 §8.6).
    AddressbookQuery,
    /// `CALDAV:calendar-multiget` (RFC 4791 §7.9).
    CalendarMultiget,
    /// `CALDAV:calendar-query` (RFC 4791 §7.8).
    CalendarQuery,
    /// `CALDAV:free-busy-query` (RFC 4791 §7.10).
    FreeBusyQuery,
}

impl ReportName {
    /// The report's element name.
    pub fn name(self) -> (Namespace, &'static str) {
        match self {
            ReportName::SyncCollection => (Namespace::Dav, "sync-collection"),
            ReportName::ExpandProperty => (Namespace::Dav, "expand-property"),
            ReportName::PrincipalPropertySearch => (Namespace::Dav, "principal-property-search"),
            ReportName::PrincipalSearchPropertySet => (Namespace::Dav, "principal-search-property-set"),
            ReportName::AddressbookMultiget => (Namespace::CardDav, "addressbook-multiget"),
            ReportName::AddressbookQuery => (Namespace::CardDav, "addressbook-query"),
            ReportName::CalendarMultiget => (Namespace::CalDav, "calendar-multiget"),
            ReportName::CalendarQuery => (Namespace::CalDav, "calendar-query"),
            ReportName::FreeBusyQuery => (Namespace::CalDav, "free-busy-query"),
        }
    }
}

/// A media type with its version, as in `<address-data-type>` and
/// `<calendar-data>` (`content-type` and `version` attributes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `text/vcard` 3.0 (RFC 2426).
    VCard3,
    /// `text/vcard` 4.0 (RFC 6350), the CardDAV default (RFC 6352 §10.4).
    VCard4,
    /// `text/calendar` 2.0 (RFC 5545), the CalDAV default (RFC 4791 §9.6).
    ICalendar,
    /// Anything else, kept for a 415-style refusal by the caller.
    Other {
        content_type: String,
        version: Option<String>,
    },
}

impl MediaType {
    /// Reads the `content-type`/`version` attribute pair; a missing
    /// content type means `default`, a missing vCard version means 3.0
    /// (RFC 6352 §10.4 names 3.0 as the default version).
    pub fn from_attrs(content_type: Option<&str>, version: Option<&str>, default: MediaType) -> MediaType {
        let Some(content_type) = content_type else {
            return default;
        };
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match (essence.as_str(), version.map(str::trim)) {
            ("text/vcard" | "text/x-vcard", None | Some("3.0")) => MediaType::VCard3,
            ("text/vcard" | "text/x-vcard", Some("4.0")) => MediaType::VCard4,
            ("text/calendar", None | Some("2.0")) => MediaType::ICalendar,
            _ => MediaType::Other {
                content_type: content_type.to_owned(),
                version: version.map(str::to_owned),
            },
        }
    }

    /// The `content-type` attribute.
    pub fn content_type(&self) -> &str {
        match self {
            MediaType::VCard3 | MediaType::VCard4 => "text/vcard",
            MediaType::ICalendar => "text/calendar",
            MediaType::Other { content_type, .. } => content_type,
        }
    }

    /// The `version` attribute.
    pub fn version(&self) -> Option<&str> {
        match self {
            MediaType::VCard3 => Some("3.0"),
            MediaType::VCard4 => Some("4.0"),
            MediaType::ICalendar => Some("2.0"),
            MediaType::Other { version, .. } => version.as_deref(),
        }
    }
}

/// A privilege in `current-user-privilege-set` (RFC 3744 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Privilege {
    Read,
    Write,
    WriteProperties,
    WriteContent,
    Unlock,
    ReadAcl,
    ReadCurrentUserPrivilegeSet,
    WriteAcl,
    Bind,
    Unbind,
    All,
    /// `CALDAV:read-free-busy` (RFC 4791 §6.1.1).
    ReadFreeBusy,
}

impl Privilege {
    /// The privilege's element name.
    pub fn name(self) -> (Namespace, &'static str) {
        let dav = |n| (Namespace::Dav, n);
        match self {
            Privilege::Read => dav("read"),
            Privilege::Write => dav("write"),
            Privilege::WriteProperties => dav("write-properties"),
            Privilege::WriteContent => dav("write-content"),
            Privilege::Unlock => dav("unlock"),
            Privilege::ReadAcl => dav("read-acl"),
            Privilege::ReadCurrentUserPrivilegeSet => dav("read-current-user-privilege-set"),
            Privilege::WriteAcl => dav("write-acl"),
            Privilege::Bind => dav("bind"),
            Privilege::Unbind => dav("unbind"),
            Privilege::All => dav("all"),
            Privilege::ReadFreeBusy => (Namespace::CalDav, "read-free-busy"),
        }
    }
}

/// Lock scope (RFC 4918 §14.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockScope {
    Exclusive,
    Shared,
}

/// Lock depth (RFC 4918 §10.2, for LOCK only 0 or infinity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockDepth {
    Zero,
    Infinity,
}

/// One active lock (RFC 4918 §14.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveLock {
    pub scope: LockScope,
    pub depth: LockDepth,
    /// The owner XML the client supplied in its lockinfo, verbatim.
    pub owner: Option<Vec<Node>>,
    /// Seconds left; `None` is `Infinite`.
    pub timeout_secs: Option<u64>,
    /// The lock token URI (`urn:uuid:...`).
    pub token: String,
    /// The lock root (RFC 4918 §14.12).
    pub root: Href,
}

/// `schedule-calendar-transp` (RFC 6638 §9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transp {
    Opaque,
    Transparent,
}
