//! What differs between address books, calendars and plain collections,
//! in one place (STYLE G7): every DAV method is written once and asks
//! [`KindFacts`] for the kind-specific answer.

use crate::store::CollectionKind;
use crate::universal::ComponentName;

use super::xml::response::DataKind;
use super::xml::value::{MediaType, ReportName, ResourceKind};

/// Which home a URL goes through: `/dav/addressbooks/USER/` or `/dav/calendars/USER/`.
pub use crate::store::Home;

impl Home {
    /// The reports a home offers. Apple only uses sync-collection when the
    /// *home* lists it (CLIENT-QUIRKS.md), so it is there too.
    pub fn supported_reports(self) -> Vec<ReportName> {
        self.default_kind().supported_reports()
    }
}

/// Kind-specific facts of a collection.
pub trait KindFacts {
    /// `DAV:resourcetype` members (RFC 6352 §5.2, RFC 4791 §4.2).
    fn resource_types(self) -> Vec<ResourceKind>;
    /// `DAV:supported-report-set`.
    fn supported_reports(self) -> Vec<ReportName>;
    /// The CardDAV or CalDAV flavour of the twin preconditions; `None` for plain collections.
    fn data_kind(self) -> Option<DataKind>;
    /// The media types a client may store (`supported-address-data`, `supported-calendar-data`).
    fn media_types(self) -> Vec<MediaType>;
    /// Whether a request `Content-Type` essence fits this kind (`None`: any).
    fn accepts(self, essence: &str) -> bool;
}

impl KindFacts for CollectionKind {
    fn resource_types(self) -> Vec<ResourceKind> {
        match self {
            CollectionKind::AddressBook => vec![ResourceKind::Collection, ResourceKind::Addressbook],
            CollectionKind::Calendar => vec![ResourceKind::Collection, ResourceKind::Calendar],
            CollectionKind::Plain => vec![ResourceKind::Collection],
        }
    }

    fn supported_reports(self) -> Vec<ReportName> {
        match self {
            CollectionKind::AddressBook => vec![
                ReportName::SyncCollection,
                ReportName::AddressbookMultiget,
                ReportName::AddressbookQuery,
            ],
            CollectionKind::Calendar => vec![
                ReportName::SyncCollection,
                ReportName::CalendarMultiget,
                ReportName::CalendarQuery,
                ReportName::FreeBusyQuery,
            ],
            // No change log for opaque resources: no sync-collection.
            CollectionKind::Plain => Vec::new(),
        }
    }

    fn data_kind(self) -> Option<DataKind> {
        match self {
            CollectionKind::AddressBook => Some(DataKind::Address),
            CollectionKind::Calendar => Some(DataKind::Calendar),
            CollectionKind::Plain => None,
        }
    }

    fn media_types(self) -> Vec<MediaType> {
        match self {
            CollectionKind::AddressBook => vec![MediaType::VCard3, MediaType::VCard4],
            CollectionKind::Calendar => vec![MediaType::ICalendar],
            CollectionKind::Plain => Vec::new(),
        }
    }

    fn accepts(self, essence: &str) -> bool {
        match self {
            CollectionKind::AddressBook => matches!(essence, "text/vcard" | "text/x-vcard" | "text/directory"),
            CollectionKind::Calendar => essence == "text/calendar",
            CollectionKind::Plain => true,
        }
    }
}

/// The components a calendar accepts: its stored set, or VEVENT, VTODO
/// and VJOURNAL (RFC 4791 §5.2.3: absent means any).
pub fn calendar_components(stored: Option<&str>) -> Vec<ComponentName> {
    match stored.map(str::trim).filter(|s| !s.is_empty()) {
        Some(list) => list.split(',').map(|c| ComponentName::parse(c.trim())).collect(),
        None => vec![ComponentName::VEvent, ComponentName::VTodo, ComponentName::VJournal],
    }
}

/// The media type essence of a `Content-Type` value, lower-cased.
pub fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}
