//! JSCalendar (RFC 8984) view of calendar objects, through calcard's
//! converter: Records → our iCalendar text ([`ical::join`]) → calcard
//! `ICalendar` → JSCalendar JSON, and back: JSCalendar JSON → calcard →
//! iCalendar text → [`ical::parse`] (which splits it into one record per UID).
//!
//! We always write one `Group` (RFC 8984 §2.3) whose `entries` are the
//! events and tasks. On input we accept a `Group`, a single `Event` or `Task`,
//! or an array of them.
//!
//! # What calcard changes (measured)
//!
//! Measured by `tests/json_calcard_loss.rs` over the iCalendar files of the
//! real-world corpus (iCalendar text → JSCalendar → iCalendar text, counting
//! property values by component and name), over 232 calendars:
//!
//! - **Dropped (calcard 0.3.14):** METHOD (4 files); empty LOCATION; the
//!   LOCATION of an event that also has GEO is written back as a *second
//!   GEO* (35 values); a duplicate DTSTART or second RRULE; DTSTART/DTEND of
//!   an override whose master is absent; EXDATE of a non-recurring event;
//!   some RDATEs. The full list is `CALENDAR_LOSSES` in that test, which
//!   fails if it changes.
//! - **Added:** a `JSID` property in each VALARM (and other components kept
//!   in JSCalendar maps) carrying its map key, `PROP-ID`-like bookkeeping the
//!   original did not have.
//! - **Reordered:** properties come back in calcard's order.
//! - Properties JSCalendar has no member for (X-*, unknown IANA ones) travel
//!   in the `iCalendar` member (RFC 8984 has no standard place; calcard uses
//!   the draft JSCalendar-iCalendar mapping) and come back.

use serde_json::{Map, Value as Json};

use super::jscontact::{detach_from_text, syntax};
use super::{at_type, read_json, to_pretty};
use crate::adapters::ical;
use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::Record;

/// Renders calendar objects as one JSCalendar `Group`.
pub fn to_jscalendar(records: &[Record]) -> Result<Vec<u8>, FormatError> {
    if let Some(index) = records.iter().position(Record::is_contact) {
        let message = "a contact is not a calendar object; JSCalendar holds only events and tasks".to_owned();
        return Err(FormatError::new(0, 0, FormatErrorKind::Unrenderable(message)).in_record(index + 1));
    }
    let text = ical::join(records)?;
    let text = String::from_utf8(text).map_err(|e| FormatError::new(0, 0, FormatErrorKind::Encoding(e.to_string())))?;
    to_pretty(&icalendar_to_jscalendar(&text)?)
}

/// Reads JSCalendar JSON (a Group, an Event or Task, or an array of them).
pub fn from_jscalendar(input: &[u8]) -> Result<Vec<Record>, FormatError> {
    let group = as_group(read_json(input)?)?;
    let text = jscalendar_to_icalendar(&group)?;
    let records = ical::parse(text.as_bytes())
        .map_err(|e| syntax(format!("the iCalendar converted from JSCalendar did not parse: {e}")))?;
    Ok(records.into_iter().map(detach_from_text).collect())
}

/// Wraps lone events and tasks in a Group, so calcard writes a VCALENDAR.
fn as_group(json: Json) -> Result<Json, FormatError> {
    let entries = match json {
        Json::Array(entries) => entries,
        object if at_type(&object) == Some("Group") => return Ok(object),
        object => vec![object],
    };
    for (index, entry) in entries.iter().enumerate() {
        if !matches!(at_type(entry), Some("Event" | "Task")) {
            let found = at_type(entry).map_or_else(|| "no \"@type\"".to_owned(), |t| format!("\"@type\": {t:?}"));
            let message = format!("expected a JSCalendar Event, Task or Group, found {found}");
            return Err(syntax(message).in_record(index + 1));
        }
    }
    let mut group = Map::new();
    group.insert("@type".into(), "Group".into());
    group.insert("entries".into(), Json::Array(entries));
    Ok(Json::Object(group))
}

/// calcard half: iCalendar text → JSCalendar JSON (a Group).
pub fn icalendar_to_jscalendar(text: &str) -> Result<Json, FormatError> {
    let calendar = calcard::icalendar::ICalendar::parse(text)
        .map_err(|entry| syntax(format!("calcard cannot read the iCalendar: {entry:?}")))?;
    let group = calendar.into_jscalendar::<String, String>();
    serde_json::to_value(&group.0).map_err(|e| syntax(format!("calcard produced unserializable JSCalendar: {e}")))
}

/// calcard half: JSCalendar JSON (a Group) → iCalendar text.
pub fn jscalendar_to_icalendar(group: &Json) -> Result<String, FormatError> {
    let json = group.to_string();
    let group = calcard::jscalendar::JSCalendar::<String, String>::parse(&json)
        .map_err(|e| syntax(format!("not JSCalendar: {e}")))?;
    let calendar = group
        .into_icalendar()
        .ok_or_else(|| syntax("the JSCalendar Group is not an object".to_owned()))?;
    Ok(calendar.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDUP: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pimgate//test//EN\r\nBEGIN:VEVENT\r\n\
        UID:standup-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20240105T090000\r\n\
        DURATION:PT15M\r\nRRULE:FREQ=WEEKLY;BYDAY=FR\r\nSUMMARY:Standup\r\nX-PIMGATE-TEST:kept\r\n\
        BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn rfc8984_icalendar_becomes_jscalendar_group() {
        let group = icalendar_to_jscalendar(STANDUP).unwrap();
        assert_eq!(at_type(&group), Some("Group"));
        let event = &group["entries"][0];
        assert_eq!(at_type(event), Some("Event"));
        assert_eq!(event["uid"], "standup-1");
        assert_eq!(event["title"], "Standup");
        assert_eq!(event["start"], "2024-01-05T09:00:00");
        assert_eq!(event["timeZone"], "Europe/Berlin");
        assert_eq!(event["duration"], "PT15M");
        assert_eq!(event["recurrenceRule"]["frequency"], "weekly");
    }

    #[test]
    fn rfc8984_jscalendar_round_trip_keeps_vendor_properties() {
        let back = jscalendar_to_icalendar(&icalendar_to_jscalendar(STANDUP).unwrap()).unwrap();
        for expected in [
            "UID:standup-1",
            "DTSTART;TZID=Europe/Berlin:20240105T090000",
            "RRULE:FREQ=WEEKLY;BYDAY=FR",
            "X-PIMGATE-TEST:kept",
            "TRIGGER:-PT5M",
        ] {
            assert!(back.contains(expected), "{expected} missing from\n{back}");
        }
        assert!(back.starts_with("BEGIN:VCALENDAR\r\n"), "{back}");
    }

    #[test]
    fn lone_event_is_wrapped_in_a_group_and_becomes_a_vcalendar() {
        let event = serde_json::json!({"@type": "Event", "uid": "e2", "title": "Lunch", "start": "2024-02-01T12:00:00", "duration": "PT1H"});
        let group = as_group(event).unwrap();
        let text = jscalendar_to_icalendar(&group).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        assert!(
            text.contains("BEGIN:VEVENT\r\n")
                && text.contains("SUMMARY:Lunch\r\n")
                && text.contains("DTSTART:20240201T120000\r\n"),
            "{text}"
        );
    }

    #[test]
    fn non_calendar_json_is_refused_with_its_entry_number() {
        let error = from_jscalendar(br#"[{"@type": "Event"}, {"@type": "Card"}]"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "record 2, expected a JSCalendar Event, Task or Group, found \"@type\": \"Card\""
        );
    }
}
