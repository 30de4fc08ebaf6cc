//! Property, parameter and component names: enums with an `Other` escape hatch.
//!
//! Names are case-normalised to upper case when they are read, so `tel`,
//! `Tel` and `TEL` are one name. vCard (RFC 6350, RFC 2426, vCard 2.1) and
//! iCalendar (RFC 5545, RFC 7986, RFC 9073/9074) share one vocabulary; a name
//! both formats use (UID, URL, CATEGORIES, ...) is one variant.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! names {
    ($(#[$meta:meta])* $ty:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $ty {
            $(#[doc = $text] $variant,)*
            /// Any other name (X- and vendor names, IANA names we do not model), upper case.
            Other(String),
        }

        impl $ty {
            /// Reads a name in any case.
            pub fn parse(text: &str) -> Self {
                // Fast path: names on the wire are almost always upper case already.
                match text {
                    $($text => return $ty::$variant,)*
                    _ => {}
                }
                let upper = text.to_ascii_uppercase();
                match upper.as_str() {
                    $($text => $ty::$variant,)*
                    _ => $ty::Other(upper),
                }
            }

            /// The canonical (upper-case) spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($ty::$variant => $text,)*
                    $ty::Other(name) => name,
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok($ty::parse(&text))
            }
        }
    };
}

names! {
    /// A component name (`BEGIN:<name>`).
    ComponentName {
        VCard => "VCARD",               // RFC 6350 §6.1.1
        VCalendar => "VCALENDAR",       // RFC 5545 §3.4
        VEvent => "VEVENT",             // RFC 5545 §3.6.1
        VTodo => "VTODO",               // RFC 5545 §3.6.2
        VJournal => "VJOURNAL",         // RFC 5545 §3.6.3
        VFreeBusy => "VFREEBUSY",       // RFC 5545 §3.6.4
        VTimezone => "VTIMEZONE",       // RFC 5545 §3.6.5
        Standard => "STANDARD",         // RFC 5545 §3.6.5
        Daylight => "DAYLIGHT",         // RFC 5545 §3.6.5
        VAlarm => "VALARM",             // RFC 5545 §3.6.6
        VAvailability => "VAVAILABILITY", // RFC 7953 §3.1
        Available => "AVAILABLE",       // RFC 7953 §3.1
        Participant => "PARTICIPANT",   // RFC 9073 §7.1
        VLocation => "VLOCATION",       // RFC 9073 §7.2
        VResource => "VRESOURCE",       // RFC 9073 §7.3
    }
}

names! {
    /// A property name, shared by vCard and iCalendar.
    PropName {
        // vCard (RFC 6350 §6, RFC 2426, vCard 2.1)
        Version => "VERSION",           // RFC 6350 §6.7.9, RFC 5545 §3.7.4
        Fn => "FN",                     // RFC 6350 §6.2.1
        N => "N",                       // RFC 6350 §6.2.2
        Nickname => "NICKNAME",         // RFC 6350 §6.2.3
        Photo => "PHOTO",               // RFC 6350 §6.2.4
        Bday => "BDAY",                 // RFC 6350 §6.2.5
        Anniversary => "ANNIVERSARY",   // RFC 6350 §6.2.6
        Gender => "GENDER",             // RFC 6350 §6.2.7
        Adr => "ADR",                   // RFC 6350 §6.3.1
        Label => "LABEL",               // RFC 2426 §3.2.2
        Tel => "TEL",                   // RFC 6350 §6.4.1
        Email => "EMAIL",               // RFC 6350 §6.4.2
        Impp => "IMPP",                 // RFC 6350 §6.4.3
        Lang => "LANG",                 // RFC 6350 §6.4.4
        Tz => "TZ",                     // RFC 6350 §6.5.1
        Geo => "GEO",                   // RFC 6350 §6.5.2, RFC 5545 §3.8.1.6
        Title => "TITLE",               // RFC 6350 §6.6.1
        Role => "ROLE",                 // RFC 6350 §6.6.2
        Logo => "LOGO",                 // RFC 6350 §6.6.3
        Org => "ORG",                   // RFC 6350 §6.6.4
        Member => "MEMBER",             // RFC 6350 §6.6.5
        Related => "RELATED",           // RFC 6350 §6.6.6
        Categories => "CATEGORIES",     // RFC 6350 §6.7.1, RFC 5545 §3.8.1.2
        Note => "NOTE",                 // RFC 6350 §6.7.2
        Prodid => "PRODID",             // RFC 6350 §6.7.3, RFC 5545 §3.7.3
        Rev => "REV",                   // RFC 6350 §6.7.4
        Sound => "SOUND",               // RFC 6350 §6.7.5
        Uid => "UID",                   // RFC 6350 §6.7.6, RFC 5545 §3.8.4.7
        ClientPidMap => "CLIENTPIDMAP", // RFC 6350 §6.7.7
        Url => "URL",                   // RFC 6350 §6.7.8, RFC 5545 §3.8.4.6
        Key => "KEY",                   // RFC 6350 §6.8.1
        FbUrl => "FBURL",               // RFC 6350 §6.9.1
        CalAdrUri => "CALADRURI",       // RFC 6350 §6.9.2
        CalUri => "CALURI",             // RFC 6350 §6.9.3
        Xml => "XML",                   // RFC 6350 §6.1.5
        Kind => "KIND",                 // RFC 6350 §6.1.4
        Source => "SOURCE",             // RFC 6350 §6.1.3, RFC 7986 §5.8
        Mailer => "MAILER",             // RFC 2426 §3.3.3
        Agent => "AGENT",               // RFC 2426 §3.5.4
        SortString => "SORT-STRING",    // RFC 2426 §3.6.5
        Class => "CLASS",               // RFC 2426 §3.7.1, RFC 5545 §3.8.1.3
        Name => "NAME",                 // RFC 2426 §2.1.2, RFC 7986 §5.1
        Profile => "PROFILE",           // RFC 2426 §2.1.3
        // iCalendar (RFC 5545 §3.7, §3.8, RFC 7986)
        CalScale => "CALSCALE",         // RFC 5545 §3.7.1
        Method => "METHOD",             // RFC 5545 §3.7.2
        Attach => "ATTACH",             // RFC 5545 §3.8.1.1
        Comment => "COMMENT",           // RFC 5545 §3.8.1.4
        Description => "DESCRIPTION",   // RFC 5545 §3.8.1.5
        Location => "LOCATION",         // RFC 5545 §3.8.1.7
        PercentComplete => "PERCENT-COMPLETE", // RFC 5545 §3.8.1.8
        Priority => "PRIORITY",         // RFC 5545 §3.8.1.9
        Resources => "RESOURCES",       // RFC 5545 §3.8.1.10
        Status => "STATUS",             // RFC 5545 §3.8.1.11
        Summary => "SUMMARY",           // RFC 5545 §3.8.1.12
        Completed => "COMPLETED",       // RFC 5545 §3.8.2.1
        DtEnd => "DTEND",               // RFC 5545 §3.8.2.2
        Due => "DUE",                   // RFC 5545 §3.8.2.3
        DtStart => "DTSTART",           // RFC 5545 §3.8.2.4
        Duration => "DURATION",         // RFC 5545 §3.8.2.5
        FreeBusy => "FREEBUSY",         // RFC 5545 §3.8.2.6
        Transp => "TRANSP",             // RFC 5545 §3.8.2.7
        TzId => "TZID",                 // RFC 5545 §3.8.3.1
        TzName => "TZNAME",             // RFC 5545 §3.8.3.2
        TzOffsetFrom => "TZOFFSETFROM", // RFC 5545 §3.8.3.3
        TzOffsetTo => "TZOFFSETTO",     // RFC 5545 §3.8.3.4
        TzUrl => "TZURL",               // RFC 5545 §3.8.3.5
        Attendee => "ATTENDEE",         // RFC 5545 §3.8.4.1
        Contact => "CONTACT",           // RFC 5545 §3.8.4.2
        Organizer => "ORGANIZER",       // RFC 5545 §3.8.4.3
        RecurrenceId => "RECURRENCE-ID", // RFC 5545 §3.8.4.4
        RelatedTo => "RELATED-TO",      // RFC 5545 §3.8.4.5
        ExDate => "EXDATE",             // RFC 5545 §3.8.5.1
        RDate => "RDATE",               // RFC 5545 §3.8.5.2
        RRule => "RRULE",               // RFC 5545 §3.8.5.3
        ExRule => "EXRULE",             // RFC 2445 §4.8.5.2
        Action => "ACTION",             // RFC 5545 §3.8.6.1
        Repeat => "REPEAT",             // RFC 5545 §3.8.6.2
        Trigger => "TRIGGER",           // RFC 5545 §3.8.6.3
        Created => "CREATED",           // RFC 5545 §3.8.7.1
        DtStamp => "DTSTAMP",           // RFC 5545 §3.8.7.2
        LastModified => "LAST-MODIFIED", // RFC 5545 §3.8.7.3
        Sequence => "SEQUENCE",         // RFC 5545 §3.8.7.4
        RequestStatus => "REQUEST-STATUS", // RFC 5545 §3.8.8.3
        Color => "COLOR",               // RFC 7986 §5.9
        Image => "IMAGE",               // RFC 7986 §5.10
        Conference => "CONFERENCE",     // RFC 7986 §5.11
        RefreshInterval => "REFRESH-INTERVAL", // RFC 7986 §5.7
        Acknowledged => "ACKNOWLEDGED", // RFC 9074 §6.1
        Proximity => "PROXIMITY",       // RFC 9074 §8.1
    }
}

names! {
    /// A parameter name.
    ParamName {
        Type => "TYPE",                 // RFC 6350 §5.6
        Pref => "PREF",                 // RFC 6350 §5.3
        Value => "VALUE",               // RFC 6350 §5.2, RFC 5545 §3.2.20
        Encoding => "ENCODING",         // RFC 2426 §4, RFC 5545 §3.2.7
        Charset => "CHARSET",           // vCard 2.1 §2.1.4
        Language => "LANGUAGE",         // RFC 6350 §5.1, RFC 5545 §3.2.10
        AltId => "ALTID",               // RFC 6350 §5.4
        Pid => "PID",                   // RFC 6350 §5.5
        MediaType => "MEDIATYPE",       // RFC 6350 §5.7
        CalScale => "CALSCALE",         // RFC 6350 §5.8
        SortAs => "SORT-AS",            // RFC 6350 §5.9
        Geo => "GEO",                   // RFC 6350 §5.10
        Tz => "TZ",                     // RFC 6350 §5.11
        Label => "LABEL",               // RFC 6715 §3.3.1
        PropId => "PROP-ID",            // RFC 9554 §4.8
        AltRep => "ALTREP",             // RFC 5545 §3.2.1
        Cn => "CN",                     // RFC 5545 §3.2.2
        CuType => "CUTYPE",             // RFC 5545 §3.2.3
        DelegatedFrom => "DELEGATED-FROM", // RFC 5545 §3.2.4
        DelegatedTo => "DELEGATED-TO",  // RFC 5545 §3.2.5
        Dir => "DIR",                   // RFC 5545 §3.2.6
        FmtType => "FMTTYPE",           // RFC 5545 §3.2.8
        FbType => "FBTYPE",             // RFC 5545 §3.2.9
        MemberOf => "MEMBER",           // RFC 5545 §3.2.11
        PartStat => "PARTSTAT",         // RFC 5545 §3.2.12
        Range => "RANGE",               // RFC 5545 §3.2.13
        Related => "RELATED",           // RFC 5545 §3.2.14
        RelType => "RELTYPE",           // RFC 5545 §3.2.15
        Role => "ROLE",                 // RFC 5545 §3.2.16
        Rsvp => "RSVP",                 // RFC 5545 §3.2.17
        SentBy => "SENT-BY",            // RFC 5545 §3.2.18
        TzId => "TZID",                 // RFC 5545 §3.2.19
        Display => "DISPLAY",           // RFC 7986 §6.1
        Email => "EMAIL",               // RFC 7986 §6.2
        Feature => "FEATURE",           // RFC 7986 §6.3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_normalised_and_round_trip() {
        assert_eq!(PropName::parse("tel"), PropName::Tel);
        assert_eq!(PropName::parse("X-ABLabel"), PropName::Other("X-ABLABEL".into()));
        assert_eq!(PropName::parse("x-ablabel").as_str(), "X-ABLABEL");
        assert_eq!(ComponentName::parse("vevent"), ComponentName::VEvent);
        assert_eq!(ParamName::parse("type").as_str(), "TYPE");
        let json = serde_json::to_string(&PropName::RecurrenceId).unwrap();
        assert_eq!(json, "\"RECURRENCE-ID\"");
        assert_eq!(
            serde_json::from_str::<PropName>("\"x-foo\"").unwrap(),
            PropName::Other("X-FOO".into())
        );
    }
}
