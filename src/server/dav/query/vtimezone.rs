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

/// Transitions by VTIMEZONE content. Expanding the observance rules costs
/// about a millisecond, and every object of a calendar repeats the same few
/// VTIMEZONEs, so a calendar-query over thousands of events would spend most
/// of its time here.
static CACHE: LazyLock<Mutex<HashMap<blake3::Hash, Arc<Transitions>>>> = LazyLock::new(Mutex::default);

impl Transitions {
    /// [`Transitions::from_component`], remembered by the component's content.
    pub fn cached(vtimezone: &Component) -> Option<Arc<Transitions>> {
        let key = blake3::hash(&serde_json::to_vec(vtimezone).ok()?);
        if let Some(found) = CACHE.lock().expect("zone cache").get(&key) {
            return Some(Arc::clone(found));
        }
        let transitions = Arc::new(Transitions::from_component(vtimezone)?);
        let mut cache = CACHE.lock().expect("zone cache");
        if cache.len() >= CACHED_ZONES {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&transitions));
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
