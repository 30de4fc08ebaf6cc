//! Query semantics of the DAV reports, pure and HTTP-free: whether a record
//! matches an addressbook-query or calendar-query filter, which instances a
//! recurring calendar object has in a time range, the `<C:expand>` and
//! `<C:limit-recurrence-set>` forms of calendar data, and free-busy time.
//!
//! Everything works over [`Record`](crate::universal::Record)s: a contact is
//! a `VCARD` root; a calendar object is a `VCALENDAR` root holding one UID's
//! master, its RECURRENCE-ID overrides and its VTIMEZONEs.
//!
//! - [`card`]: addressbook-query filters (RFC 6352 §10.5).
//! - [`calendar`]: calendar-query comp-filters (RFC 4791 §9.7) with
//!   time ranges (§9.9), through [`overlap`] and [`alarm`].
//! - [`text`]: text-match with its collations (RFC 4790, RFC 5051).
//! - [`zone`] and [`vtimezone`]: TZID resolution (the object's VTIMEZONEs,
//!   IANA names, Outlook's Windows names) and local ↔ UTC conversion.
//! - [`rules`] and [`recur`]: recurrence expansion (RRULE/RDATE/EXDATE and
//!   overrides), bounded by [`Limits`].
//! - [`expand`]: instances in a range, `<C:expand>` (§9.6.5) and
//!   `<C:limit-recurrence-set>` (§9.6.6).
//! - [`freebusy`]: free-busy-query (RFC 4791 §7.10).
//! - [`search`]: the search text of a contact, which narrows an
//!   addressbook-query and, for most filters, answers it without decoding.
//! - [`span`]: the time span of an object's events, kept by the store so
//!   that a VEVENT time-range reads only the objects that can match.
//!
//! Must not know: HTTP, XML bytes, the engine or the store. It takes the
//! typed filters of [`xml::request`](super::xml::request) and returns plain data.

pub mod alarm;
pub mod calendar;
pub mod card;
pub mod expand;
pub mod freebusy;
pub mod overlap;
pub mod recur;
pub mod rules;
pub mod search;
pub mod span;
pub mod text;
pub mod vtimezone;
pub mod windows;
pub mod zone;

use chrono::{DateTime, Utc};

use super::xml::request::{TimeRange, UtcDateTime};

/// How far expansion may go for one object, so that a `FREQ=SECONDLY`
/// rule or a huge RDATE list cannot hang the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Occurrences generated per recurring component, counting those before
    /// the range (a daily event from 1990 queried in 2026 needs ~13 000).
    pub max_generated: usize,
    /// Instances returned per object.
    pub max_instances: usize,
}

impl Limits {
    /// 100 000 generated occurrences, 10 000 returned instances.
    pub const DEFAULT: Limits = Limits {
        max_generated: 100_000,
        max_instances: 10_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// How a query reads an object: the floating zone (the calendar's
/// `calendar-timezone`, or UTC; RFC 4791 §7.3) and the expansion bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub floating: zone::Zone,
    pub limits: Limits,
}

impl Options {
    /// Floating times in `floating`, default limits.
    pub fn floating_in(floating: zone::Zone) -> Options {
        Options {
            floating,
            limits: Limits::DEFAULT,
        }
    }
}

impl Default for Options {
    /// Floating times read as UTC, default limits.
    fn default() -> Self {
        Options::floating_in(zone::Zone::Utc)
    }
}

/// A time range in UTC; a missing bound is open (RFC 4791 §9.9: "start"
/// defaults to -infinity, "end" to +infinity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

impl Range {
    /// The unbounded range.
    pub const ALL: Range = Range { start: None, end: None };

    /// A range with both bounds.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Range {
        Range {
            start: Some(start),
            end: Some(end),
        }
    }

    /// The same range widened by `by` on both sides (open bounds stay open).
    pub fn widened(&self, by: chrono::Duration) -> Range {
        Range {
            start: self.start.and_then(|s| s.checked_sub_signed(by)),
            end: self.end.and_then(|e| e.checked_add_signed(by)),
        }
    }
}

impl From<&TimeRange> for Range {
    fn from(range: &TimeRange) -> Range {
        Range {
            start: range.start.and_then(|s| utc(&s)),
            end: range.end.and_then(|e| utc(&e)),
        }
    }
}

/// A time-range bound as a chrono instant.
pub fn utc(dt: &UtcDateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(dt.unix_seconds(), 0)
}
