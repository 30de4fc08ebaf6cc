//! Instances of a calendar object in a range, and the two recurrence forms
//! of calendar-data: `<C:expand>` (RFC 4791 §9.6.5) and
//! `<C:limit-recurrence-set>` (§9.6.6).

use chrono::{DateTime, Utc};

use super::freebusy::{parts, utc_value};
use super::overlap::Span;
use super::recur::{RecurrenceId, occurrences};
use super::zone::{Moment, Zones};
use super::{Options, Range};
use crate::universal::{Component, ComponentName, DateTimeValue, ParamName, Prop, PropName, Record, Value};

/// One instance of a calendar object that overlaps the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub start: DateTime<Utc>,
    /// Equal to `start` for instants (no DTEND/DURATION).
    pub end: DateTime<Utc>,
    /// Index in `record.root.children` of the master or override to emit.
    pub source: usize,
    /// Set for instances of a recurring master and for overrides.
    pub recurrence_id: Option<RecurrenceId>,
    /// An all-day (DATE) instance.
    pub all_day: bool,
    pub span: Span,
}

/// The instances of `record` overlapping `range` (RFC 4791 §9.9), floating
/// times in UTC, sorted by start.
pub fn instances(record: &Record, range: &Range) -> Vec<Instance> {
    instances_with(record, range, &Options::default())
}

/// [`instances`] with a floating zone and limits.
pub fn instances_with(record: &Record, range: &Range, options: &Options) -> Vec<Instance> {
    let zones = Zones::of(record, &options.floating);
    let mut out: Vec<Instance> = occurrences(record, None, &zones, range, &options.limits)
        .into_iter()
        .filter_map(|o| {
            let (start, end) = o.span.bounds()?;
            let all_day = o.recurrence_id.map_or_else(
                || is_date(record.root.children[o.source].prop(&PropName::DtStart)),
                |id| matches!(id, RecurrenceId::Date(_)),
            );
            Some(Instance {
                start,
                end,
                source: o.source,
                recurrence_id: o.recurrence_id,
                all_day,
                span: o.span,
            })
        })
        .collect();
    out.sort_by_key(|i| (i.start, i.source));
    out
}

fn is_date(prop: Option<&Prop>) -> bool {
    matches!(prop.map(Prop::value), Some(Value::DateTimes(v)) if matches!(v.first(), Some(DateTimeValue::Date(_))))
}

impl Instance {
    /// The component to emit for this instance: the master moved to this
    /// instance (no RRULE/RDATE/EXDATE, RECURRENCE-ID set) or the override,
    /// every date in UTC (DATE values stay dates).
    pub fn component(&self, record: &Record, options: &Options) -> Component {
        let zones = Zones::of(record, &options.floating);
        let mut component = record.root.children[self.source].clone();
        let is_master = component.prop(&PropName::RecurrenceId).is_none();
        component.props.retain(|p| {
            !matches!(
                p.name(),
                PropName::RRule | PropName::RDate | PropName::ExDate | PropName::ExRule
            )
        });
        if is_master && let Some(id) = self.recurrence_id {
            self.move_master(&mut component, id, &zones);
        } else {
            for name in [
                PropName::DtStart,
                PropName::DtEnd,
                PropName::Due,
                PropName::RecurrenceId,
            ] {
                to_utc(&mut component, &name, &zones);
            }
        }
        component
    }

    fn move_master(&self, component: &mut Component, id: RecurrenceId, zones: &Zones) {
        let day = |at: DateTime<Utc>| zones.floating.to_local(at).date();
        let value = |at: DateTime<Utc>| match self.all_day {
            true => date_value(day(at)),
            false => utc_value(at),
        };
        let end_name = if component.name() == &ComponentName::VTodo {
            PropName::Due
        } else {
            PropName::DtEnd
        };
        for prop in component.props.iter_mut() {
            if prop.name() == &PropName::DtStart {
                set(prop, value(self.start));
            } else if prop.name() == &end_name {
                set(prop, value(self.end));
            }
        }
        let id_value = match id {
            RecurrenceId::Date(date) => date_value(date),
            RecurrenceId::Instant(at) => utc_value(at),
        };
        let mut rid = Prop::new(PropName::RecurrenceId, Value::Text(String::new()));
        set(&mut rid, id_value);
        component.props.push(rid);
    }
}

/// Replaces a date value and drops its TZID (the new one is UTC or a DATE).
fn set(prop: &mut Prop, value: Value) {
    let is_date = matches!(&value, Value::DateTimes(v) if matches!(v.first(), Some(DateTimeValue::Date(_))));
    prop.params_mut().remove(&ParamName::TzId);
    if is_date {
        prop.params_mut().set(ParamName::Value, vec!["DATE".into()]);
    }
    prop.set_value(value);
}

fn date_value(date: chrono::NaiveDate) -> Value {
    let (date, _) = parts(date.and_time(chrono::NaiveTime::MIN).and_utc());
    Value::DateTimes(vec![DateTimeValue::Date(date)])
}

/// Rewrites a local DATE-TIME property in UTC; DATEs and UTC values stay.
fn to_utc(component: &mut Component, name: &PropName, zones: &Zones) {
    for prop in component.props.iter_mut().filter(|p| p.name() == name) {
        if let Some(moment @ Moment::Local(..)) = Moment::of(prop, zones) {
            set(prop, utc_value(moment.utc(&zones.floating)));
        }
    }
}

/// `<C:expand>` (RFC 4791 §9.6.5): every instance overlapping `range` as
/// its own component with RECURRENCE-ID, all in UTC, no RRULE/RDATE/EXDATE
/// and no VTIMEZONE.
pub fn expanded_record(record: &Record, range: &Range) -> Record {
    expanded_record_with(record, range, &Options::default())
}

/// [`expanded_record`] with a floating zone and limits.
pub fn expanded_record_with(record: &Record, range: &Range, options: &Options) -> Record {
    let mut root = Component::new(record.root.name().clone());
    root.props = record.root.props.clone();
    root.children = instances_with(record, range, options)
        .iter()
        .map(|i| i.component(record, options))
        .collect();
    Record::new(root, None)
}

/// `<C:limit-recurrence-set>` (RFC 4791 §9.6.6): the masters, the
/// VTIMEZONEs, and only the overrides that overlap `range` (or whose
/// original instance does, or that move later instances into it).
pub fn limit_recurrence_set(record: &Record, range: &Range, options: &Options) -> Record {
    let zones = Zones::of(record, &options.floating);
    let in_range: Vec<usize> = occurrences(record, None, &zones, range, &options.limits)
        .iter()
        .map(|o| o.source)
        .collect();
    let mut root = record.root.clone();
    let mut index = 0;
    root.children.retain(|child| {
        let keep = match child.prop(&PropName::RecurrenceId) {
            None => true,
            Some(rid) => in_range.contains(&index) || rid_reaches(rid, range, &zones),
        };
        index += 1;
        keep
    });
    let mut limited = Record::new(root, record.source);
    limited.diagnostics.clone_from(&record.diagnostics);
    limited
}

/// Whether an override's RECURRENCE-ID lies in `range`, or it is a
/// THISANDFUTURE override starting before the range ends.
fn rid_reaches(rid: &Prop, range: &Range, zones: &Zones) -> bool {
    let Some(at) = Moment::of(rid, zones).map(|m| m.utc(&zones.floating)) else {
        return false;
    };
    let this_and_future = rid
        .params()
        .first_value(&ParamName::Range)
        .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"));
    let before_end = range.end.is_none_or(|e| at < e);
    before_end && (this_and_future || range.start.is_none_or(|s| at >= s))
}
