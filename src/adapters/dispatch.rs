//! The format-independent entry points: [`Format`] (what to read),
//! [`Target`] (what to write), [`parse`] and [`render`]. One short,
//! exhaustive table per direction (STYLE G5).

use std::fmt;
use std::str::FromStr;

use super::csv::{self, CsvDialect};
use super::sniff::to_utf8;
use super::vcard::{self, VCardVersion};
use super::{FormatError, FormatErrorKind, ical, json};
use crate::universal::Record;

/// An input format. Versions and dialects are told apart by the adapters
/// themselves (vCard VERSION, CSV header row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// vCard 2.1, 3.0 or 4.0 (RFC 2426, RFC 6350).
    VCard,
    /// iCalendar (RFC 5545).
    ICalendar,
    /// CSV contact export (Google, Outlook, ...).
    Csv,
    /// The universal JSON format (`docs/universal-format.md`).
    Json,
    /// JSContact (RFC 9553).
    JsContact,
    /// JSCalendar (RFC 8984).
    JsCalendar,
}

/// An output format, with its version or dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    VCard3,
    VCard4,
    ICalendar,
    CsvGoogle,
    CsvOutlook,
    Json,
    JsContact,
    JsCalendar,
}

/// A format name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {name:?}; expected one of: {}", expected.join(", "))]
pub struct UnknownFormat {
    pub name: String,
    pub expected: &'static [&'static str],
}

impl Format {
    /// Every name [`Format::from_str`] accepts, canonical names first, then aliases.
    pub const NAMES: &'static [&'static str] = &[
        "vcard",
        "ical",
        "csv",
        "json",
        "jscontact",
        "jscalendar",
        "vcard3",
        "vcard4",
        "csv-google",
        "csv-outlook",
    ];
}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Accepts the output names too (`vcard4` → `vcard`, `csv-google` → `csv`).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "vcard" | "vcard3" | "vcard4" => Format::VCard,
            "ical" => Format::ICalendar,
            "csv" | "csv-google" | "csv-outlook" => Format::Csv,
            "json" => Format::Json,
            "jscontact" => Format::JsContact,
            "jscalendar" => Format::JsCalendar,
            _ => {
                return Err(UnknownFormat {
                    name: name.to_owned(),
                    expected: Format::NAMES,
                });
            }
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::VCard => "vcard",
            Format::ICalendar => "ical",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::JsContact => "jscontact",
            Format::JsCalendar => "jscalendar",
        })
    }
}

impl Target {
    /// Every target, in the order the CLI lists them.
    pub const ALL: [Target; 8] = [
        Target::VCard3,
        Target::VCard4,
        Target::ICalendar,
        Target::CsvGoogle,
        Target::CsvOutlook,
        Target::Json,
        Target::JsContact,
        Target::JsCalendar,
    ];

    /// Every name [`Target::from_str`] accepts.
    pub const NAMES: &'static [&'static str] = &[
        "vcard3",
        "vcard4",
        "ical",
        "csv-google",
        "csv-outlook",
        "json",
        "jscontact",
        "jscalendar",
    ];

    /// The CLI name (`vcard4`, `csv-google`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Target::VCard3 => "vcard3",
            Target::VCard4 => "vcard4",
            Target::ICalendar => "ical",
            Target::CsvGoogle => "csv-google",
            Target::CsvOutlook => "csv-outlook",
            Target::Json => "json",
            Target::JsContact => "jscontact",
            Target::JsCalendar => "jscalendar",
        }
    }

    /// Whether this target holds only contacts (`Some(true)`), only calendar
    /// objects (`Some(false)`), or both (`None`).
    pub fn holds_contacts(self) -> Option<bool> {
        match self {
            Target::VCard3 | Target::VCard4 | Target::CsvGoogle | Target::CsvOutlook | Target::JsContact => Some(true),
            Target::ICalendar | Target::JsCalendar => Some(false),
            Target::Json => None,
        }
    }
}

impl FromStr for Target {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let lower = name.to_ascii_lowercase();
        Target::ALL
            .into_iter()
            .find(|target| target.name() == lower)
            .ok_or_else(|| UnknownFormat {
                name: name.to_owned(),
                expected: Target::NAMES,
            })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Reads `bytes` in `format`. UTF-16 inputs (with or without a byte-order
/// mark) are transcoded to UTF-8 first, whatever the format.
pub fn parse(format: Format, bytes: &[u8]) -> Result<Vec<Record>, FormatError> {
    let bytes = to_utf8(bytes);
    match format {
        Format::VCard => vcard::parse(&bytes),
        Format::ICalendar => ical::parse(&bytes),
        Format::Csv => csv::parse(&bytes),
        Format::Json => json::universal::parse(&bytes),
        Format::JsContact => json::jscontact::from_jscontact(&bytes),
        Format::JsCalendar => json::jscalendar::from_jscalendar(&bytes),
    }
}

/// Writes `records` as `target`: vCards are concatenated, calendar objects
/// are joined into one VCALENDAR. A contact to a calendar target (or the
/// reverse) is [`FormatErrorKind::Unrenderable`], naming the record.
pub fn render(records: &[Record], target: Target) -> Result<Vec<u8>, FormatError> {
    check_kinds(records, target)?;
    match target {
        Target::VCard3 => render_vcards(records, VCardVersion::V3),
        Target::VCard4 => render_vcards(records, VCardVersion::V4),
        Target::ICalendar => ical::join(records),
        Target::CsvGoogle => csv::render(records, CsvDialect::Google),
        Target::CsvOutlook => csv::render(records, CsvDialect::Outlook),
        Target::Json => json::universal::render(records),
        Target::JsContact => json::jscontact::to_jscontact(records),
        Target::JsCalendar => json::jscalendar::to_jscalendar(records),
    }
}

fn check_kinds(records: &[Record], target: Target) -> Result<(), FormatError> {
    let Some(contacts) = target.holds_contacts() else {
        return Ok(());
    };
    let Some(index) = records.iter().position(|r| r.is_contact() != contacts) else {
        return Ok(());
    };
    let (found, holds) = if contacts {
        ("a calendar object", "contacts")
    } else {
        ("a contact", "calendar objects")
    };
    let message = format!("{found} cannot be written as {target}, which holds only {holds}");
    Err(FormatError::new(0, 0, FormatErrorKind::Unrenderable(message)).in_record(index + 1))
}

fn render_vcards(records: &[Record], version: VCardVersion) -> Result<Vec<u8>, FormatError> {
    let mut out = Vec::new();
    for (index, record) in records.iter().enumerate() {
        out.extend(vcard::render(record, version).map_err(|e| e.in_record(index + 1))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::universal::{Component, ComponentName, Prop, PropName, SourceFormat, Value};

    fn record(root: ComponentName) -> Record {
        let mut root = Component::new(root);
        root.props.push(Prop::new(PropName::Uid, Value::Text("u1".into())));
        Record::new(root, Some(SourceFormat::Json))
    }

    fn event() -> Record {
        let mut calendar = record(ComponentName::VCalendar);
        calendar.root.children.push(Component::new(ComponentName::VEvent));
        calendar
    }

    #[test]
    fn target_names_round_trip_and_unknown_names_list_the_choices() {
        for target in Target::ALL {
            assert_eq!(target.to_string().parse::<Target>(), Ok(target));
        }
        let error = "vcard5".parse::<Target>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown format \"vcard5\"; expected one of: vcard3, vcard4, ical, csv-google, csv-outlook, json, jscontact, jscalendar"
        );
    }

    #[test]
    fn input_format_names_accept_output_aliases() {
        assert_eq!("vcard4".parse::<Format>(), Ok(Format::VCard));
        assert_eq!("VCARD3".parse::<Format>(), Ok(Format::VCard));
        assert_eq!("csv-outlook".parse::<Format>(), Ok(Format::Csv));
        assert_eq!("jscalendar".parse::<Format>(), Ok(Format::JsCalendar));
        for name in Format::NAMES {
            assert!(name.parse::<Format>().is_ok(), "{name}");
        }
        assert!("ics".parse::<Format>().is_err());
    }

    #[test]
    fn a_contact_cannot_be_rendered_to_a_calendar_target() {
        let records = [event(), record(ComponentName::VCard)];
        for target in [Target::ICalendar, Target::JsCalendar] {
            let error = render(&records, target).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("record 2, a contact cannot be written as {target}, which holds only calendar objects")
            );
        }
    }

    #[test]
    fn a_calendar_object_cannot_be_rendered_to_a_contact_target() {
        let records = [event()];
        for target in [
            Target::VCard3,
            Target::VCard4,
            Target::CsvGoogle,
            Target::CsvOutlook,
            Target::JsContact,
        ] {
            let error = render(&records, target).unwrap_err();
            assert!(
                matches!(error.kind, FormatErrorKind::Unrenderable(_)),
                "{target}: {error}"
            );
            assert_eq!(error.record, Some(1));
        }
    }

    #[test]
    fn universal_json_holds_both_kinds() {
        let records = vec![event(), record(ComponentName::VCard)];
        let json = render(&records, Target::Json).unwrap();
        assert_eq!(parse(Format::Json, &json).unwrap(), records);
    }
}
