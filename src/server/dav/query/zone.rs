//! Time zones and moments: resolving a TZID (the object's own VTIMEZONE, an
//! IANA name, an Outlook Windows name) and converting local ↔ UTC.
//!
//! Floating times and DATE values (RFC 5545 §3.3.4, §3.3.5 form 1) are read
//! in the *floating zone* of the query: the calendar's timezone, or UTC
//! (RFC 4791 §9.9, §7.3).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};

use super::vtimezone::Transitions;
use super::windows;
use crate::universal::{ComponentName, Date, DateTimeValue, ParamName, Prop, PropName, Record, Time, Value};

/// A time zone: UTC, an IANA zone, or one defined by a VTIMEZONE.
#[derive(Debug, Clone, PartialEq)]
pub enum Zone {
    Utc,
    Iana(chrono_tz::Tz),
    Defined(Arc<Transitions>),
}

impl Zone {
    /// A zone by name: IANA (`Europe/Berlin`), Windows (`W. Europe Standard
    /// Time`), or a vendor id ending in an IANA name
    /// (`/mozilla.org/20050126_1/Europe/Berlin`).
    pub fn named(tzid: &str) -> Option<Zone> {
        let tzid = tzid.trim();
        if let Ok(tz) = tzid.parse::<chrono_tz::Tz>() {
            return Some(Zone::Iana(tz));
        }
        if let Some(iana) = windows::to_iana(tzid) {
            return iana.parse().ok().map(Zone::Iana);
        }
        // Vendor prefixes: try the last two and three path segments.
        let segments: Vec<&str> = tzid.split('/').filter(|s| !s.is_empty()).collect();
        (2..=3.min(segments.len()))
            .filter_map(|n| segments[segments.len() - n..].join("/").parse().ok())
            .map(Zone::Iana)
            .next()
    }

    /// The zone a VTIMEZONE component defines.
    pub fn from_vtimezone(vtimezone: &crate::universal::Component) -> Option<Zone> {
        Transitions::cached(vtimezone).map(Zone::Defined)
    }

    /// The offset east of UTC, in seconds, in force at `utc`.
    pub fn offset_at(&self, utc: i64) -> i32 {
        match self {
            Zone::Utc => 0,
            Zone::Iana(tz) => DateTime::from_timestamp(utc, 0).map_or(0, |t| {
                tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()
            }),
            Zone::Defined(transitions) => transitions.offset_at(utc),
        }
    }

    /// The UTC instant of a local time (RFC 5545 §3.3.5): a time that occurs
    /// twice means the first occurrence; a time in a gap uses the offset
    /// before the gap.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let seconds = local.and_utc().timestamp();
        let before = self.offset_at(seconds - 86_400);
        let after = self.offset_at(seconds + 86_400);
        let fits = |o: i32| self.offset_at(seconds - i64::from(o)) == o;
        let offset = match (fits(before), fits(after)) {
            (true, true) => before.max(after), // the earlier instant
            (false, true) => after,
            _ => before,
        };
        instant(seconds - i64::from(offset))
    }

    /// The local time of a UTC instant.
    pub fn to_local(&self, utc: DateTime<Utc>) -> NaiveDateTime {
        let offset = self.offset_at(utc.timestamp());
        instant(utc.timestamp() + i64::from(offset)).naive_utc()
    }
}

/// Seconds since the epoch as an instant, clamped to chrono's range.
pub(super) fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or(if seconds < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// The zones one calendar object can refer to, plus the floating zone.
#[derive(Debug, Clone)]
pub struct Zones {
    defined: Vec<(String, Zone)>,
    pub floating: Zone,
}

impl Zones {
    /// The VTIMEZONEs of `record` and the query's floating zone.
    pub fn of(record: &Record, floating: &Zone) -> Zones {
        let defined = record
            .root
            .children
            .iter()
            .filter(|c| c.name() == &ComponentName::VTimezone)
            .filter_map(|c| {
                let tzid = c.prop(&PropName::TzId)?.value().as_text()?.trim().to_owned();
                Some((tzid, Zone::from_vtimezone(c)?))
            })
            .collect();
        Zones {
            defined,
            floating: floating.clone(),
        }
    }

    /// The zone of a TZID: the object's VTIMEZONE first (RFC 5545 §3.2.19),
    /// then the tz database; an unknown TZID is read as floating.
    pub fn resolve(&self, tzid: &str) -> Zone {
        let tzid = tzid.trim();
        self.defined
            .iter()
            .find(|(id, _)| id == tzid)
            .map(|(_, zone)| zone.clone())
            .or_else(|| Zone::named(tzid))
            .unwrap_or_else(|| self.floating.clone())
    }
}

/// A point in time as a property wrote it.
#[derive(Debug, Clone, PartialEq)]
pub enum Moment {
    /// A DATE: a whole day, floating.
    Date(NaiveDate),
    /// A local DATE-TIME in a zone (floating ones in the floating zone).
    Local(NaiveDateTime, Zone),
    /// A UTC DATE-TIME.
    Utc(DateTime<Utc>),
}

impl Moment {
    /// The first value of a DATE / DATE-TIME property, with its TZID.
    pub fn of(prop: &Prop, zones: &Zones) -> Option<Moment> {
        match prop.value() {
            Value::DateTimes(values) => Moment::from_value(values.first()?, tzid(prop), zones),
            _ => None,
        }
    }

    /// One DATE / DATE-TIME (or a PERIOD's start).
    pub fn from_value(value: &DateTimeValue, tzid: Option<&str>, zones: &Zones) -> Option<Moment> {
        let naive = naive_of(value)?;
        Some(match value {
            DateTimeValue::Date(_) => Moment::Date(naive.date()),
            DateTimeValue::DateTime { time, .. } | DateTimeValue::Period { time, .. } if time.utc => {
                Moment::Utc(naive.and_utc())
            }
            _ => Moment::Local(
                naive,
                tzid.map_or_else(|| zones.floating.clone(), |id| zones.resolve(id)),
            ),
        })
    }

    /// The instant: DATEs start at midnight in the floating zone.
    pub fn utc(&self, floating: &Zone) -> DateTime<Utc> {
        match self {
            Moment::Date(date) => floating.to_utc(date.and_time(NaiveTime::MIN)),
            Moment::Local(local, zone) => zone.to_utc(*local),
            Moment::Utc(utc) => *utc,
        }
    }

    pub fn is_date(&self) -> bool {
        matches!(self, Moment::Date(_))
    }
}

/// The TZID parameter of a property.
pub fn tzid(prop: &Prop) -> Option<&str> {
    prop.params().first_value(&ParamName::TzId)
}

/// The naive date-time of a DATE (midnight), DATE-TIME or PERIOD start.
pub fn naive_of(value: &DateTimeValue) -> Option<NaiveDateTime> {
    match value {
        DateTimeValue::Date(date) => Some(naive_date(date)?.and_time(NaiveTime::MIN)),
        DateTimeValue::DateTime { date, time } | DateTimeValue::Period { date, time, .. } => {
            Some(naive_date(date)?.and_time(naive_time(time)?))
        }
        DateTimeValue::Time(_) => None,
    }
}

pub(super) fn naive_date(date: &Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::from(date.year?), u32::from(date.month?), u32::from(date.day?))
}

pub(super) fn naive_time(time: &Time) -> Option<NaiveTime> {
    // A leap second (:60) is read as :59.
    NaiveTime::from_hms_opt(
        u32::from(time.hour),
        u32::from(time.minute),
        u32::from(time.second.min(59)),
    )
}
