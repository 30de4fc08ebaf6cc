//! XML namespaces and DAV property names as enums (STYLE G4).
//!
//! Every known property is one [`DavProp`] variant, defined once in the
//! `dav_props!` table below together with its namespace and element name;
//! both directions (element → variant in the parsers, variant → element in the
//! writer) read that one table. An unknown property is
//! [`DavProp::Dead`]`{ ns, name }`, never a Clark string.

use std::fmt;

/// An XML namespace of the DAV vocabularies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Namespace {
    /// `DAV:` (RFC 4918 §21).
    Dav,
    /// `urn:ietf:params:xml:ns:carddav` (RFC 6352 §14).
    CardDav,
    /// `urn:ietf:params:xml:ns:caldav` (RFC 4791 §14).
    CalDav,
    /// `http://calendarserver.org/ns/` (Apple CalendarServer extensions: getctag).
    CalendarServer,
    /// `http://apple.com/ns/ical/` (Apple iCal: calendar-color, calendar-order).
    AppleIcal,
    /// Any other namespace URI; the empty string is "no namespace".
    Other(String),
}

impl Namespace {
    /// Maps a namespace URI to its variant.
    pub fn from_uri(uri: &str) -> Namespace {
        match uri {
            "DAV:" => Namespace::Dav,
            "urn:ietf:params:xml:ns:carddav" => Namespace::CardDav,
            "urn:ietf:params:xml:ns:caldav" => Namespace::CalDav,
            "http://calendarserver.org/ns/" => Namespace::CalendarServer,
            "http://apple.com/ns/ical/" => Namespace::AppleIcal,
            other => Namespace::Other(other.to_owned()),
        }
    }

    /// The namespace URI.
    pub fn uri(&self) -> &str {
        match self {
            Namespace::Dav => "DAV:",
            Namespace::CardDav => "urn:ietf:params:xml:ns:carddav",
            Namespace::CalDav => "urn:ietf:params:xml:ns:caldav",
            Namespace::CalendarServer => "http://calendarserver.org/ns/",
            Namespace::AppleIcal => "http://apple.com/ns/ical/",
            Namespace::Other(uri) => uri,
        }
    }

    /// The prefix the writer uses for a well-known namespace; `None` for
    /// [`Namespace::Other`], which is declared on the element that uses it.
    pub fn prefix(&self) -> Option<&'static str> {
        match self {
            Namespace::Dav => Some("d"),
            Namespace::CardDav => Some("card"),
            Namespace::CalDav => Some("cal"),
            Namespace::CalendarServer => Some("cs"),
            Namespace::AppleIcal => Some("ical"),
            Namespace::Other(_) => None,
        }
    }

    /// The well-known namespaces, in the order the writer declares them.
    pub const WELL_KNOWN: [Namespace; 5] = [
        Namespace::Dav,
        Namespace::CardDav,
        Namespace::CalDav,
        Namespace::CalendarServer,
        Namespace::AppleIcal,
    ];
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.uri())
    }
}

macro_rules! dav_props {
    ($($(#[$meta:meta])* $variant:ident => ($ns:ident, $name:literal),)*) => {
        /// A DAV property name. Known properties are variants; anything else is
        /// [`DavProp::Dead`] and is stored and served back as the client wrote it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DavProp {
            $($(#[$meta])* $variant,)*
            /// A property this server does not interpret (RFC 4918 §4.2 dead property).
            Dead { ns: Namespace, name: String },
        }

        impl DavProp {
            /// The property for an element; unknown names become [`DavProp::Dead`].
            pub fn from_name(ns: &Namespace, name: &str) -> DavProp {
                match (ns, name) {
                    $((Namespace::$ns, $name) => DavProp::$variant,)*
                    _ => DavProp::Dead { ns: ns.clone(), name: name.to_owned() },
                }
            }

            /// The namespace and local name of the property's element.
            pub fn name(&self) -> (&Namespace, &str) {
                match self {
                    $(DavProp::$variant => (&Namespace::$ns, $name),)*
                    DavProp::Dead { ns, name } => (ns, name),
                }
            }
        }
    };
}

dav_props! {
    /// `DAV:resourcetype` (RFC 4918 §15.9).
    ResourceType => (Dav, "resourcetype"),
    /// `DAV:displayname` (RFC 4918 §15.2).
    DisplayName => (Dav, "displayname"),
    /// `DAV:getetag` (RFC 4918 §15.6).
    GetEtag => (Dav, "getetag"),
    /// `DAV:getcontenttype` (RFC 4918 §15.5).
    GetContentType => (Dav, "getcontenttype"),
    /// `DAV:getcontentlength` (RFC 4918 §15.4).
    GetContentLength => (Dav, "getcontentlength"),
    /// `DAV:getcontentlanguage` (RFC 4918 §15.3).
    GetContentLanguage => (Dav, "getcontentlanguage"),
    /// `DAV:getlastmodified` (RFC 4918 §15.7).
    GetLastModified => (Dav, "getlastmodified"),
    /// `DAV:creationdate` (RFC 4918 §15.1).
    CreationDate => (Dav, "creationdate"),
    /// `DAV:lockdiscovery` (RFC 4918 §15.8).
    LockDiscovery => (Dav, "lockdiscovery"),
    /// `DAV:supportedlock` (RFC 4918 §15.10).
    SupportedLock => (Dav, "supportedlock"),
    /// `DAV:current-user-principal` (RFC 5397 §3).
    CurrentUserPrincipal => (Dav, "current-user-principal"),
    /// `DAV:principal-URL` (RFC 3744 §4.2).
    PrincipalUrl => (Dav, "principal-URL"),
    /// `DAV:principal-collection-set` (RFC 3744 §5.8).
    PrincipalCollectionSet => (Dav, "principal-collection-set"),
    /// `DAV:owner` (RFC 3744 §5.1).
    Owner => (Dav, "owner"),
    /// `DAV:group-membership` (RFC 3744 §4.4).
    GroupMembership => (Dav, "group-membership"),
    /// `DAV:current-user-privilege-set` (RFC 3744 §5.4).
    CurrentUserPrivilegeSet => (Dav, "current-user-privilege-set"),
    /// `DAV:supported-report-set` (RFC 3253 §3.1.5).
    SupportedReportSet => (Dav, "supported-report-set"),
    /// `DAV:sync-token` (RFC 6578 §4).
    SyncToken => (Dav, "sync-token"),
    /// `DAV:quota-available-bytes` (RFC 4331 §3).
    QuotaAvailableBytes => (Dav, "quota-available-bytes"),
    /// `DAV:quota-used-bytes` (RFC 4331 §4).
    QuotaUsedBytes => (Dav, "quota-used-bytes"),
    /// `DAV:add-member` (RFC 5995 §3.2).
    AddMember => (Dav, "add-member"),
    /// `DAV:resource-id` (RFC 5842 §3.1).
    ResourceId => (Dav, "resource-id"),
    /// `CARDDAV:addressbook-home-set` (RFC 6352 §7.1.1).
    AddressbookHomeSet => (CardDav, "addressbook-home-set"),
    /// `CARDDAV:principal-address` (RFC 6352 §7.1.2).
    PrincipalAddress => (CardDav, "principal-address"),
    /// `CARDDAV:addressbook-description` (RFC 6352 §6.2.1).
    AddressbookDescription => (CardDav, "addressbook-description"),
    /// `CARDDAV:supported-address-data` (RFC 6352 §6.2.2).
    SupportedAddressData => (CardDav, "supported-address-data"),
    /// `CARDDAV:max-resource-size` (RFC 6352 §6.2.3).
    AddressbookMaxResourceSize => (CardDav, "max-resource-size"),
    /// `CARDDAV:address-data` as a REPORT property (RFC 6352 §10.4).
    AddressData => (CardDav, "address-data"),
    /// `CALDAV:calendar-home-set` (RFC 4791 §6.2.1).
    CalendarHomeSet => (CalDav, "calendar-home-set"),
    /// `CALDAV:calendar-user-address-set` (RFC 6638 §2.4.1).
    CalendarUserAddressSet => (CalDav, "calendar-user-address-set"),
    /// `CALDAV:calendar-user-type` (RFC 6638 §2.4.2).
    CalendarUserType => (CalDav, "calendar-user-type"),
    /// `CALDAV:schedule-inbox-URL` (RFC 6638 §2.2.1).
    ScheduleInboxUrl => (CalDav, "schedule-inbox-URL"),
    /// `CALDAV:schedule-outbox-URL` (RFC 6638 §2.1.1).
    ScheduleOutboxUrl => (CalDav, "schedule-outbox-URL"),
    /// `CALDAV:schedule-default-calendar-URL` (RFC 6638 §9.2).
    ScheduleDefaultCalendarUrl => (CalDav, "schedule-default-calendar-URL"),
    /// `CALDAV:schedule-calendar-transp` (RFC 6638 §9.1).
    ScheduleCalendarTransp => (CalDav, "schedule-calendar-transp"),
    /// `CALDAV:calendar-description` (RFC 4791 §5.2.1).
    CalendarDescription => (CalDav, "calendar-description"),
    /// `CALDAV:calendar-timezone` (RFC 4791 §5.2.2).
    CalendarTimezone => (CalDav, "calendar-timezone"),
    /// `CALDAV:supported-calendar-component-set` (RFC 4791 §5.2.3).
    SupportedCalendarComponentSet => (CalDav, "supported-calendar-component-set"),
    /// `CALDAV:supported-calendar-data` (RFC 4791 §5.2.4).
    SupportedCalendarData => (CalDav, "supported-calendar-data"),
    /// `CALDAV:max-resource-size` (RFC 4791 §5.2.5).
    CalendarMaxResourceSize => (CalDav, "max-resource-size"),
    /// `CALDAV:min-date-time` (RFC 4791 §5.2.6).
    MinDateTime => (CalDav, "min-date-time"),
    /// `CALDAV:max-date-time` (RFC 4791 §5.2.7).
    MaxDateTime => (CalDav, "max-date-time"),
    /// `CALDAV:max-instances` (RFC 4791 §5.2.8).
    MaxInstances => (CalDav, "max-instances"),
    /// `CALDAV:max-attendees-per-instance` (RFC 4791 §5.2.9).
    MaxAttendeesPerInstance => (CalDav, "max-attendees-per-instance"),
    /// `CALDAV:calendar-timezone-id` (RFC 7809 §5.2).
    CalendarTimezoneId => (CalDav, "calendar-timezone-id"),
    /// `CALDAV:schedule-tag` (RFC 6638 §3.2.10).
    ScheduleTag => (CalDav, "schedule-tag"),
    /// `CALDAV:calendar-data` as a REPORT property (RFC 4791 §9.6).
    CalendarData => (CalDav, "calendar-data"),
    /// `CS:getctag` (CalendarServer ctag extension).
    GetCtag => (CalendarServer, "getctag"),
    /// `CS:source`: the URL a subscribed calendar follows (Apple, with `CS:subscribed`).
    Source => (CalendarServer, "source"),
    /// `ICAL:calendar-color` (Apple; `#RRGGBB` or `#RRGGBBAA`).
    CalendarColor => (AppleIcal, "calendar-color"),
    /// `ICAL:calendar-order` (Apple; an integer as text).
    CalendarOrder => (AppleIcal, "calendar-order"),
}

impl fmt::Display for DavProp {
    /// Clark notation, for logs and error messages only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ns, name) = self.name();
        write!(f, "{{{}}}{}", ns.uri(), name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_property_maps_back_to_itself() {
        for (ns, name) in [
            (Namespace::Dav, "principal-URL"),
            (Namespace::CardDav, "max-resource-size"),
            (Namespace::CalDav, "max-resource-size"),
            (Namespace::CalendarServer, "getctag"),
            (Namespace::AppleIcal, "calendar-color"),
        ] {
            let prop = DavProp::from_name(&ns, name);
            assert!(!matches!(prop, DavProp::Dead { .. }), "{name} is known");
            assert_eq!(prop.name(), (&ns, name));
        }
    }

    #[test]
    fn unknown_and_misplaced_names_are_dead_properties() {
        // getctag in DAV: is not the CalendarServer property.
        let prop = DavProp::from_name(&Namespace::Dav, "getctag");
        assert_eq!(
            prop,
            DavProp::Dead {
                ns: Namespace::Dav,
                name: "getctag".into()
            }
        );
        let uri = "http://example.com/ns";
        assert_eq!(Namespace::from_uri(uri), Namespace::Other(uri.into()));
        assert_eq!(Namespace::from_uri("DAV:").uri(), "DAV:");
    }
}
