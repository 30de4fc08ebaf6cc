//! Lenient reading of what real clients write (CLIENT-QUIRKS.md) and the
//! errors for what cannot be read.

use pimgate::adapters::{FormatErrorKind, ical, strict};
use pimgate::universal::{ComponentName, ParamName, PropName, Value};

fn calendar(body: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{body}END:VCALENDAR\r\n")
}

fn messages(input: &str) -> Vec<String> {
    ical::parse(input.as_bytes())
        .unwrap()
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| format!("{}: {}", d.line, d.message)))
        .collect()
}

#[test]
fn outlook_trailing_space_in_tzid_is_normalised_and_objects_still_find_their_zone() {
    let input = calendar(
        "BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time \r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:o\r\nDTSTART;TZID=\"W. Europe Standard Time \":20240105T090000\r\nEND:VEVENT\r\n",
    );
    let records = ical::parse(input.as_bytes()).unwrap();
    assert_eq!(records.len(), 1, "the zone is attached, not left alone");
    let event = &records[0].root.children[1];
    assert_eq!(
        event.props[1].params().first_value(&ParamName::TzId),
        Some("W. Europe Standard Time")
    );
    assert_eq!(records[0].diagnostics.len(), 2);
    assert_eq!(
        ical::render(&records[0]).unwrap(),
        input.as_bytes(),
        "raw bytes keep the client's spelling"
    );
}

#[test]
fn thunderbird_zero_duration_beside_dtend_is_kept_and_reported() {
    let input = calendar(
        "BEGIN:VEVENT\r\nUID:t\r\nDTSTART:20240105T090000Z\r\nDTEND:20240105T100000Z\r\nDURATION:PT0S\r\nEND:VEVENT\r\n",
    );
    let records = ical::parse(input.as_bytes()).unwrap();
    assert!(records[0].root.children[0].prop(&PropName::Duration).is_some());
    assert_eq!(
        messages(&input),
        ["4: VEVENT has both DTEND and DURATION (RFC 5545 §3.6.1 allows one; Thunderbird); kept as written"]
    );
}

#[test]
fn evolution_exdate_value_date_beside_a_date_time_start_is_reported() {
    let input = calendar(
        "BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20240105T090000Z\r\nRRULE:FREQ=DAILY\r\nEXDATE;VALUE=DATE:20240106\r\nEND:VEVENT\r\n",
    );
    assert_eq!(
        messages(&input),
        ["4: EXDATE is DATE while DTSTART is DATE-TIME (RFC 5545 §3.8.5.1; Evolution); kept as written"]
    );
}

#[test]
fn ios_placeholder_alarm_is_kept_untouched() {
    let input = calendar(
        "BEGIN:VEVENT\r\nUID:i\r\nBEGIN:VALARM\r\nACTION:NONE\r\nTRIGGER;VALUE=DATE-TIME:19760401T005545Z\r\nEND:VALARM\r\nEND:VEVENT\r\n",
    );
    let records = ical::parse(input.as_bytes()).unwrap();
    assert_eq!(records[0].root.children[0].children[0].name(), &ComponentName::VAlarm);
    assert!(records[0].diagnostics.is_empty());
    assert_eq!(ical::render(&records[0]).unwrap(), input.as_bytes());
}

#[test]
fn missing_version_and_prodid_are_reported() {
    let input = "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:v\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        messages(input),
        [
            "1: VCALENDAR has no VERSION (RFC 5545 §3.7.4 requires one)",
            "1: VCALENDAR has no PRODID (RFC 5545 §3.7.3 requires one)"
        ]
    );
}

#[test]
fn missing_end_is_reported_and_the_file_still_renders_as_written() {
    let input = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:m\r\nSUMMARY:cut off\r\n";
    let records = ical::parse(input.as_bytes()).unwrap();
    assert_eq!(
        messages(input),
        [
            "4: BEGIN:VEVENT has no END:VEVENT; closed where its parent ends",
            "1: BEGIN:VCALENDAR has no END:VCALENDAR; closed where its parent ends"
        ]
    );
    assert_eq!(ical::render(&records[0]).unwrap(), input.as_bytes());
    let mut canonical = records[0].clone();
    canonical.clear_raw();
    assert!(
        String::from_utf8(ical::render(&canonical).unwrap())
            .unwrap()
            .ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n")
    );
}

#[test]
fn lines_that_are_not_content_lines_are_reported_with_their_text() {
    let input = calendar("BEGIN:VEVENT\r\nUID:j\r\nthis is junk\r\nSUMMARY:ok\r\nEND:VEVENT\r\n");
    let records = ical::parse(input.as_bytes()).unwrap();
    let diagnostic = &records[0].diagnostics[0];
    assert_eq!((diagnostic.line, diagnostic.text.as_deref()), (6, Some("this is junk")));
    assert_eq!(
        ical::render(&records[0]).unwrap(),
        input.as_bytes(),
        "junk travels in the raw bytes of the next line"
    );
}

#[test]
fn bare_components_without_vcalendar_are_read_inside_an_implicit_calendar() {
    let input = "BEGIN:VEVENT\r\nUID:bare\r\nDTSTART:20240105T090000Z\r\nEND:VEVENT\r\n";
    let records = ical::parse(input.as_bytes()).unwrap();
    assert_eq!(records[0].uid(), Some("bare"));
    assert_eq!(ical::render(&records[0]).unwrap(), input.as_bytes());
    assert_eq!(records[0].diagnostics[0].line, 1);
}

#[test]
fn no_vcalendar_is_an_error_naming_the_line() {
    let error = ical::parse(b"\r\nBEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n").unwrap_err();
    assert_eq!(error.line, 2);
    assert!(matches!(
        error.kind,
        FormatErrorKind::MissingBegin { expected: "VCALENDAR" }
    ));
    assert_eq!(ical::parse(b"").unwrap_err().line, 1);
}

#[test]
fn mismatched_end_is_reported_leniently_and_refused_strictly_with_line_and_record() {
    let one = calendar("BEGIN:VTODO\r\nUID:1\r\nEND:VTODO\r\n");
    let two = calendar("BEGIN:VTODO\r\nUID:2\r\nEND:VEVENT\r\nEND:VTODO\r\n");
    let records = ical::parse(format!("{one}{two}").as_bytes()).unwrap();
    assert_eq!(records[1].diagnostics[0].line, 13);
    assert_eq!(
        records[1].root.children[0].prop(&PropName::Uid).unwrap().value(),
        &Value::Text("2".into())
    );
    let error = strict(records).unwrap_err();
    assert_eq!((error.record, error.line), (Some(2), 13));
    assert!(
        error.to_string().contains("END:VEVENT where END:VTODO was due"),
        "{error}"
    );
}

#[test]
fn objects_of_a_bare_file_render_back_to_something_that_reads_the_same() {
    // X-FOO belongs to the implicit calendar and precedes object b's event.
    let input = "BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\nX-FOO:bar\r\nBEGIN:VEVENT\r\nUID:b\r\nEND:VEVENT\r\n";
    let records = ical::parse(input.as_bytes()).unwrap();
    for record in &records {
        let rendered = ical::render(record).unwrap();
        assert_eq!(
            ical::parse(&rendered).unwrap(),
            std::slice::from_ref(record),
            "{}",
            String::from_utf8_lossy(&rendered)
        );
    }
}
