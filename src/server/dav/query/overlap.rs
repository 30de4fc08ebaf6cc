//! The time-range table of RFC 4791 §9.9: how each kind of component (and
//! each combination of DTSTART, DTEND, DURATION, DUE, COMPLETED, CREATED)
//! overlaps a range.

use chrono::{DateTime, Utc};

use super::Range;
use super::zone::{Moment, Zone, Zones, instant};
use crate::universal::{Component, ComponentName, Duration, PropName, Value};

/// The extent of one occurrence and the §9.9 condition that tests it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// `start < E AND end > S` (VEVENT with DTEND or positive DURATION, all-day
    /// VEVENT and VJOURNAL).
    Interval { start: DateTime<Utc>, end: DateTime<Utc> },
    /// `S <= at AND E > at` (zero-length VEVENT, VTODO with DTSTART only,
    /// VJOURNAL, alarm triggers).
    Instant(DateTime<Utc>),
    /// VTODO DTSTART+DURATION: `S <= end AND (E > start OR E >= end)`.
    TodoDuration { start: DateTime<Utc>, end: DateTime<Utc> },
    /// VTODO DTSTART+DUE: `(S < due OR S <= start) AND (E > start OR E >= due)`.
    TodoDue { start: DateTime<Utc>, due: DateTime<Utc> },
    /// VTODO with DUE only: `S < due AND E >= due`.
    Due(DateTime<Utc>),
    /// VTODO without DTSTART and DUE, by CREATED and COMPLETED.
    Done {
        created: Option<DateTime<Utc>>,
        completed: Option<DateTime<Utc>>,
    },
    /// VFREEBUSY with DTSTART and DTEND: `S <= end AND E > start`.
    Closed { start: DateTime<Utc>, end: DateTime<Utc> },
    /// A component that overlaps nothing (VJOURNAL without DTSTART).
    Never,
}

impl Span {
    /// Whether this span overlaps `range` by its §9.9 condition; an open
    /// bound satisfies every comparison with it.
    pub fn overlaps(&self, range: &Range) -> bool {
        let s_lt = |t: DateTime<Utc>| range.start.is_none_or(|s| s < t);
        let s_le = |t: DateTime<Utc>| range.start.is_none_or(|s| s <= t);
        let e_gt = |t: DateTime<Utc>| range.end.is_none_or(|e| e > t);
        let e_ge = |t: DateTime<Utc>| range.end.is_none_or(|e| e >= t);
        match *self {
            Span::Interval { start, end } => s_lt(end) && e_gt(start),
            Span::Instant(at) => s_le(at) && e_gt(at),
            Span::TodoDuration { start, end } => s_le(end) && (e_gt(start) || e_ge(end)),
            Span::TodoDue { start, due } => (s_lt(due) || s_le(start)) && (e_gt(start) || e_ge(due)),
            Span::Due(due) => s_lt(due) && e_ge(due),
            Span::Done {
                created: Some(created),
                completed: Some(completed),
            } => (s_le(created) || s_le(completed)) && (e_ge(created) || e_ge(completed)),
            Span::Done {
                created: None,
                completed: Some(completed),
            } => s_le(completed) && e_ge(completed),
            Span::Done {
                created: Some(created),
                completed: None,
            } => e_gt(created),
            Span::Done {
                created: None,
                completed: None,
            } => true,
            Span::Closed { start, end } => s_le(end) && e_gt(start),
            Span::Never => false,
        }
    }

    /// The same span moved in time by `by` (RANGE=THISANDFUTURE).
    pub fn shifted(self, by: chrono::Duration) -> Span {
        let m = |t: DateTime<Utc>| t.checked_add_signed(by).unwrap_or(t);
        match self {
            Span::Interval { start, end } => Span::Interval {
                start: m(start),
                end: m(end),
            },
            Span::Instant(at) => Span::Instant(m(at)),
            Span::TodoDuration { start, end } => Span::TodoDuration {
                start: m(start),
                end: m(end),
            },
            Span::TodoDue { start, due } => Span::TodoDue {
                start: m(start),
                due: m(due),
            },
            Span::Due(due) => Span::Due(m(due)),
            Span::Closed { start, end } => Span::Closed {
                start: m(start),
                end: m(end),
            },
            done @ (Span::Done { .. } | Span::Never) => done,
        }
    }

    /// Where the span starts and ends (equal for instants), if anywhere.
    pub fn bounds(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        match *self {
            Span::Interval { start, end } | Span::TodoDuration { start, end } | Span::Closed { start, end } => {
                Some((start, end.max(start)))
            }
            Span::TodoDue { start, due } => Some((start, due.max(start))),
            Span::Instant(at) | Span::Due(at) => Some((at, at)),
            Span::Done { created, completed } => {
                let first = created.or(completed)?;
                Some((first, completed.unwrap_or(first).max(first)))
            }
            Span::Never => None,
        }
    }
}

/// What §9.9 needs of one component: its dates as written.
#[derive(Debug, Clone)]
pub struct Shape {
    name: ComponentName,
    pub start: Option<Moment>,
    /// DTEND (VEVENT, VFREEBUSY) or DUE (VTODO).
    end: Option<Moment>,
    duration: Option<Duration>,
    created: Option<DateTime<Utc>>,
    completed: Option<DateTime<Utc>>,
}

impl Shape {
    /// Reads the date properties of `component`.
    pub fn of(component: &Component, zones: &Zones) -> Shape {
        let moment = |name: PropName| component.prop(&name).and_then(|p| Moment::of(p, zones));
        let end_name = if component.name() == &ComponentName::VTodo {
            PropName::Due
        } else {
            PropName::DtEnd
        };
        let duration = match component.prop(&PropName::Duration).map(|p| p.value()) {
            Some(Value::Duration(d)) => Some(*d),
            _ => None,
        };
        let utc = |name| moment(name).map(|m: Moment| m.utc(&zones.floating));
        Shape {
            name: component.name().clone(),
            start: moment(PropName::DtStart),
            end: moment(end_name),
            duration,
            created: utc(PropName::Created),
            completed: utc(PropName::Completed),
        }
    }

    /// Whether DTSTART is a DATE (an all-day component).
    pub fn is_all_day(&self) -> bool {
        self.start.as_ref().is_some_and(Moment::is_date)
    }

    /// The span of the occurrence starting at `start` (DTSTART itself for
    /// the first), its end moved along with it.
    pub fn span_at(&self, start: &Moment, floating: &Zone) -> Span {
        let s = start.utc(floating);
        let end = self.end_at(start, floating);
        let positive = self.duration.is_some_and(|d| d.total_seconds() > 0);
        match self.name {
            ComponentName::VEvent => match (end, self.duration) {
                (Some(end), _) => Span::Interval { start: s, end },
                (None, Some(d)) if positive => Span::Interval {
                    start: s,
                    end: add(start, &d, floating),
                },
                (None, Some(_)) => Span::Instant(s),
                (None, None) if start.is_date() => Span::Interval {
                    start: s,
                    end: add(start, &ONE_DAY, floating),
                },
                (None, None) => Span::Instant(s),
            },
            ComponentName::VTodo => match (self.duration, end) {
                (Some(d), _) => Span::TodoDuration {
                    start: s,
                    end: add(start, &d, floating),
                },
                (None, Some(due)) => Span::TodoDue { start: s, due },
                (None, None) => Span::Instant(s),
            },
            ComponentName::VJournal if start.is_date() => Span::Interval {
                start: s,
                end: add(start, &ONE_DAY, floating),
            },
            ComponentName::VJournal => Span::Instant(s),
            ComponentName::VFreeBusy => match end {
                Some(end) => Span::Closed { start: s, end },
                None => Span::Never,
            },
            _ => Span::Never,
        }
    }

    /// The span of the component as written (no recurrence).
    pub fn span(&self, floating: &Zone) -> Span {
        match (&self.start, &self.name) {
            (Some(start), _) => self.span_at(start, floating),
            (None, ComponentName::VTodo) => match &self.end {
                Some(due) => Span::Due(due.utc(floating)),
                None => Span::Done {
                    created: self.created,
                    completed: self.completed,
                },
            },
            (None, _) => Span::Never,
        }
    }

    /// DTEND/DUE for an occurrence at `start`: the written end moved by the
    /// same nominal (local) distance when both are in one zone, else exactly.
    fn end_at(&self, start: &Moment, floating: &Zone) -> Option<DateTime<Utc>> {
        let (first, end) = (self.start.as_ref()?, self.end.as_ref()?);
        let moved = match (first, end, start) {
            (Moment::Date(a), Moment::Date(b), Moment::Date(s)) => {
                Moment::Date(s.checked_add_signed(*b - *a).unwrap_or(*s)).utc(floating)
            }
            (Moment::Local(a, za), Moment::Local(b, zb), Moment::Local(s, zs)) if za == zb => {
                zs.to_utc(s.checked_add_signed(*b - *a).unwrap_or(*s))
            }
            _ => {
                let length = end.utc(floating) - first.utc(floating);
                start
                    .utc(floating)
                    .checked_add_signed(length)
                    .unwrap_or(start.utc(floating))
            }
        };
        Some(moved.max(start.utc(floating)))
    }
}

const ONE_DAY: Duration = Duration {
    negative: false,
    weeks: 0,
    days: 1,
    hours: 0,
    minutes: 0,
    seconds: 0,
};

/// `start + duration` (RFC 5545 §3.3.6): weeks and days are nominal (local
/// calendar days, so P1D across DST is 23 or 25 hours), the rest exact.
pub fn add(start: &Moment, duration: &Duration, floating: &Zone) -> DateTime<Utc> {
    let sign = if duration.negative { -1 } else { 1 };
    let days = sign * (i64::from(duration.weeks) * 7 + i64::from(duration.days));
    let exact =
        sign * (i64::from(duration.hours) * 3600 + i64::from(duration.minutes) * 60 + i64::from(duration.seconds));
    let shift = |n: chrono::NaiveDateTime| {
        chrono::Duration::try_days(days)
            .and_then(|d| n.checked_add_signed(d))
            .unwrap_or(n)
    };
    let nominal = match start {
        Moment::Date(date) => floating.to_utc(shift(date.and_time(chrono::NaiveTime::MIN))),
        Moment::Local(local, zone) => zone.to_utc(shift(*local)),
        Moment::Utc(utc) => instant(utc.timestamp().saturating_add(days.saturating_mul(86_400))),
    };
    instant(nominal.timestamp().saturating_add(exact))
}
