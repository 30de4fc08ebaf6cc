//! free-busy-query (RFC 4791 §7.10): busy time of a set of calendar objects
//! in a range, merged, and the VFREEBUSY reply.

use chrono::{DateTime, Datelike, Timelike, Utc};

use super::recur::occurrences;
use super::zone::{Moment, Zones};
use super::{Options, Range};
use crate::universal::{
    Component, ComponentName, Date, DateTimeValue, Param, ParamName, Params, PeriodEnd, Prop, PropName, Record,
    SourceFormat, Time, Value,
};

/// FBTYPE (RFC 5545 §3.2.9) of a busy period.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FbType {
    Busy,
    BusyTentative,
    BusyUnavailable,
    /// An x-name or IANA token, upper case.
    Other(String),
}

impl FbType {
    fn parse(text: &str) -> Option<FbType> {
        Some(match text.trim().to_ascii_uppercase().as_str() {
            "FREE" => return None,
            "BUSY" => FbType::Busy,
            "BUSY-TENTATIVE" => FbType::BusyTentative,
            "BUSY-UNAVAILABLE" => FbType::BusyUnavailable,
            other => FbType::Other(other.to_owned()),
        })
    }

    fn as_str(&self) -> &str {
        match self {
            FbType::Busy => "BUSY",
            FbType::BusyTentative => "BUSY-TENTATIVE",
            FbType::BusyUnavailable => "BUSY-UNAVAILABLE",
            FbType::Other(name) => name,
        }
    }
}

/// One busy period, in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub fbtype: FbType,
}

/// The busy time of `records` in `range` (RFC 4791 §7.10): VEVENT instances
/// that are not TRANSPARENT or CANCELLED (TENTATIVE ones as BUSY-TENTATIVE)
/// and the busy FREEBUSY periods of VFREEBUSY components, clipped to the
/// range, merged per FBTYPE and sorted by start.
pub fn collect<'a>(records: impl IntoIterator<Item = &'a Record>, range: &Range, options: &Options) -> Vec<Period> {
    let mut periods = Vec::new();
    for record in records {
        let zones = Zones::of(record, &options.floating);
        let events = occurrences(record, Some(&ComponentName::VEvent), &zones, range, &options.limits);
        for occurrence in events {
            let component = &record.root.children[occurrence.source];
            if let (Some(fbtype), Some((start, end))) = (event_fbtype(component), occurrence.span.bounds()) {
                push_clipped(&mut periods, range, start, end, fbtype);
            }
        }
        for component in record
            .root
            .children
            .iter()
            .filter(|c| c.name() == &ComponentName::VFreeBusy)
        {
            for (start, end, fbtype) in periods_of(component, &zones) {
                push_clipped(&mut periods, range, start, end, fbtype);
            }
        }
    }
    merge(periods)
}

/// How a VEVENT counts: not at all when TRANSPARENT or CANCELLED.
fn event_fbtype(event: &Component) -> Option<FbType> {
    let text = |name| event.prop(&name).and_then(|p| p.value().as_text()).map(str::trim);
    if text(PropName::Transp).is_some_and(|t| t.eq_ignore_ascii_case("TRANSPARENT")) {
        return None;
    }
    match text(PropName::Status) {
        Some(s) if s.eq_ignore_ascii_case("CANCELLED") => None,
        Some(s) if s.eq_ignore_ascii_case("TENTATIVE") => Some(FbType::BusyTentative),
        _ => Some(FbType::Busy),
    }
}

/// The busy FREEBUSY periods of a VFREEBUSY (FBTYPE defaults to BUSY; FREE is skipped).
pub(super) fn periods_of<'a>(
    component: &'a Component,
    zones: &'a Zones,
) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>, FbType)> + 'a {
    component.props_named(&PropName::FreeBusy).flat_map(move |prop| {
        let fbtype = FbType::parse(prop.params().first_value(&ParamName::FbType).unwrap_or("BUSY"));
        let values = match (prop.value(), fbtype) {
            (Value::DateTimes(values), Some(fbtype)) => values.iter().map(move |v| (v, fbtype.clone())).collect(),
            _ => Vec::new(),
        };
        values.into_iter().filter_map(move |(value, fbtype)| {
            let (start, end) = period_bounds(value, zones)?;
            Some((start, end, fbtype))
        })
    })
}

/// Where a FREEBUSY PERIOD value starts and ends, in UTC.
fn period_bounds(value: &DateTimeValue, zones: &Zones) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = Moment::from_value(value, None, zones)?;
    let DateTimeValue::Period { end, .. } = value else {
        return None;
    };
    let end = match end {
        PeriodEnd::Duration(d) => super::overlap::add(&start, d, &zones.floating),
        PeriodEnd::End { date, time } => {
            let v = DateTimeValue::DateTime {
                date: *date,
                time: *time,
            };
            Moment::from_value(&v, None, zones)?.utc(&zones.floating)
        }
    };
    Some((start.utc(&zones.floating), end))
}

/// `<C:limit-freebusy-set>` (RFC 4791 §9.6.7): in each VFREEBUSY, only the
/// FREEBUSY periods that overlap `range` (§9.9: the period starts before
/// the range ends and ends after it starts); a FREEBUSY left without
/// periods is dropped. Everything else is kept as it is, and so are values
/// that are not periods, which cannot be placed in time.
pub fn limit_freebusy_set(record: &Record, range: &Range, options: &Options) -> Record {
    let zones = Zones::of(record, &options.floating);
    let overlaps = |value: &DateTimeValue| {
        period_bounds(value, &zones)
            .is_none_or(|(start, end)| range.end.is_none_or(|e| start < e) && range.start.is_none_or(|s| end > s))
    };
    let mut root = record.root.clone();
    for vfreebusy in root
        .children
        .iter_mut()
        .filter(|c| c.name() == &ComponentName::VFreeBusy)
    {
        vfreebusy.props.retain_mut(|prop| {
            if prop.name() != &PropName::FreeBusy {
                return true;
            }
            let Value::DateTimes(values) = prop.value() else {
                return true;
            };
            let kept: Vec<DateTimeValue> = values.iter().filter(|v| overlaps(v)).cloned().collect();
            if kept.is_empty() {
                return false;
            }
            if kept.len() != values.len() {
                prop.set_value(Value::DateTimes(kept));
            }
            true
        });
    }
    let mut limited = Record::new(root, record.source);
    limited.diagnostics.clone_from(&record.diagnostics);
    limited
}

fn push_clipped(out: &mut Vec<Period>, range: &Range, start: DateTime<Utc>, end: DateTime<Utc>, fbtype: FbType) {
    let start = range.start.map_or(start, |s| s.max(start));
    let end = range.end.map_or(end, |e| e.min(end));
    if start < end {
        out.push(Period { start, end, fbtype });
    }
}

/// Overlapping or touching periods of one FBTYPE become one; the result is
/// sorted by start, then FBTYPE.
pub fn merge(mut periods: Vec<Period>) -> Vec<Period> {
    periods.sort_by(|a, b| (&a.fbtype, a.start).cmp(&(&b.fbtype, b.start)));
    let mut merged: Vec<Period> = Vec::with_capacity(periods.len());
    for period in periods {
        match merged.last_mut() {
            Some(last) if last.fbtype == period.fbtype && period.start <= last.end => {
                last.end = last.end.max(period.end);
            }
            _ => merged.push(period),
        }
    }
    merged.sort_by(|a, b| (a.start, &a.fbtype).cmp(&(b.start, &b.fbtype)));
    merged
}

/// The VFREEBUSY reply of a free-busy-query (RFC 4791 §7.10): DTSTAMP,
/// DTSTART and DTEND of the range, and one FREEBUSY line per period.
pub fn reply(periods: &[Period], range: &Range, stamp: DateTime<Utc>) -> Record {
    let mut vfreebusy = Component::new(ComponentName::VFreeBusy);
    vfreebusy.props.push(Prop::new(PropName::DtStamp, utc_value(stamp)));
    if let Some(start) = range.start {
        vfreebusy.props.push(Prop::new(PropName::DtStart, utc_value(start)));
    }
    if let Some(end) = range.end {
        vfreebusy.props.push(Prop::new(PropName::DtEnd, utc_value(end)));
    }
    for period in periods {
        let (date, time) = parts(period.start);
        let (end_date, end_time) = parts(period.end);
        let value = DateTimeValue::Period {
            date,
            time,
            end: PeriodEnd::End {
                date: end_date,
                time: end_time,
            },
        };
        let fbtype = Param::new(ParamName::FbType, vec![period.fbtype.as_str().to_owned()]);
        let prop = Prop::new(PropName::FreeBusy, Value::DateTimes(vec![value])).with_params(Params::new(vec![fbtype]));
        vfreebusy.props.push(prop);
    }
    let mut root = Component::new(ComponentName::VCalendar);
    root.props.push(Prop::new(PropName::Version, Value::Text("2.0".into())));
    root.props.push(Prop::new(
        PropName::Prodid,
        Value::Text("-//pimgate//free-busy//EN".into()),
    ));
    root.children.push(vfreebusy);
    Record::new(root, Some(SourceFormat::ICalendar))
}

/// A UTC DATE-TIME value.
pub fn utc_value(at: DateTime<Utc>) -> Value {
    let (date, time) = parts(at);
    Value::DateTimes(vec![DateTimeValue::DateTime { date, time }])
}

/// The model's date and UTC time of an instant.
pub fn parts(at: DateTime<Utc>) -> (Date, Time) {
    let date = Date {
        year: u16::try_from(at.year()).ok(),
        month: Some(at.month() as u8),
        day: Some(at.day() as u8),
    };
    let time = Time {
        hour: at.hour() as u8,
        minute: at.minute() as u8,
        second: at.second() as u8,
        utc: true,
        offset_minutes: None,
    };
    (date, time)
}
