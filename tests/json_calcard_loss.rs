//! Measures what calcard's JSContact (RFC 9555) and JSCalendar conversions
//! lose, over the real-world corpus: each vCard 3.0/4.0 card and each
//! iCalendar file goes text → calcard → JSContact/JSCalendar → calcard, and
//! property instances are counted by name before and after. The lists below
//! are what `src/adapters/json/{jscontact,jscalendar}.rs` document; the test
//! fails when calcard loses something new, and when a listed loss is no
//! longer observed (so the documentation cannot go stale).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use calcard::{Entry, Parser};

/// Property names (vCard) that lose values through JSContact (calcard 0.3.14):
/// a second N (JSContact has one `name`); Apple-style labelled groups
/// (`item2.TEL` + `item2.X-ABLabel`): the label or, once, the phone itself.
const CONTACT_LOSSES: &[&str] = &["N", "TEL", "X-ABLABEL"];
/// `COMPONENT/PROPERTY` names (iCalendar) that lose values through JSCalendar
/// (calcard 0.3.14): METHOD; empty LOCATION; LOCATION of an event that also
/// has GEO (written back as a second GEO); a duplicate DTSTART or second
/// RRULE; DTSTART/DTEND of an override without its master; EXDATE of a
/// non-recurring event; some RDATEs; a VTIMEZONE's duplicate TZID; the
/// properties of an unknown component (`000`).
const CALENDAR_LOSSES: &[&str] = &[
    "000/DURATION",
    "000/TZID",
    "VCALENDAR/METHOD",
    "VEVENT/DTEND",
    "VEVENT/DTSTART",
    "VEVENT/DURATION",
    "VEVENT/EXDATE",
    "VEVENT/LOCATION",
    "VEVENT/RDATE",
    "VEVENT/RRULE",
    "VTIMEZONE/TZID",
    "VTODO/LOCATION",
];

type Counts = BTreeMap<String, i64>;

fn add(counts: &mut Counts, key: String, delta: i64) {
    *counts.entry(key).or_default() += delta;
}

/// Per name: how many instances the conversion lost (negative: added).
fn net_changes(deltas: &[Counts]) -> (BTreeMap<String, i64>, BTreeMap<String, i64>) {
    let (mut lost, mut added) = (BTreeMap::new(), BTreeMap::new());
    for delta in deltas {
        for (name, &d) in delta {
            if d > 0 {
                *lost.entry(name.clone()).or_default() += d;
            } else if d < 0 {
                *added.entry(name.clone()).or_default() -= d;
            }
        }
    }
    (lost, added)
}

fn report(kind: &str, units: usize, lost: &BTreeMap<String, i64>, added: &BTreeMap<String, i64>, expected: &[&str]) {
    println!("{kind}: {units} converted; lost {lost:?}; added {added:?}");
    let lost_names: BTreeSet<&str> = lost.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(
        lost_names, expected,
        "{kind}: the observed losses differ from the documented ones"
    );
}

fn corpus_texts(kind: &str, versions: &[&str]) -> Vec<String> {
    common::corpus(kind)
        .into_iter()
        .filter(|f| !f.is_malformed() && (versions.is_empty() || versions.contains(&f.version.as_str())))
        .filter_map(|f| String::from_utf8(f.bytes()).ok())
        .collect()
}

#[test]
fn jscontact_conversion_losses_are_the_documented_ones() {
    let mut deltas = Vec::new();
    for text in corpus_texts("vcard", &["3.0", "4.0"]) {
        let mut parser = Parser::new(&text);
        loop {
            match parser.entry() {
                Entry::VCard(card) => {
                    let mut delta = Counts::new();
                    card.entries
                        .iter()
                        .for_each(|e| add(&mut delta, e.name.as_str().to_ascii_uppercase(), weight(e.values.len())));
                    let back = card
                        .into_jscontact::<String, String>()
                        .into_vcard()
                        .expect("a Card converts back");
                    back.entries.iter().for_each(|e| {
                        add(
                            &mut delta,
                            e.name.as_str().to_ascii_uppercase(),
                            -weight(e.values.len()),
                        )
                    });
                    deltas.push(delta);
                }
                Entry::Eof => break,
                _ => {}
            }
        }
    }
    assert!(deltas.len() > 50, "only {} cards in the corpus", deltas.len());
    let (lost, added) = net_changes(&deltas);
    report("vCard → JSContact → vCard", deltas.len(), &lost, &added, CONTACT_LOSSES);
}

#[test]
fn jscalendar_conversion_losses_are_the_documented_ones() {
    let mut deltas = Vec::new();
    for text in corpus_texts("ical", &[]) {
        let Ok(calendar) = calcard::icalendar::ICalendar::parse(&text) else {
            continue;
        };
        let mut delta = Counts::new();
        count_calendar(&calendar, 1, &mut delta);
        let back = calendar
            .into_jscalendar::<String, String>()
            .into_icalendar()
            .expect("a Group converts back");
        count_calendar(&back, -1, &mut delta);
        deltas.push(delta);
    }
    assert!(deltas.len() > 100, "only {} calendars in the corpus", deltas.len());
    let (lost, added) = net_changes(&deltas);
    report(
        "iCalendar → JSCalendar → iCalendar",
        deltas.len(),
        &lost,
        &added,
        CALENDAR_LOSSES,
    );
}

/// A property counts once per value (so three EXDATE lines equal one EXDATE
/// line with three dates), and an empty one still counts once.
fn weight(values: usize) -> i64 {
    i64::try_from(values.max(1)).unwrap_or(i64::MAX)
}

fn count_calendar(calendar: &calcard::icalendar::ICalendar, sign: i64, counts: &mut Counts) {
    for component in &calendar.components {
        for entry in &component.entries {
            let key = format!("{}/{}", component.component_type.as_str(), entry.name.as_str()).to_ascii_uppercase();
            add(counts, key, sign * weight(entry.values.len()));
        }
    }
}
