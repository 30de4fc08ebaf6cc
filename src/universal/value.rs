//! Typed property values.
//!
//! A value is typed where the RFCs type it and kept verbatim otherwise
//! ([`Value::Raw`]). Typing is what lets the delta engine see that
//! `BDAY:1996-04-15` and `BDAY:19960415`, or two RRULEs with their parts in a
//! different order, are the same value. Text forms (escaping, the exact
//! lexical syntax) belong to the adapters; this module only holds the data.

use serde::{Deserialize, Serialize};

/// One property value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum Value {
    /// TEXT, unescaped (RFC 6350 §4.1, RFC 5545 §3.3.11).
    Text(String),
    /// A comma-separated list of TEXT (CATEGORIES, NICKNAME, RESOURCES), unescaped.
    TextList(Vec<String>),
    /// Structured text: `;`-separated fields, each a `,`-separated list of
    /// unescaped TEXT (N, ADR, ORG, GENDER, CLIENTPIDMAP, REQUEST-STATUS).
    Structured(Vec<Vec<String>>),
    /// A URI or CAL-ADDRESS (RFC 3986). Inline binaries of vCard become `data:` URIs.
    Uri(String),
    /// iCalendar BINARY (RFC 5545 §3.3.1): base64 text without whitespace.
    Binary(String),
    /// One or more DATE, DATE-TIME or PERIOD values (DTSTART, EXDATE, RDATE, BDAY, REV, ...).
    DateTimes(Vec<DateTimeValue>),
    /// DURATION (RFC 5545 §3.3.6).
    Duration(Duration),
    /// RECUR (RFC 5545 §3.3.10).
    Recur(Recur),
    /// INTEGER (RFC 5545 §3.3.8).
    Integer(i64),
    /// UTC-OFFSET (RFC 5545 §3.3.14), in seconds east of UTC.
    UtcOffset(i32),
    /// BOOLEAN (RFC 5545 §3.3.2).
    Boolean(bool),
    /// Verbatim value text (still escaped as it was written): unknown and
    /// vendor properties, and values that do not fit their declared type.
    Raw(String),
}

impl Value {
    /// The value as plain text, when it is one text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) | Value::Uri(text) | Value::Raw(text) => Some(text),
            _ => None,
        }
    }
}

/// A calendar date. vCard 4.0 allows reduced accuracy (`--0415`, `1996`), so
/// each part is optional (RFC 6350 §4.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    pub year: Option<u16>,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// A time of day, with `utc` when it ends in `Z`. A UTC offset other than
/// zero (vCard `T102200-0500`) is kept in `offset_minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Time {
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub utc: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_minutes: Option<i16>,
}

/// One element of a date/time list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DateTimeValue {
    Date(Date),
    DateTime {
        date: Date,
        time: Time,
    },
    /// A bare time (vCard 4.0 `T1022`).
    Time(Time),
    /// PERIOD (RFC 5545 §3.3.9): a start and either an end or a duration.
    Period {
        date: Date,
        time: Time,
        end: PeriodEnd,
    },
}

/// The second half of a PERIOD.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodEnd {
    End { date: Date, time: Time },
    Duration(Duration),
}

/// DURATION: sign, weeks, days, hours, minutes, seconds (RFC 5545 §3.3.6).
/// `P1D` and `PT24H` are different durations (nominal vs exact), so the parts
/// are kept, not folded into seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Duration {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub negative: bool,
    #[serde(default)]
    pub weeks: u32,
    #[serde(default)]
    pub days: u32,
    #[serde(default)]
    pub hours: u32,
    #[serde(default)]
    pub minutes: u32,
    #[serde(default)]
    pub seconds: u32,
}

impl Duration {
    /// Total length in seconds, counting a day as 86 400 s.
    pub fn total_seconds(&self) -> i64 {
        let total = i64::from(self.weeks) * 604_800
            + i64::from(self.days) * 86_400
            + i64::from(self.hours) * 3_600
            + i64::from(self.minutes) * 60
            + i64::from(self.seconds);
        if self.negative { -total } else { total }
    }
}

/// A recurrence rule: its `NAME=value` parts in the order they were written.
///
/// Equality ignores the order of the parts and the case of names and values,
/// so a client that re-serializes `FREQ=WEEKLY;BYDAY=MO` as
/// `BYDAY=MO;FREQ=WEEKLY` has not changed the rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recur {
    pub parts: Vec<(String, String)>,
}

impl Recur {
    /// The value of one part (`FREQ`, `UNTIL`, ...), if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn normalized(&self) -> Vec<(String, String)> {
        let mut parts: Vec<_> = self
            .parts
            .iter()
            .map(|(k, v)| (k.to_ascii_uppercase(), v.to_ascii_uppercase()))
            .collect();
        parts.sort();
        parts
    }
}

impl PartialEq for Recur {
    fn eq(&self, other: &Self) -> bool {
        self.parts.len() == other.parts.len() && self.normalized() == other.normalized()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recur_equality_ignores_part_order_and_case() {
        let a = Recur {
            parts: vec![("FREQ".into(), "WEEKLY".into()), ("BYDAY".into(), "MO".into())],
        };
        let b = Recur {
            parts: vec![("byday".into(), "mo".into()), ("FREQ".into(), "WEEKLY".into())],
        };
        let c = Recur {
            parts: vec![("FREQ".into(), "DAILY".into())],
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn value_json_form_is_tagged() {
        let json = serde_json::to_string(&Value::Structured(vec![vec!["Doe".into()], vec!["Jane".into()]])).unwrap();
        assert_eq!(json, r#"{"type":"structured","value":[["Doe"],["Jane"]]}"#);
    }
}
