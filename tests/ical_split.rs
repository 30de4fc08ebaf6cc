//! Splitting VCALENDARs into application objects (DESIGN.md: one object per
//! UID, with its overrides and only the VTIMEZONEs it references).

use pimgate::adapters::ical;
use pimgate::universal::{ComponentName, PropName, Record, Value};

const TWO_UIDS: &str = "BEGIN:VCALENDAR\r\n\
VERSION:2.0\r\n\
PRODID:-//test//EN\r\n\
X-WR-CALNAME:Work\r\n\
BEGIN:VTIMEZONE\r\n\
TZID:Europe/Berlin\r\n\
BEGIN:STANDARD\r\n\
DTSTART:19701025T030000\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n\
BEGIN:VTIMEZONE\r\n\
TZID:America/New_York\r\n\
BEGIN:STANDARD\r\n\
DTSTART:19701101T020000\r\n\
TZOFFSETFROM:-0400\r\n\
TZOFFSETTO:-0500\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n\
BEGIN:VEVENT\r\n\
UID:a\r\n\
DTSTART;TZID=Europe/Berlin:20240105T090000\r\n\
RRULE:FREQ=WEEKLY\r\n\
SUMMARY:Standup\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\n\
UID:b\r\n\
DTSTART:20240105T090000Z\r\n\
SUMMARY:Other\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\n\
UID:a\r\n\
RECURRENCE-ID;TZID=Europe/Berlin:20240112T090000\r\n\
DTSTART;TZID=Europe/Berlin:20240112T100000\r\n\
SUMMARY:Standup (moved)\r\n\
END:VEVENT\r\n\
BEGIN:X-VENDOR-THING\r\n\
X-SETTING:on\r\n\
END:X-VENDOR-THING\r\n\
END:VCALENDAR\r\n";

fn names(record: &Record) -> Vec<String> {
    record.root.children.iter().map(|c| c.name().to_string()).collect()
}

#[test]
fn overrides_stay_with_their_master_and_zones_go_only_where_referenced() {
    let records = ical::parse(TWO_UIDS.as_bytes()).unwrap();
    let uids: Vec<_> = records.iter().map(|r| r.uid()).collect();
    // a, b, the X- component (no UID), and the unreferenced New York zone.
    assert_eq!(uids, [Some("a"), Some("b"), None, None]);
    assert_eq!(names(&records[0]), ["VTIMEZONE", "VEVENT", "VEVENT"]);
    assert_eq!(
        records[0].root.children[0].prop(&PropName::TzId).unwrap().value(),
        &Value::Text("Europe/Berlin".into())
    );
    assert_eq!(names(&records[1]), ["VEVENT"]);
    assert_eq!(names(&records[2]), ["X-VENDOR-THING"]);
    assert_eq!(names(&records[3]), ["VTIMEZONE"]);
}

#[test]
fn every_object_carries_the_calendar_header() {
    for record in ical::parse(TWO_UIDS.as_bytes()).unwrap() {
        let header: Vec<_> = record.root.props.iter().map(|p| p.name().to_string()).collect();
        assert_eq!(header, ["VERSION", "PRODID", "X-WR-CALNAME"]);
    }
}

#[test]
fn unknown_components_keep_their_properties() {
    let records = ical::parse(TWO_UIDS.as_bytes()).unwrap();
    let vendor = &records[2].root.children[0];
    assert_eq!(vendor.name(), &ComponentName::Other("X-VENDOR-THING".into()));
    assert_eq!(vendor.props[0].value(), &Value::Raw("on".into()));
}

#[test]
fn each_object_renders_as_its_own_pieces_of_the_file() {
    let records = ical::parse(TWO_UIDS.as_bytes()).unwrap();
    let first = String::from_utf8(ical::render(&records[0]).unwrap()).unwrap();
    assert!(
        first.contains("TZID:Europe/Berlin") && !first.contains("America/New_York"),
        "{first}"
    );
    assert!(
        first.contains("SUMMARY:Standup (moved)") && !first.contains("SUMMARY:Other"),
        "{first}"
    );
    assert!(first.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && first.ends_with("END:VCALENDAR\r\n"));
}

#[test]
fn field_ids_are_numbered_per_object_in_document_order() {
    let records = ical::parse(TWO_UIDS.as_bytes()).unwrap();
    let mut ids = Vec::new();
    records[1]
        .root
        .walk(&mut |c| ids.extend(c.props.iter().map(|p| p.id().0)));
    assert_eq!(ids, (1..=ids.len() as u32).collect::<Vec<_>>());
}

#[test]
fn concatenated_calendars_are_each_split() {
    let one = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:t1\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
    let two = one.replace("t1", "t2").replace("VTODO", "VJOURNAL");
    let records = ical::parse(format!("{one}{two}").as_bytes()).unwrap();
    assert_eq!(
        records.iter().map(|r| r.uid()).collect::<Vec<_>>(),
        [Some("t1"), Some("t2")]
    );
    assert_eq!(ical::render(&records[1]).unwrap(), two.as_bytes());
}

#[test]
fn join_writes_one_header_and_each_zone_once() {
    let records = ical::parse(TWO_UIDS.as_bytes()).unwrap();
    let mut doubled = records.clone();
    doubled.extend(records);
    let joined = String::from_utf8(ical::join(&doubled).unwrap()).unwrap();
    assert_eq!(joined.matches("BEGIN:VCALENDAR").count(), 1);
    assert_eq!(joined.matches("TZID:Europe/Berlin").count(), 1);
    assert_eq!(joined.matches("TZID:America/New_York").count(), 1);
    assert_eq!(joined.matches("BEGIN:VEVENT").count(), 6);
}

#[test]
fn a_property_after_a_sub_component_stays_after_it() {
    let input = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nSUMMARY:after the alarm\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let mut records = ical::parse(input.as_bytes()).unwrap();
    assert_eq!(ical::render(&records[0]).unwrap(), input.as_bytes());
    records[0].clear_raw();
    assert_eq!(String::from_utf8(ical::render(&records[0]).unwrap()).unwrap(), input);
}
