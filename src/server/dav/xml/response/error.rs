//! Typed DAV preconditions and their `<d:error>` bodies (RFC 4918 §16;
//! RFC 6352 §6.3.2.1, §8.6; RFC 4791 §5.3.2.1, §7.8; RFC 6578 §3.2, §3.6;
//! RFC 3253 §3.6; RFC 5689 §3).

use std::io::{self, Write};

use super::super::href::Href;
use super::super::names::Namespace;
use super::Status;
use super::writer::DavWriter;

/// Which of the twin CardDAV/CalDAV conditions is meant: both RFCs define
/// `no-uid-conflict`, `max-resource-size`, `supported-filter`, ... in their
/// own namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataKind {
    /// CardDAV (`card:`).
    Address,
    /// CalDAV (`cal:`).
    Calendar,
}

impl DataKind {
    fn ns(self) -> Namespace {
        match self {
            DataKind::Address => Namespace::CardDav,
            DataKind::Calendar => Namespace::CalDav,
        }
    }
}

/// A failed precondition or postcondition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// Another resource already has this UID (RFC 6352 §6.3.2.1, RFC 4791
    /// §5.3.2.1); the href names it.
    NoUidConflict(DataKind, Href),
    /// `card:valid-address-data` (RFC 6352 §6.3.2.1).
    ValidAddressData,
    /// `card:supported-address-data` (RFC 6352 §6.3.2.1).
    SupportedAddressData,
    /// `cal:valid-calendar-data` (RFC 4791 §5.3.2.1).
    ValidCalendarData,
    /// `cal:valid-calendar-object-resource` (RFC 4791 §5.3.2.1).
    ValidCalendarObjectResource,
    /// `cal:supported-calendar-data` (RFC 4791 §5.3.2.1).
    SupportedCalendarData,
    /// `cal:supported-calendar-component` (RFC 4791 §5.3.2.1).
    SupportedCalendarComponent,
    /// `cal:calendar-collection-location-ok` (RFC 4791 §5.3.1.1).
    CalendarCollectionLocationOk,
    /// `max-resource-size` in either namespace (RFC 6352 §6.3.2.1, RFC 4791 §5.3.2.1).
    MaxResourceSize(DataKind),
    /// `supported-filter` (RFC 6352 §8.6, RFC 4791 §7.8).
    SupportedFilter(DataKind),
    /// `supported-collation` (RFC 6352 §8.3, RFC 4791 §7.5.1).
    SupportedCollation(DataKind),
    /// `d:valid-sync-token` (RFC 6578 §3.2).
    ValidSyncToken,
    /// `d:number-of-matches-within-limits` (RFC 5323 §5.17; RFC 6578 §3.6).
    NumberOfMatchesWithinLimits,
    /// `d:supported-report` (RFC 3253 §3.6).
    SupportedReport,
    /// `d:resource-must-be-null` (RFC 5689 §3, RFC 4791 §5.3.1.1).
    ResourceMustBeNull,
    /// `d:valid-resourcetype` (RFC 5689 §3).
    ValidResourceType,
    /// `d:lock-token-submitted` with the locked resources (RFC 4918 §16).
    LockTokenSubmitted(Vec<Href>),
    /// `d:no-conflicting-lock` with the conflicting lock roots (RFC 4918 §16).
    NoConflictingLock(Vec<Href>),
    /// `d:lock-token-matches-request-uri`: UNLOCK of a lock that does not
    /// cover the Request-URI (RFC 4918 §9.11.1, §16).
    LockTokenMatchesRequestUri,
    /// `d:cannot-modify-protected-property` (RFC 4918 §16).
    CannotModifyProtectedProperty,
    /// `d:propfind-finite-depth` (RFC 4918 §16).
    PropfindFiniteDepth,
}

impl Precondition {
    /// The status the condition is reported with.
    pub fn status(&self) -> Status {
        match self {
            Precondition::LockTokenSubmitted(_) | Precondition::NoConflictingLock(_) => Status::LOCKED,
            Precondition::ResourceMustBeNull
            | Precondition::CalendarCollectionLocationOk
            | Precondition::LockTokenMatchesRequestUri => Status::CONFLICT,
            Precondition::NoUidConflict(..) => Status::CONFLICT,
            // RFC 6578 §3.6 and RFC 5323 §5.17: 507 when the server truncates.
            Precondition::NumberOfMatchesWithinLimits => Status::INSUFFICIENT_STORAGE,
            _ => Status::FORBIDDEN,
        }
    }

    /// The condition's element name.
    fn name(&self) -> (Namespace, &'static str) {
        let (dav, card, cal) = (Namespace::Dav, Namespace::CardDav, Namespace::CalDav);
        match self {
            Precondition::NoUidConflict(kind, _) => (kind.ns(), "no-uid-conflict"),
            Precondition::ValidAddressData => (card, "valid-address-data"),
            Precondition::SupportedAddressData => (card, "supported-address-data"),
            Precondition::ValidCalendarData => (cal, "valid-calendar-data"),
            Precondition::ValidCalendarObjectResource => (cal, "valid-calendar-object-resource"),
            Precondition::SupportedCalendarData => (cal, "supported-calendar-data"),
            Precondition::SupportedCalendarComponent => (cal, "supported-calendar-component"),
            Precondition::CalendarCollectionLocationOk => (cal, "calendar-collection-location-ok"),
            Precondition::MaxResourceSize(kind) => (kind.ns(), "max-resource-size"),
            Precondition::SupportedFilter(kind) => (kind.ns(), "supported-filter"),
            Precondition::SupportedCollation(kind) => (kind.ns(), "supported-collation"),
            Precondition::ValidSyncToken => (dav, "valid-sync-token"),
            Precondition::NumberOfMatchesWithinLimits => (dav, "number-of-matches-within-limits"),
            Precondition::SupportedReport => (dav, "supported-report"),
            Precondition::ResourceMustBeNull => (dav, "resource-must-be-null"),
            Precondition::ValidResourceType => (dav, "valid-resourcetype"),
            Precondition::LockTokenSubmitted(_) => (dav, "lock-token-submitted"),
            Precondition::NoConflictingLock(_) => (dav, "no-conflicting-lock"),
            Precondition::LockTokenMatchesRequestUri => (dav, "lock-token-matches-request-uri"),
            Precondition::CannotModifyProtectedProperty => (dav, "cannot-modify-protected-property"),
            Precondition::PropfindFiniteDepth => (dav, "propfind-finite-depth"),
        }
    }

    fn hrefs(&self) -> &[Href] {
        match self {
            Precondition::NoUidConflict(_, href) => std::slice::from_ref(href),
            Precondition::LockTokenSubmitted(hrefs) | Precondition::NoConflictingLock(hrefs) => hrefs,
            _ => &[],
        }
    }
}

/// Writes `<d:error><condition>…</condition></d:error>` inside a document.
pub(super) fn write_error<W: Write>(xml: &mut DavWriter<W>, condition: &Precondition) -> io::Result<()> {
    xml.start(&Namespace::Dav, "error")?;
    write_condition(xml, condition)?;
    xml.end(&Namespace::Dav, "error")
}

fn write_condition<W: Write>(xml: &mut DavWriter<W>, condition: &Precondition) -> io::Result<()> {
    let (ns, name) = condition.name();
    let hrefs = condition.hrefs();
    if hrefs.is_empty() {
        return xml.empty(&ns, name);
    }
    xml.start(&ns, name)?;
    for href in hrefs {
        xml.text_element(&Namespace::Dav, "href", &href.encoded())?;
    }
    xml.end(&ns, name)
}

/// The body of an error response: `<d:error>` as the document element
/// (RFC 4918 §16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DavErrorBody(pub Precondition);

impl DavErrorBody {
    /// The status to send with this body.
    pub fn status(&self) -> Status {
        self.0.status()
    }

    /// The XML.
    pub fn to_xml(&self) -> Vec<u8> {
        let write = || -> io::Result<Vec<u8>> {
            let mut xml = DavWriter::new(Vec::new());
            xml.start_document(&Namespace::Dav, "error")?;
            write_condition(&mut xml, &self.0)?;
            xml.end(&Namespace::Dav, "error")?;
            xml.get_mut().write_all(b"\n")?;
            Ok(xml.into_inner())
        };
        // Writing into a Vec cannot fail.
        write().unwrap_or_default()
    }
}
