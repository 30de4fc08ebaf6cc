//! RRULE iteration in local (wall-clock) time, through the `rrule` crate
//! (docs/decisions.md D7).
//!
//! RFC 5545 §3.8.5.3 defines recurrence on local time: a weekly 09:00 New
//! York meeting stays at 09:00 across DST. So rules are iterated over naive
//! local date-times (handed to the crate as if they were UTC, where no DST
//! exists), and callers convert each start to UTC through its zone.

use chrono::{NaiveDateTime, TimeZone};
use rrule::{RRule, RRuleSet, RRuleSetIter, Tz, Unvalidated};

use crate::universal::Recur;

/// The rule parts the crate understands; others (X-names, RSCALE) are ignored.
const KNOWN_PARTS: [&str; 12] = [
    "FREQ",
    "INTERVAL",
    "COUNT",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
];

/// Local start times of a recurrence, ascending: DTSTART first (it is
/// always the first instance, RFC 5545 §3.8.5.3), then the rule's, at most
/// `max` in all. A rule the crate refuses yields DTSTART alone.
pub struct LocalStarts {
    start: NaiveDateTime,
    started: bool,
    rule: Option<RRuleSetIter>,
    left: usize,
}

impl LocalStarts {
    /// Iterates `recur` from `start`; `until` is the rule's UNTIL already
    /// converted to the same local time.
    pub fn new(start: NaiveDateTime, recur: &Recur, until: Option<NaiveDateTime>, max: usize) -> LocalStarts {
        // DTSTART counts as the first of COUNT occurrences (RFC 5545
        // §3.8.5.3) even when it does not match the rule; the crate only
        // counts matching ones, so the total is capped here.
        let count = recur.get("COUNT").and_then(|c| c.trim().parse::<usize>().ok());
        LocalStarts {
            start,
            started: false,
            rule: rule_set(start, recur, until).map(|set| (&set).into_iter()),
            left: count.map_or(max, |c| c.clamp(1, max.max(1))).min(max),
        }
    }
}

impl Iterator for LocalStarts {
    type Item = NaiveDateTime;

    fn next(&mut self) -> Option<NaiveDateTime> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        if !self.started {
            self.started = true;
            return Some(self.start);
        }
        loop {
            let next = self.rule.as_mut()?.next()?.naive_utc();
            // The crate repeats DTSTART when it matches the rule.
            if next > self.start {
                return Some(next);
            }
        }
    }
}

/// The crate's rule set for `recur` at `start`, bounded by its own
/// 100 000-iteration guard against rules that never produce (`limit()`).
fn rule_set(start: NaiveDateTime, recur: &Recur, until: Option<NaiveDateTime>) -> Option<RRuleSet> {
    let text = recur
        .parts
        .iter()
        .filter(|(name, _)| KNOWN_PARTS.iter().any(|k| k.eq_ignore_ascii_case(name)))
        .map(|(name, value)| format!("{}={}", name.to_ascii_uppercase(), value.to_ascii_uppercase()))
        .collect::<Vec<_>>()
        .join(";");
    let mut rule: RRule<Unvalidated> = text.parse().ok()?;
    if let Some(wkst) = recur.get("WKST").and_then(weekday) {
        rule = rule.week_start(wkst);
    }
    let dt_start = Tz::UTC.from_utc_datetime(&start);
    if let Some(until) = until {
        if until < start {
            return None; // only DTSTART remains
        }
        rule = rule.until(Tz::UTC.from_utc_datetime(&until));
    }
    Some(rule.build(dt_start).ok()?.limit())
}

fn weekday(text: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::*;
    Some(match text.trim().to_ascii_uppercase().as_str() {
        "MO" => Mon,
        "TU" => Tue,
        "WE" => Wed,
        "TH" => Thu,
        "FR" => Fri,
        "SA" => Sat,
        "SU" => Sun,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::contentline::parse_recur;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").unwrap()
    }

    #[test]
    fn rfc5545_3_8_5_3_dtstart_is_the_first_instance_even_off_rule() {
        let recur = parse_recur("FREQ=WEEKLY;BYDAY=MO;COUNT=3").unwrap();
        // 2024-01-03 is a Wednesday.
        let starts: Vec<_> = LocalStarts::new(at("20240103T090000"), &recur, None, 10).collect();
        let expected = ["20240103T090000", "20240108T090000", "20240115T090000"];
        assert_eq!(starts, expected.map(at));
    }

    #[test]
    fn bounded_by_max_and_until() {
        let recur = parse_recur("FREQ=SECONDLY").unwrap();
        assert_eq!(LocalStarts::new(at("20240101T000000"), &recur, None, 500).count(), 500);
        let daily = parse_recur("FREQ=DAILY").unwrap();
        let until = Some(at("20240105T235959"));
        assert_eq!(LocalStarts::new(at("20240101T090000"), &daily, until, 100).count(), 5);
        assert_eq!(
            LocalStarts::new(at("20240101T090000"), &daily, Some(at("20231231T000000")), 100).count(),
            1
        );
    }
}
