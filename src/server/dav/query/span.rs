//! The time span of a calendar object, computed when it is written, so that
//! a calendar-query with a VEVENT time-range can skip objects that cannot
//! match without decoding them (docs/decisions.md D10).
//!
//! The contract, which [`event_span`] and [`query_window`] keep between
//! them: when the exact filter ([`super::calendar`]) keeps an object for a
//! VEVENT time-range, under any floating zone and any [`Limits`], one of
//! the object's VEVENT occurrences overlaps the range, so the object's span
//! meets the range (edges included). A span is computed only where the
//! expansion can be followed exactly; everything else has none and is
//! always read.
//!
//! Why the span holds whatever the query's floating zone:
//! - it is computed with floating times in UTC and widened by [`MARGIN`] on
//!   both sides; a floating time lies less than 16 hours from its UTC
//!   reading in every zone (tz database offsets, LMT included);
//! - EXDATEs are left out and overrides do not replace the master's
//!   instances: which instance an EXDATE or RECURRENCE-ID names can depend
//!   on the floating zone, and counting every instance only widens the span;
//! - a UTC UNTIL on a floating or all-day series is pushed out by
//!   [`MARGIN`] too: in another zone the series may have one more instance;
//! - a series is followed for [`MAX_GENERATED`] starts; one with no COUNT or
//!   UNTIL, or with more starts than that, has no end.

use chrono::{DateTime, Utc};

use super::overlap::{Shape, Span};
use super::recur::{occurrences, truncated_at};
use super::zone::{Moment, Zone, Zones, naive_of, tzid};
use super::{Limits, Range};
use crate::adapters::contentline::parse_date_time;
use crate::server::dav::xml::request::CompFilter;
use crate::universal::{Component, ComponentName, DateTimeValue, ParamName, PropName, Record, Value};

/// How far a span is widened on each side: more than any UTC offset, so
/// that the span computed with floating times in UTC holds in every zone,
/// and for tz database revisions after the write.
pub const MARGIN: chrono::Duration = chrono::Duration::days(1);

/// Starts generated per series at write time; a longer series has no end.
pub const MAX_GENERATED: usize = 5_000;

/// Where an object's VEVENT occurrences lie: from `start` to `end`, UTC,
/// both inclusive; `end` is `None` for a series without end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSpan {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
}

/// The span of `record`'s VEVENT occurrences, or `None` when it is not
/// computed: anything but VEVENTs and VTIMEZONEs in the object, a VEVENT
/// without a readable DTSTART, an unreadable RECURRENCE-ID, or a
/// `RANGE=THISANDFUTURE` override (it moves instances it does not name).
pub fn event_span(record: &Record) -> Option<EventSpan> {
    let root = &record.root;
    let supported = |c: &Component| matches!(c.name(), ComponentName::VEvent | ComponentName::VTimezone);
    if root.name() != &ComponentName::VCalendar || !root.children.iter().all(supported) {
        return None;
    }
    let zones = Zones::of(record, &Zone::Utc);
    let mut hull = Hull::default();
    for event in root.children.iter().filter(|c| c.name() == &ComponentName::VEvent) {
        let start = event.prop(&PropName::DtStart).and_then(|p| Moment::of(p, &zones))?;
        match event.prop(&PropName::RecurrenceId) {
            Some(rid) => {
                if Moment::of(rid, &zones).is_none() || rid.params().first_value(&ParamName::Range).is_some() {
                    return None;
                }
                hull.add(Shape::of(event, &zones).span(&zones.floating).bounds());
            }
            None => master(event, &start, &zones, &mut hull),
        }
    }
    let (start, end) = (hull.start?, hull.end?);
    Some(EventSpan {
        start: start.checked_sub_signed(MARGIN).unwrap_or(DateTime::<Utc>::MIN_UTC),
        end: (!hull.endless).then(|| end.checked_add_signed(MARGIN).unwrap_or(DateTime::<Utc>::MAX_UTC)),
    })
}

/// The one occurrence of `record`, exactly, when a VEVENT time-range can
/// be decided on it alone (docs/decisions.md D14): a single VEVENT without
/// RRULE, RDATE, EXDATE or RECURRENCE-ID (beside VTIMEZONEs only), whose
/// span is the same under any floating zone (no floating or all-day time,
/// no unknown TZID), and is an interval of positive length or an instant
/// — the two shapes a stored span tells apart ([`stored_occurrence`]).
pub fn exact_occurrence(record: &Record) -> Option<Span> {
    let root = &record.root;
    if root.name() != &ComponentName::VCalendar {
        return None;
    }
    let mut events = root.children.iter().filter(|c| c.name() == &ComponentName::VEvent);
    let (event, None) = (events.next()?, events.next()) else {
        return None;
    };
    let alone = |c: &Component| matches!(c.name(), ComponentName::VEvent | ComponentName::VTimezone);
    let repeats = [
        PropName::RRule,
        PropName::RDate,
        PropName::ExDate,
        PropName::RecurrenceId,
    ];
    if !root.children.iter().all(alone) || repeats.iter().any(|name| event.prop(name).is_some()) {
        return None;
    }
    // Read with floating times in UTC and in UTC+14: a span that moves is
    // not the same in every query's floating zone.
    let span_in = |floating: Zone| {
        let zones = Zones::of(record, &floating);
        Shape::of(event, &zones).span(&zones.floating)
    };
    let span = span_in(Zone::Utc);
    if span != span_in(Zone::Iana(chrono_tz::Etc::GMTMinus14)) {
        return None;
    }
    match span {
        Span::Interval { start, end } if start < end => Some(span),
        Span::Instant(_) => Some(span),
        _ => None,
    }
}

/// The occurrence a stored exact span stands for ([`exact_occurrence`]
/// wrote it): an instant when its bounds are equal, else an interval.
pub fn stored_occurrence(start: i64, end: i64) -> Option<Span> {
    let at = |t: i64| DateTime::from_timestamp(t, 0);
    match start.cmp(&end) {
        std::cmp::Ordering::Equal => Some(Span::Instant(at(start)?)),
        std::cmp::Ordering::Less => Some(Span::Interval {
            start: at(start)?,
            end: at(end)?,
        }),
        std::cmp::Ordering::Greater => None,
    }
}

/// The smallest interval holding every occurrence seen so far.
#[derive(Debug, Default)]
struct Hull {
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    /// A series goes on past what was generated.
    endless: bool,
}

impl Hull {
    fn add(&mut self, bounds: Option<(DateTime<Utc>, DateTime<Utc>)>) {
        if let Some((start, end)) = bounds {
            self.start = Some(self.start.map_or(start, |s| s.min(start)));
            self.end = Some(self.end.map_or(end, |e| e.max(end)));
        }
    }
}

/// Adds the occurrences of a master (or a lone event) to the hull: every
/// instance of its recurrence set, EXDATEs and overrides ignored.
fn master(event: &Component, start: &Moment, zones: &Zones, hull: &mut Hull) {
    let floating = &zones.floating;
    let at = |m: &Moment| Some((m.utc(floating), m.utc(floating)));
    // The earliest start is DTSTART or an RDATE, however far the set goes.
    hull.add(at(start));
    for value in rdates(event) {
        hull.add(Moment::from_value(value.0, value.1, zones).as_ref().and_then(at));
    }
    let rule = match event.prop(&PropName::RRule).map(|p| p.value()) {
        Some(Value::Recur(recur)) => Some(recur),
        _ => None,
    };
    if rule.is_some_and(|r| r.get("COUNT").is_none() && r.get("UNTIL").is_none()) {
        hull.endless = true;
        return;
    }
    let series = every_instance(event, start);
    if truncated_at(&series, start, zones, MAX_GENERATED) {
        hull.endless = true;
        return;
    }
    let alone = Record::new(
        {
            let mut root = Component::new(ComponentName::VCalendar);
            root.children.push(series);
            root
        },
        None,
    );
    let limits = Limits {
        max_generated: MAX_GENERATED,
        max_instances: usize::MAX,
    };
    for occurrence in occurrences(&alone, None, zones, &Range::ALL, &limits) {
        hull.add(occurrence.span.bounds());
    }
}

/// Every RDATE value with its TZID.
fn rdates(event: &Component) -> impl Iterator<Item = (&DateTimeValue, Option<&str>)> {
    event.props_named(&PropName::RDate).flat_map(|p| match p.value() {
        Value::DateTimes(values) => values.iter().map(|v| (v, tzid(p))).collect(),
        _ => Vec::new(),
    })
}

/// `event` without EXDATEs and, for a floating or all-day start, with a
/// UTC UNTIL pushed out by [`MARGIN`]: a superset of the instances it has
/// in any floating zone.
fn every_instance(event: &Component, start: &Moment) -> Component {
    let mut series = event.clone();
    series.props.retain(|p| p.name() != &PropName::ExDate);
    let floating = matches!(start, Moment::Date(_) | Moment::Local(_, Zone::Utc));
    if !floating {
        return series;
    }
    for prop in series.props.iter_mut().filter(|p| p.name() == &PropName::RRule) {
        if let Value::Recur(recur) = prop.value() {
            let mut recur = recur.clone();
            for (name, value) in &mut recur.parts {
                if name.eq_ignore_ascii_case("UNTIL")
                    && let Some(later) = later_utc_until(value)
                {
                    *value = later;
                }
            }
            prop.set_value(Value::Recur(recur));
        }
    }
    series
}

/// A UTC UNTIL (`20240110T000000Z`) moved [`MARGIN`] later; `None` for
/// DATE and floating ones, which mean the same in every zone.
fn later_utc_until(text: &str) -> Option<String> {
    let value = parse_date_time(text.trim())?;
    match value {
        DateTimeValue::DateTime { time, .. } if time.utc => {
            let until = naive_of(&value)?.checked_add_signed(MARGIN)?;
            Some(until.format("%Y%m%dT%H%M%SZ").to_string())
        }
        _ => None,
    }
}

/// The range a calendar-query filter's candidates must meet, when the
/// filter demands a VEVENT occurrence in it: VCALENDAR with a VEVENT
/// comp-filter that has a time-range (and no is-not-defined). Every other
/// filter can match objects whatever their span: `None`.
pub fn query_window(filter: &CompFilter) -> Option<Range> {
    if filter.name != ComponentName::VCalendar || filter.is_not_defined {
        return None;
    }
    filter
        .comp_filters
        .iter()
        .filter(|f| f.name == ComponentName::VEvent && !f.is_not_defined)
        .find_map(|f| f.time_range.as_ref().map(Range::from))
}

/// The range of a filter that asks for nothing but a VEVENT occurrence in
/// it — VCALENDAR holding one VEVENT comp-filter with a time-range and no
/// other test — which an exact span decides on its own.
pub fn sole_window(filter: &CompFilter) -> Option<Range> {
    let plain = |f: &CompFilter| !f.is_not_defined && f.prop_filters.is_empty();
    if filter.name != ComponentName::VCalendar || !plain(filter) || filter.time_range.is_some() {
        return None;
    }
    let [event] = filter.comp_filters.as_slice() else {
        return None;
    };
    if event.name != ComponentName::VEvent || !plain(event) || !event.comp_filters.is_empty() {
        return None;
    }
    event.time_range.as_ref().map(Range::from)
}

#[cfg(test)]
mod tests;
