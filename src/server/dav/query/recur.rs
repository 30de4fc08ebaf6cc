//! The occurrences of a calendar object (RFC 5545 §3.8.5): each master's
//! DTSTART, RRULE and RDATE starts minus its EXDATEs, with the instances
//! that RECURRENCE-ID overrides replace taken from the overrides instead.

use chrono::{DateTime, NaiveDate, Utc};

use super::overlap::{Shape, Span};
use super::rules::LocalStarts;
use super::zone::{Moment, Zones, naive_of, tzid};
use super::{Limits, Range};
use crate::universal::{Component, ComponentName, DateTimeValue, ParamName, PeriodEnd, PropName, Record, Recur, Value};

/// Which instance of a recurrence set an occurrence is (RFC 5545 §3.8.4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecurrenceId {
    /// An all-day series: instances are days.
    Date(NaiveDate),
    Instant(DateTime<Utc>),
}

/// One occurrence: which top-level component it comes from and its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Index of the component in `record.root.children` (master or override).
    pub source: usize,
    /// Set for instances of a recurring master and for overrides.
    pub recurrence_id: Option<RecurrenceId>,
    pub span: Span,
}

/// An override: the instance it replaces and whether it also moves the
/// later ones (`RANGE=THISANDFUTURE`).
struct Override {
    source: usize,
    name: ComponentName,
    id: RecurrenceId,
    this_and_future: bool,
    /// How far the override moved its instance (its DTSTART − RECURRENCE-ID).
    moved_by: chrono::Duration,
}

/// Every occurrence of `record`'s components named `name` (or all calendar
/// components for `None`) that overlaps `range`, in document order of the
/// sources and time order within each, at most `limits.max_instances`.
pub fn occurrences(
    record: &Record,
    name: Option<&ComponentName>,
    zones: &Zones,
    range: &Range,
    limits: &Limits,
) -> Vec<Occurrence> {
    let children = &record.root.children;
    let overrides: Vec<Override> = children
        .iter()
        .enumerate()
        .filter_map(|(i, c)| override_of(i, c, zones))
        .collect();
    let mut out = Vec::new();
    for (index, component) in children.iter().enumerate() {
        if !is_schedulable(component.name()) || name.is_some_and(|n| n != component.name()) {
            continue;
        }
        let left = limits.max_instances.saturating_sub(out.len());
        let own: Vec<&Override> = overrides.iter().filter(|o| &o.name == component.name()).collect();
        if overrides.iter().any(|o| o.source == index) {
            let shape = Shape::of(component, zones);
            let span = match (&shape.start, own.iter().find(|o| o.source == index)) {
                (None, Some(o)) => shape.span_at(&id_moment(o.id), &zones.floating),
                _ => shape.span(&zones.floating),
            };
            let id = own.iter().find(|o| o.source == index).map(|o| o.id);
            if span.overlaps(range) && left > 0 {
                out.push(Occurrence {
                    source: index,
                    recurrence_id: id,
                    span,
                });
            }
        } else {
            out.extend(master(index, component, &own, zones, range, limits.max_generated, left));
        }
    }
    out
}

/// Components that have occurrences (VTIMEZONE and VALARM do not).
fn is_schedulable(name: &ComponentName) -> bool {
    matches!(
        name,
        ComponentName::VEvent | ComponentName::VTodo | ComponentName::VJournal | ComponentName::VFreeBusy
    )
}

fn override_of(index: usize, component: &Component, zones: &Zones) -> Option<Override> {
    let prop = component.prop(&PropName::RecurrenceId)?;
    let moment = Moment::of(prop, zones)?;
    let range = prop.params().first_value(&ParamName::Range);
    let start = component.prop(&PropName::DtStart).and_then(|p| Moment::of(p, zones));
    let moved_by = start.map_or(chrono::Duration::zero(), |s| {
        s.utc(&zones.floating) - moment.utc(&zones.floating)
    });
    Some(Override {
        moved_by,
        source: index,
        name: component.name().clone(),
        id: id_of(&moment, zones),
        this_and_future: range.is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE")),
    })
}

/// The recurrence id of an instance starting at `moment`.
fn id_of(moment: &Moment, zones: &Zones) -> RecurrenceId {
    match moment {
        Moment::Date(date) => RecurrenceId::Date(*date),
        other => RecurrenceId::Instant(other.utc(&zones.floating)),
    }
}

fn id_moment(id: RecurrenceId) -> Moment {
    match id {
        RecurrenceId::Date(date) => Moment::Date(date),
        RecurrenceId::Instant(utc) => Moment::Utc(utc),
    }
}

/// Whether an EXDATE (or override) id names the instance `id`. A DATE
/// EXDATE beside DATE-TIME instances (Evolution) names the whole local day.
fn same_instance(excluded: &RecurrenceId, id: &RecurrenceId, local_day: NaiveDate) -> bool {
    match (excluded, id) {
        (RecurrenceId::Date(day), RecurrenceId::Instant(_)) => *day == local_day,
        _ => excluded == id,
    }
}

/// The occurrences of a master (or of a non-recurring component).
fn master(
    index: usize,
    component: &Component,
    overrides: &[&Override],
    zones: &Zones,
    range: &Range,
    max_generated: usize,
    max_instances: usize,
) -> Vec<Occurrence> {
    let shape = Shape::of(component, zones);
    let recurring = component.prop(&PropName::RRule).is_some() || component.prop(&PropName::RDate).is_some();
    let Some(start) = shape.start.clone().filter(|_| recurring) else {
        let span = shape.span(&zones.floating);
        let keep = span.overlaps(range) && max_instances > 0;
        return keep
            .then_some(Occurrence {
                source: index,
                recurrence_id: None,
                span,
            })
            .into_iter()
            .collect();
    };
    let excluded = exdates(component, zones);
    let mut out = Vec::new();
    // Local times differ from UTC by under a day; two days of slack are safe.
    let stop = range.end.map(|end| end.naive_utc() + chrono::Duration::days(2));
    for (moment, period_end) in starts(component, &start, zones, max_generated, stop) {
        let utc = moment.utc(&zones.floating);
        if range.end.is_some_and(|end| utc > end) || out.len() >= max_instances {
            break;
        }
        let id = id_of(&moment, zones);
        let day = local_day(&moment, zones);
        if excluded.iter().any(|x| same_instance(x, &id, day)) || overrides.iter().any(|o| o.id == id) {
            continue;
        }
        let mut span = match period_end {
            Some(end) => Span::Interval {
                start: utc,
                end: end.max(utc),
            },
            None => shape.span_at(&moment, &zones.floating),
        };
        span = shift_after_this_and_future(span, &id, overrides);
        if span.overlaps(range) {
            out.push(Occurrence {
                source: index,
                recurrence_id: Some(id),
                span,
            });
        }
    }
    out
}

fn local_day(moment: &Moment, zones: &Zones) -> NaiveDate {
    match moment {
        Moment::Date(date) => *date,
        Moment::Local(local, _) => local.date(),
        Moment::Utc(utc) => zones.floating.to_local(*utc).date(),
    }
}

/// `RANGE=THISANDFUTURE` (RFC 5545 §3.2.13): later instances move by the
/// same amount as the overridden one. Only the time moves; the other
/// changes stay on the override itself.
fn shift_after_this_and_future(span: Span, id: &RecurrenceId, overrides: &[&Override]) -> Span {
    match overrides
        .iter()
        .filter(|o| o.this_and_future && o.id < *id)
        .max_by_key(|o| o.id)
    {
        Some(latest) => span.shifted(latest.moved_by),
        None => span,
    }
}

/// Occurrence starts in time order: DTSTART and the RRULE's (local time),
/// merged with RDATEs (each with a PERIOD end when it has one).
fn starts(
    component: &Component,
    start: &Moment,
    zones: &Zones,
    max: usize,
    stop: Option<chrono::NaiveDateTime>,
) -> Vec<(Moment, Option<DateTime<Utc>>)> {
    let mut out: Vec<(Moment, Option<DateTime<Utc>>)> = Vec::new();
    match component.prop(&PropName::RRule).map(|p| p.value()) {
        Some(Value::Recur(recur)) => {
            let zone = match start {
                Moment::Local(_, zone) => Some(zone.clone()),
                Moment::Date(_) | Moment::Utc(_) => None,
            };
            let before_stop = |next: &chrono::NaiveDateTime| stop.is_none_or(|stop| *next <= stop);
            for next in rule_starts(recur, start, zones, max).take_while(before_stop) {
                out.push((
                    match (start, &zone) {
                        (Moment::Date(_), _) => Moment::Date(next.date()),
                        (_, Some(zone)) => Moment::Local(next, zone.clone()),
                        _ => Moment::Utc(next.and_utc()),
                    },
                    None,
                ));
            }
        }
        _ => out.push((start.clone(), None)),
    }
    for rdate in component.props_named(&PropName::RDate) {
        let Value::DateTimes(values) = rdate.value() else {
            continue;
        };
        for value in values.iter().take(max) {
            let Some(moment) = Moment::from_value(value, tzid(rdate), zones) else {
                continue;
            };
            let end = period_end(value, &moment, zones);
            out.push((moment, end));
        }
    }
    out.sort_by_key(|(m, _)| m.utc(&zones.floating));
    out.dedup_by_key(|(m, _)| m.utc(&zones.floating));
    out.truncate(max);
    out
}

/// The local starts of `recur` for a component starting at `start`, at most `max`.
fn rule_starts(recur: &Recur, start: &Moment, zones: &Zones, max: usize) -> LocalStarts {
    let local = match start {
        Moment::Date(date) => date.and_time(chrono::NaiveTime::MIN),
        Moment::Local(local, _) => *local,
        Moment::Utc(utc) => utc.naive_utc(),
    };
    let until = recur.get("UNTIL").and_then(|u| until_local(u, start, zones));
    LocalStarts::new(local, recur, until, max)
}

/// Whether expanding `component` from `start` with at most `max` generated
/// starts may leave some out: its rule gives `max`, or its rule and RDATEs
/// together reach `max` (what [`occurrences`] generates is then cut short).
pub fn truncated_at(component: &Component, start: &Moment, zones: &Zones, max: usize) -> bool {
    let rule = match component.prop(&PropName::RRule).map(|p| p.value()) {
        Some(Value::Recur(recur)) => rule_starts(recur, start, zones, max).count(),
        _ => 1,
    };
    let rdates: usize = component
        .props_named(&PropName::RDate)
        .map(|p| match p.value() {
            Value::DateTimes(values) => values.len(),
            _ => 0,
        })
        .sum();
    rule.saturating_add(rdates) >= max
}

/// A PERIOD's end (RFC 5545 §3.3.9), when `value` is one.
fn period_end(value: &DateTimeValue, start: &Moment, zones: &Zones) -> Option<DateTime<Utc>> {
    let DateTimeValue::Period { end, .. } = value else {
        return None;
    };
    Some(match end {
        PeriodEnd::Duration(d) => super::overlap::add(start, d, &zones.floating),
        PeriodEnd::End { date, time } => {
            let v = DateTimeValue::DateTime {
                date: *date,
                time: *time,
            };
            Moment::from_value(&v, None, zones)?.utc(&zones.floating)
        }
    })
}

/// UNTIL (RFC 5545 §3.3.10) in the local time of DTSTART: a UTC UNTIL is
/// converted to DTSTART's zone; a DATE UNTIL includes its whole day.
fn until_local(text: &str, start: &Moment, zones: &Zones) -> Option<chrono::NaiveDateTime> {
    let value = crate::adapters::contentline::parse_date_time(text.trim())?;
    let naive = naive_of(&value)?;
    let utc = matches!(value, DateTimeValue::DateTime { time, .. } if time.utc);
    Some(match (start, &value) {
        (_, DateTimeValue::Date(_)) => naive.date().and_hms_opt(23, 59, 59)?,
        (Moment::Local(_, zone), _) if utc => zone.to_local(naive.and_utc()),
        (Moment::Date(_), _) if utc => zones.floating.to_local(naive.and_utc()),
        _ => naive,
    })
}

/// EXDATEs (RFC 5545 §3.8.5.1) as recurrence ids.
fn exdates(component: &Component, zones: &Zones) -> Vec<RecurrenceId> {
    let mut out = Vec::new();
    for prop in component.props_named(&PropName::ExDate) {
        let Value::DateTimes(values) = prop.value() else {
            continue;
        };
        for value in values {
            if let Some(moment) = Moment::from_value(value, tzid(prop), zones) {
                out.push(id_of(&moment, zones));
            }
        }
    }
    out
}
