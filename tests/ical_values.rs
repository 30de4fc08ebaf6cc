//! Value typing of iCalendar properties (RFC 5545 §3.3, §3.8).

use pimgate::adapters::ical;
use pimgate::universal::{Component, Date, DateTimeValue, Duration, PropName, Record, Time, Value};

fn event(lines: &str) -> Record {
    let input = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u\r\n{lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let mut records = ical::parse(input.as_bytes()).unwrap();
    assert_eq!(records.len(), 1);
    records.remove(0)
}

fn vevent(record: &Record) -> &Component {
    &record.root.children[0]
}

fn value<'a>(record: &'a Record, name: &str) -> &'a Value {
    vevent(record)
        .prop(&PropName::parse(name))
        .unwrap_or_else(|| panic!("no {name}"))
        .value()
}

fn date(y: u16, m: u8, d: u8) -> Date {
    Date {
        year: Some(y),
        month: Some(m),
        day: Some(d),
    }
}

#[test]
fn rfc5545_3_3_4_and_3_3_5_dates_and_date_times() {
    let record =
        event("DTSTART;VALUE=DATE:20240105\r\nDTEND:20240106T100000Z\r\nEXDATE:20240112T090000,20240119T090000\r\n");
    assert_eq!(
        value(&record, "DTSTART"),
        &Value::DateTimes(vec![DateTimeValue::Date(date(2024, 1, 5))])
    );
    let utc = Time {
        hour: 10,
        minute: 0,
        second: 0,
        utc: true,
        offset_minutes: None,
    };
    assert_eq!(
        value(&record, "DTEND"),
        &Value::DateTimes(vec![DateTimeValue::DateTime {
            date: date(2024, 1, 6),
            time: utc
        }])
    );
    assert!(matches!(value(&record, "EXDATE"), Value::DateTimes(list) if list.len() == 2));
}

#[test]
fn rfc5545_3_3_9_rdate_periods() {
    let record = event("RDATE;VALUE=PERIOD:19970101T180000Z/PT5H30M\r\n");
    assert!(
        matches!(value(&record, "RDATE"), Value::DateTimes(list) if matches!(list[0], DateTimeValue::Period { .. }))
    );
}

#[test]
fn rfc5545_3_8_6_3_trigger_is_a_duration_or_a_date_time() {
    let input = "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:t\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nBEGIN:VALARM\r\nTRIGGER;VALUE=DATE-TIME:19760401T005545Z\r\nEND:VALARM\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
    let records = ical::parse(input.as_bytes()).unwrap();
    let alarms = &records[0].root.children[0].children;
    let minus_15 = Duration {
        negative: true,
        minutes: 15,
        ..Duration::default()
    };
    assert_eq!(alarms[0].props[0].value(), &Value::Duration(minus_15));
    assert!(matches!(alarms[1].props[0].value(), Value::DateTimes(_)));
}

#[test]
fn rfc5545_typed_properties_of_every_kind() {
    let record = event(concat!(
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n",
        "SEQUENCE:3\r\n",
        "PRIORITY:1\r\n",
        "ORGANIZER;CN=Jo:mailto:jo@example.com\r\n",
        "ATTACH;ENCODING=BASE64;VALUE=BINARY:aGVs\r\n bG8=\r\n",
        "CATEGORIES:work,fun\\,stuff\r\n",
        "GEO:37.386013;-122.082932\r\n",
        "REQUEST-STATUS:2.0;Success\r\n",
        "SUMMARY:a\\, b\\nc\r\n",
    ));
    assert_eq!(
        value(&record, "RRULE").clone(),
        Value::Recur(pimgate::universal::Recur {
            parts: vec![("BYDAY".into(), "MO,WE".into()), ("FREQ".into(), "WEEKLY".into())]
        })
    );
    assert_eq!(value(&record, "SEQUENCE"), &Value::Integer(3));
    assert_eq!(value(&record, "ORGANIZER"), &Value::Uri("mailto:jo@example.com".into()));
    assert_eq!(value(&record, "ATTACH"), &Value::Binary("aGVsbG8=".into()));
    assert_eq!(
        value(&record, "CATEGORIES"),
        &Value::TextList(vec!["work".into(), "fun,stuff".into()])
    );
    assert_eq!(
        value(&record, "GEO"),
        &Value::Structured(vec![vec!["37.386013".into()], vec!["-122.082932".into()]])
    );
    assert_eq!(
        value(&record, "REQUEST-STATUS"),
        &Value::Structured(vec![vec!["2.0".into()], vec!["Success".into()]])
    );
    assert_eq!(value(&record, "SUMMARY"), &Value::Text("a, b\nc".into()));
}

#[test]
fn rfc5545_3_3_14_utc_offsets_in_time_zones() {
    let input = "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n";
    let records = ical::parse(input.as_bytes()).unwrap();
    let daylight = &records[0].root.children[0].children[0];
    assert_eq!(daylight.props[1].value(), &Value::UtcOffset(7200));
}

#[test]
fn vendor_properties_are_raw_exactly_as_written() {
    let record = event("X-MOZ-SNOOZE-TIME;X-A=\"b;c\":20240105T090000Z\\,x;y\r\n");
    assert_eq!(
        value(&record, "X-MOZ-SNOOZE-TIME"),
        &Value::Raw("20240105T090000Z\\,x;y".into())
    );
    let mut canonical = record.clone();
    canonical.clear_raw();
    let text = String::from_utf8(ical::render(&canonical).unwrap()).unwrap();
    assert!(
        text.contains("X-MOZ-SNOOZE-TIME;X-A=\"b;c\":20240105T090000Z\\,x;y\r\n"),
        "{text}"
    );
}

#[test]
fn a_malformed_value_is_kept_raw_and_reported_never_lost() {
    let record = event("DTSTART:2024-13-45\r\nSEQUENCE:many\r\n");
    assert_eq!(value(&record, "DTSTART"), &Value::Raw("2024-13-45".into()));
    assert_eq!(value(&record, "SEQUENCE"), &Value::Raw("many".into()));
    let lines: Vec<u32> = record.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, [6, 7]);
}
