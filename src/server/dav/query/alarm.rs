//! VALARM trigger times (RFC 5545 §3.8.6.3, §3.6.6) for the VALARM row of
//! RFC 4791 §9.9: an alarm overlaps a range when one of its triggers
//! (repetitions included) falls in it, relative to each occurrence of its
//! parent.

use chrono::{DateTime, Utc};

use super::overlap::Span;
use super::zone::{Moment, Zones};
use crate::universal::{Component, ComponentName, Duration, ParamName, PropName, Value};

/// Repetitions beyond this are ignored (a REPEAT of a million is not an alarm).
const MAX_REPEAT: i64 = 1000;

/// Every trigger instant of `alarm` for one occurrence of its parent.
pub fn triggers(alarm: &Component, occurrence: &Span, zones: &Zones) -> Vec<DateTime<Utc>> {
    let Some(trigger) = alarm.prop(&PropName::Trigger) else {
        return Vec::new();
    };
    let first = match trigger.value() {
        Value::Duration(offset) => {
            let Some((start, end)) = occurrence.bounds() else {
                return Vec::new();
            };
            let related_end = trigger
                .params()
                .first_value(&ParamName::Related)
                .is_some_and(|r| r.eq_ignore_ascii_case("END"));
            let base = if related_end { end } else { start };
            base.checked_add_signed(exact(offset))
        }
        _ => Moment::of(trigger, zones).map(|m| m.utc(&zones.floating)),
    };
    let Some(first) = first else { return Vec::new() };
    let mut out = vec![first];
    let repeat = match alarm.prop(&PropName::Repeat).map(|p| p.value()) {
        Some(Value::Integer(n)) => (*n).clamp(0, MAX_REPEAT),
        _ => 0,
    };
    if let Some(Value::Duration(every)) = alarm.prop(&PropName::Duration).map(|p| p.value()) {
        let every = exact(every);
        for k in 1..=repeat {
            let Some(step) = every.checked_mul(k as i32) else { break };
            if let Some(next) = first.checked_add_signed(step) {
                out.push(next);
            }
        }
    }
    out
}

/// How far from its occurrence any alarm of `component` can fire: the
/// widest relative trigger plus its repetitions.
pub fn reach(component: &Component) -> chrono::Duration {
    let mut widest = chrono::Duration::zero();
    for alarm in component.children.iter().filter(|c| c.name() == &ComponentName::VAlarm) {
        let duration = |name| match alarm.prop(&name).map(|p| p.value()) {
            Some(Value::Duration(d)) => exact(d).abs(),
            _ => chrono::Duration::zero(),
        };
        let repeat = match alarm.prop(&PropName::Repeat).map(|p| p.value()) {
            Some(Value::Integer(n)) => (*n).clamp(0, MAX_REPEAT) as i32,
            _ => 0,
        };
        let repeats = duration(PropName::Duration).checked_mul(repeat).unwrap_or_default();
        widest = widest.max(duration(PropName::Trigger) + repeats);
    }
    widest
}

/// A duration as exact seconds (alarm offsets are short; days count 24 h).
fn exact(duration: &Duration) -> chrono::Duration {
    chrono::Duration::try_seconds(duration.total_seconds()).unwrap_or_default()
}
