//! `parse(render(records))` keeps what the module doc promises, for both
//! written dialects and every dialect fixture.

mod csv_support;

use csv_support::{input_fixtures, line, lines_of, parse_file};
use pimgate::adapters::csv::{CsvDialect, parse, render};
use pimgate::universal::{Prop, PropName, Record, Value};

/// Every property but the ones CSV regenerates (VERSION, UID, FN), sorted.
fn content(record: &Record) -> Vec<String> {
    let mut out: Vec<String> = record
        .root
        .props
        .iter()
        .filter(|p| !matches!(p.name(), PropName::Version | PropName::Uid | PropName::Fn))
        .map(line)
        .collect();
    out.sort();
    out
}

fn round_trip(records: &[Record], dialect: CsvDialect) -> Vec<Record> {
    let bytes = render(records, dialect).expect("renders");
    let back = parse(&bytes).unwrap_or_else(|e| panic!("re-parse: {e}\n{}", String::from_utf8_lossy(&bytes)));
    assert_eq!(back.len(), records.len());
    back
}

#[test]
fn google_round_trip_keeps_every_property() {
    for path in input_fixtures() {
        let records = parse_file(&path);
        for (before, after) in records.iter().zip(round_trip(&records, CsvDialect::Google)) {
            assert_eq!(content(before), content(&after), "{}", path.display());
        }
    }
}

#[test]
fn google_round_trip_of_a_record_without_name_parts_keeps_the_display_name() {
    let records = parse(b"Name,Email\nAcme Support,help@acme.example\n").unwrap();
    let back = round_trip(&records, CsvDialect::Google);
    assert_eq!(
        back[0].root.prop(&PropName::Fn).and_then(|p| p.value().as_text()),
        Some("Acme Support")
    );
}

#[test]
fn outlook_round_trip_of_outlook_files_keeps_every_mapped_property() {
    for name in ["outlook-en.csv", "outlook-de.csv", "outlook-fr.csv"] {
        let records = parse_file(&csv_support::fixture(name));
        let mapped = |r: &Record| {
            content(r)
                .into_iter()
                .filter(|l| !l.starts_with("X-"))
                .collect::<Vec<_>>()
        };
        for (before, after) in records.iter().zip(round_trip(&records, CsvDialect::Outlook)) {
            assert_eq!(mapped(before), mapped(&after), "{name}");
        }
    }
}

/// Phone TYPE sets Outlook has a column for.
const OUTLOOK_PHONE_TYPES: &[&[&str]] = &[
    &[],
    &["work"],
    &["home"],
    &["cell"],
    &["main"],
    &["work", "fax"],
    &["home", "fax"],
    &["fax"],
    &["pager"],
    &["car"],
];

fn types(prop: &Prop) -> Vec<String> {
    prop.params()
        .iter()
        .filter(|p| p.name.as_str() == "TYPE")
        .flat_map(|p| p.values.clone())
        .collect()
}

/// An address as Outlook keeps it: TYPE, no formatted label, no extended
/// address, at most three street lines.
fn outlook_address(prop: &Prop) -> String {
    let Value::Structured(mut fields) = prop.value().clone() else {
        return line(prop);
    };
    fields[1] = vec![String::new()];
    fields[2].truncate(3);
    let kept = Prop::new(PropName::Adr, Value::Structured(fields));
    format!("{:?} {}", types(prop), line(&kept))
}

#[test]
fn outlook_round_trip_keeps_names_emails_phone_types_addresses_org_title_bday_notes() {
    let core = [
        PropName::N,
        PropName::Org,
        PropName::Title,
        PropName::Bday,
        PropName::Note,
    ];
    for path in input_fixtures() {
        let records = parse_file(&path);
        for (before, after) in records.iter().zip(round_trip(&records, CsvDialect::Outlook)) {
            let at = path.display();
            assert_eq!(lines_of(before, &core), lines_of(&after, &core), "{at}");
            let values = |r: &Record, name: PropName| {
                let mut v: Vec<String> = r
                    .root
                    .props_named(&name)
                    .map(|p| p.value().as_text().unwrap_or("").to_owned())
                    .collect();
                v.sort();
                v
            };
            assert_eq!(values(before, PropName::Email), values(&after, PropName::Email), "{at}");
            assert_eq!(values(before, PropName::Tel), values(&after, PropName::Tel), "{at}");
            for tel in before.root.props_named(&PropName::Tel) {
                let wanted = types(tel);
                if OUTLOOK_PHONE_TYPES
                    .iter()
                    .any(|t| t.len() == wanted.len() && t.iter().all(|x| wanted.iter().any(|w| w == x)))
                {
                    let same = after
                        .root
                        .props_named(&PropName::Tel)
                        .any(|p| p.value() == tel.value() && types(p) == wanted);
                    assert!(same, "{at}: {} lost its types", line(tel));
                }
            }
            let addresses = |r: &Record| {
                let mut v: Vec<String> = r.root.props_named(&PropName::Adr).map(outlook_address).collect();
                v.sort();
                v
            };
            assert_eq!(addresses(before), addresses(&after), "{at}");
        }
    }
}

#[test]
fn rendering_a_calendar_record_is_an_error() {
    use pimgate::universal::{Component, ComponentName};
    let event = Record::new(Component::new(ComponentName::VCalendar), None);
    let error = render(&[event], CsvDialect::Google).unwrap_err();
    assert_eq!(error.record, Some(1));
}
