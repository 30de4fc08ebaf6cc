//! A VTIMEZONE's offsets (RFC 5545 §3.6.5): every onset of its STANDARD and
//! DAYLIGHT observances (DTSTART, RRULE, RDATE), as UTC instants with the
//! offset that starts there.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use chrono::{Datelike, NaiveDateTime};

use super::rules::LocalStarts;
use super::zone::naive_of;
use crate::adapters::contentline::parse_date_time;
use crate::universal::{Component, ComponentName, DateTimeValue, PropName, Value};

/// Onsets are generated up to this year; later instants keep the last offset.
const LAST_YEAR: i32 = 2200;
/// At most this many onsets per observance (two a year until `LAST_YEAR`).
const MAX_ONSETS: usize = 500;

/// The offset history of one VTIMEZONE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transitions {
    /// The offset before the first onset (that onset's TZOFFSETFROM).
    initial: i32,
    /// (UTC seconds of the onset, offset from then on), ascending.
    onsets: Vec<(i64, i32)>,
}

/// Distinct VTIMEZONEs remembered; beyond this the memory starts over.
const CACHED_ZONES: usize = 512;

/// Transitions by VTIMEZONE, found by TZID and compared whole. Expanding
/// the observance rules costs about a millisecond, and every object of a
/// calendar repeats the same few VTIMEZONEs, so a calendar-query over
/// thousands of events would spend most of its time here. (A digest of
/// the serialised component as the key cost a tenth of such a query.)
static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);

#[derive(Default)]
struct Cache {
    by_tzid: HashMap<String, Vec<(Component, Arc<Transitions>)>>,
    len: usize,
}

impl Transitions {
    /// [`Transitions::from_component`], remembered by the component's content.
    pub fn cached(vtimezone: &Component) -> Option<Arc<Transitions>> {
        let tzid = vtimezone
            .prop(&PropName::TzId)
            .and_then(|p| p.value().as_text())
            .unwrap_or_default();
        let found = |cache: &Cache| {
            let same = cache
                .by_tzid
                .get(tzid)?
                .iter()
                .find(|(known, _)| same_content(known, vtimezone));
            same.map(|(_, transitions)| Arc::clone(transitions))
        };
        if let Some(found) = found(&CACHE.lock().expect("zone cache")) {
            return Some(found);
        }
        let transitions = Arc::new(Transitions::from_component(vtimezone)?);
        let mut cache = CACHE.lock().expect("zone cache");
        if cache.len >= CACHED_ZONES {
            *cache = Cache::default();
        }
        cache.len += 1;
        let entry = (vtimezone.clone(), Arc::clone(&transitions));
        cache.by_tzid.entry(tzid.to_owned()).or_default().push(entry);
        Some(transitions)
    }

    /// Reads a VTIMEZONE; `None` when it has no usable observance.
    pub fn from_component(vtimezone: &Component) -> Option<Transitions> {
        let mut onsets: Vec<(i64, i32, i32)> = Vec::new();
        for observance in &vtimezone.children {
            if matches!(observance.name(), ComponentName::Standard | ComponentName::Daylight) {
                observance_onsets(observance, &mut onsets);
            }
        }
        onsets.sort_unstable();
        onsets.dedup_by_key(|o| o.0);
        let initial = onsets.first()?.1;
        Some(Transitions {
            initial,
            onsets: onsets.into_iter().map(|(at, _, to)| (at, to)).collect(),
        })
    }

    /// The UTC offset in seconds in force at `utc` (seconds since the epoch).
    pub fn offset_at(&self, utc: i64) -> i32 {
        match self.onsets.partition_point(|(at, _)| *at <= utc) {
            0 => self.initial,
            n => self.onsets[n - 1].1,
        }
    }
}

/// Same names, properties and sub-components, field ids aside (every
/// object's copy of a VTIMEZONE has its own).
fn same_content(a: &Component, b: &Component) -> bool {
    a.name() == b.name()
        && a.props.len() == b.props.len()
        && a.props.iter().zip(&b.props).all(|(x, y)| x.same_content(y))
        && a.children.len() == b.children.len()
        && a.children.iter().zip(&b.children).all(|(x, y)| same_content(x, y))
}

/// Pushes (UTC onset, offset from, offset to) for one observance.
fn observance_onsets(observance: &Component, out: &mut Vec<(i64, i32, i32)>) {
    let offset = |name| match observance.prop(&name).map(|p| p.value()) {
        Some(Value::UtcOffset(seconds)) => Some(*seconds),
        _ => None,
    };
    let (Some(from), Some(to)) = (offset(PropName::TzOffsetFrom), offset(PropName::TzOffsetTo)) else {
        return;
    };
    let Some(start) = first_naive(observance.prop(&PropName::DtStart).map(|p| p.value())) else {
        return;
    };
    // Onsets are local times in the offset in force before them.
    let mut push = |local: NaiveDateTime| out.push((local.and_utc().timestamp() - i64::from(from), from, to));
    push(start);
    for rule in observance.props_named(&PropName::RRule) {
        if let Value::Recur(recur) = rule.value() {
            let until = recur.get("UNTIL").and_then(parse_date_time).and_then(|until| {
                let utc = is_utc(&until);
                let local = naive_of(&until)?;
                Some(if utc {
                    local + chrono::Duration::seconds(i64::from(from))
                } else {
                    local
                })
            });
            LocalStarts::new(start, recur, until, MAX_ONSETS)
                .take_while(|d| d.year() <= LAST_YEAR)
                .for_each(&mut push);
        }
    }
    for rdate in observance.props_named(&PropName::RDate) {
        if let Value::DateTimes(values) = rdate.value() {
            for value in values {
                if let Some(local) = naive_of(value) {
                    let local = if is_utc(value) {
                        local + chrono::Duration::seconds(i64::from(from))
                    } else {
                        local
                    };
                    push(local);
                }
            }
        }
    }
}

fn first_naive(value: Option<&Value>) -> Option<NaiveDateTime> {
    match value? {
        Value::DateTimes(values) => naive_of(values.first()?),
        _ => None,
    }
}

fn is_utc(value: &DateTimeValue) -> bool {
    matches!(value, DateTimeValue::DateTime { time, .. } | DateTimeValue::Period { time, .. } if time.utc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::ical;

    fn vtimezone(tzid: &str, winter_offset: &str) -> Component {
        let text = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTIMEZONE\r\nTZID:{tzid}\r\n\
             BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
             TZOFFSETFROM:+0200\r\nTZOFFSETTO:{winter_offset}\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n\
             DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:{winter_offset}\r\n\
             TZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:e\r\nDTSTAMP:20250101T000000Z\r\n\
             DTSTART;TZID={tzid}:20250101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let record = ical::parse(text.as_bytes()).expect("calendar parses").remove(0);
        let zone = record
            .root
            .children
            .iter()
            .find(|c| c.name() == &ComponentName::VTimezone);
        zone.expect("a VTIMEZONE").clone()
    }

    #[test]
    fn cached_by_content_not_by_tzid_alone() {
        let berlin = Transitions::cached(&vtimezone("Cache/Test", "+0100")).expect("transitions");
        let again = Transitions::cached(&vtimezone("Cache/Test", "+0100")).expect("transitions");
        assert!(Arc::ptr_eq(&berlin, &again), "the same content is expanded once");
        let other = Transitions::cached(&vtimezone("Cache/Test", "+0000")).expect("transitions");
        assert!(!Arc::ptr_eq(&berlin, &other));
        // 2025-01-15 12:00 UTC, in winter.
        let january = 1_736_942_400;
        assert_eq!(berlin.offset_at(january), 3600);
        assert_eq!(other.offset_at(january), 0);
    }
}
