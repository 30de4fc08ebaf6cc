//! The text of a selector key (`VEVENT[RECURRENCE-ID=20240105T090000Z]`):
//! the iCalendar lexical form of a date or date-time (RFC 5545 §3.3.4,
//! §3.3.5), written here because the engine must not depend on the adapters.

use crate::universal::{Date, DateTimeValue, PeriodEnd, Time, Value};

/// A value's text for a selector key: the iCalendar lexical form for dates
/// (RFC 5545 §3.3.4, §3.3.5), the text itself otherwise.
pub(crate) fn key_text(value: &Value) -> Option<String> {
    match value {
        Value::Text(text) | Value::Uri(text) | Value::Raw(text) => Some(text.clone()),
        Value::Integer(n) => Some(n.to_string()),
        Value::DateTimes(values) => {
            let mut out = String::new();
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_date_time(&mut out, v);
            }
            Some(out)
        }
        _ => None,
    }
}

fn push_date_time(out: &mut String, value: &DateTimeValue) {
    match value {
        DateTimeValue::Date(date) => push_date(out, date),
        DateTimeValue::DateTime { date, time } => {
            push_date(out, date);
            push_time(out, time);
        }
        DateTimeValue::Time(time) => push_time(out, time),
        DateTimeValue::Period { date, time, end } => {
            push_date(out, date);
            push_time(out, time);
            out.push('/');
            match end {
                PeriodEnd::End { date, time } => {
                    push_date(out, date);
                    push_time(out, time);
                }
                PeriodEnd::Duration(d) => out.push_str(&format!("{}s", d.total_seconds())),
            }
        }
    }
}

fn push_date(out: &mut String, date: &Date) {
    // Reduced-accuracy vCard dates (RFC 6350 §4.3.1) write missing parts as '-'.
    match date.year {
        Some(y) => out.push_str(&format!("{y:04}")),
        None => out.push_str("--"),
    }
    for part in [date.month, date.day] {
        match part {
            Some(p) => out.push_str(&format!("{p:02}")),
            None => out.push('-'),
        }
    }
}

fn push_time(out: &mut String, time: &Time) {
    out.push_str(&format!("T{:02}{:02}{:02}", time.hour, time.minute, time.second));
    if time.utc {
        out.push('Z');
    } else if let Some(offset) = time.offset_minutes {
        let sign = if offset < 0 { '-' } else { '+' };
        out.push_str(&format!(
            "{sign}{:02}{:02}",
            offset.unsigned_abs() / 60,
            offset.unsigned_abs() % 60
        ));
    }
}
