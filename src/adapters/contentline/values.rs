//! Lexical forms of typed values (RFC 5545 §3.3, RFC 6350 §4): DATE,
//! DATE-TIME, PERIOD, DURATION, RECUR, UTC-OFFSET — parsing is lenient about
//! ISO 8601 extended forms (`1996-04-15`, `10:22:00`) that vCard 3.0 writers
//! use; formatting is in the basic form unless asked otherwise.

use crate::universal::{Date, DateTimeValue, Duration, PeriodEnd, Recur, Time};

/// How to write dates and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `19960415T102200Z` (iCalendar, vCard 4.0).
    Basic,
    /// `1996-04-15T10:22:00Z` (common in vCard 3.0).
    Extended,
}

/// Parses a comma-separated list of dates, date-times or periods.
pub fn parse_date_times(text: &str) -> Option<Vec<DateTimeValue>> {
    text.split(',').map(|item| parse_date_time_item(item.trim())).collect()
}

fn parse_date_time_item(text: &str) -> Option<DateTimeValue> {
    if let Some((start, end)) = text.split_once('/') {
        let (date, time) = match parse_date_time(start)? {
            DateTimeValue::DateTime { date, time } => (date, time),
            _ => return None,
        };
        let end = if end.starts_with(['P', '+', '-']) {
            PeriodEnd::Duration(parse_duration(end)?)
        } else {
            match parse_date_time(end)? {
                DateTimeValue::DateTime { date, time } => PeriodEnd::End { date, time },
                _ => return None,
            }
        };
        return Some(DateTimeValue::Period { date, time, end });
    }
    parse_date_time(text)
}

/// One DATE, DATE-TIME or TIME (vCard 4.0 reduced forms included).
pub fn parse_date_time(text: &str) -> Option<DateTimeValue> {
    if let Some(time) = text.strip_prefix('T') {
        return parse_time(time).map(DateTimeValue::Time);
    }
    match text.split_once(['T', 't']) {
        Some((date, time)) => Some(DateTimeValue::DateTime {
            date: parse_date(date)?,
            time: parse_time(time)?,
        }),
        None => parse_date(text).map(DateTimeValue::Date),
    }
}

/// The decimal number spelled by `text`, which must be all ASCII digits.
fn digits<T: TryFrom<u32>>(text: &[u8]) -> Option<T> {
    if text.is_empty() || text.len() > 9 {
        return None;
    }
    let mut n: u32 = 0;
    for b in text {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    T::try_from(n).ok()
}

/// Copies `text` without the `skip` separator into a small stack buffer
/// (dates and times are short; parsing them must not allocate).
fn compact(text: &str, skip: u8) -> Option<([u8; 16], usize)> {
    let mut buf = [0u8; 16];
    let mut len = 0;
    for &b in text.as_bytes() {
        if b == skip {
            continue;
        }
        *buf.get_mut(len)? = b;
        len += 1;
    }
    Some((buf, len))
}

fn parse_date(text: &str) -> Option<Date> {
    let date = if let Some(rest) = text.strip_prefix("--") {
        // --MMDD, --MM, ---DD (RFC 6350 §4.3.1)
        if let Some(day) = rest.strip_prefix('-') {
            Date {
                year: None,
                month: None,
                day: Some(digits(day.as_bytes())?),
            }
        } else {
            let (buf, len) = compact(rest, b'-')?;
            let rest = &buf[..len];
            match len {
                2 => Date {
                    year: None,
                    month: Some(digits(rest)?),
                    day: None,
                },
                4 => Date {
                    year: None,
                    month: Some(digits(&rest[..2])?),
                    day: Some(digits(&rest[2..])?),
                },
                _ => return None,
            }
        }
    } else {
        let (buf, len) = compact(text, b'-')?;
        let c = &buf[..len];
        match (len, text.contains('-')) {
            (8, _) => Date {
                year: Some(digits(&c[..4])?),
                month: Some(digits(&c[4..6])?),
                day: Some(digits(&c[6..])?),
            },
            (6, true) => Date {
                year: Some(digits(&c[..4])?),
                month: Some(digits(&c[4..])?),
                day: None,
            },
            (4, false) => Date {
                year: Some(digits(c)?),
                month: None,
                day: None,
            },
            _ => return None,
        }
    };
    let month_ok = date.month.is_none_or(|m| (1..=12).contains(&m));
    let day_ok = date.day.is_none_or(|d| (1..=31).contains(&d));
    (month_ok && day_ok).then_some(date)
}

fn parse_time(text: &str) -> Option<Time> {
    let (clock, utc, offset_minutes) = if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        (clock, true, None)
    } else if let Some(at) = text.rfind(['+', '-']).filter(|at| *at >= 2) {
        let offset = parse_offset_minutes(&text[at..])?;
        (&text[..at], false, Some(offset))
    } else {
        (text, false, None)
    };
    // Fractional seconds (`10:22:00.000`) are dropped: iCalendar has no place for them.
    let clock = clock.split(['.', ',']).next()?;
    let (buf, len) = compact(clock, b':')?;
    let c = &buf[..len];
    let (hour, minute, second) = match len {
        6 => (digits(&c[..2])?, digits(&c[2..4])?, digits(&c[4..])?),
        4 => (digits(&c[..2])?, digits(&c[2..])?, 0),
        2 => (digits(c)?, 0, 0),
        _ => return None,
    };
    (hour <= 24 && minute <= 59 && second <= 60).then_some(Time {
        hour,
        minute,
        second,
        utc,
        offset_minutes,
    })
}

fn parse_offset_minutes(text: &str) -> Option<i16> {
    let sign: i16 = if text.starts_with('-') { -1 } else { 1 };
    let (buf, len) = compact(&text[1..], b':')?;
    let c = &buf[..len];
    let (h, m): (i16, i16) = match len {
        4 => (digits(&c[..2])?, digits(&c[2..])?),
        2 => (digits(c)?, 0),
        _ => return None,
    };
    Some(sign * (h * 60 + m))
}

/// Writes a list of date/time values, comma-separated.
pub fn format_date_times(values: &[DateTimeValue], style: DateStyle) -> String {
    let mut out = String::new();
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match value {
            DateTimeValue::Date(date) => format_date(date, style, &mut out),
            DateTimeValue::Time(time) => {
                out.push('T');
                format_time(time, style, &mut out);
            }
            DateTimeValue::DateTime { date, time } => format_date_time(date, time, style, &mut out),
            DateTimeValue::Period { date, time, end } => {
                format_date_time(date, time, style, &mut out);
                out.push('/');
                match end {
                    PeriodEnd::End { date, time } => format_date_time(date, time, style, &mut out),
                    PeriodEnd::Duration(duration) => out.push_str(&format_duration(duration)),
                }
            }
        }
    }
    out
}

fn format_date_time(date: &Date, time: &Time, style: DateStyle, out: &mut String) {
    format_date(date, style, out);
    out.push('T');
    format_time(time, style, out);
}

fn format_date(date: &Date, style: DateStyle, out: &mut String) {
    use std::fmt::Write;
    let sep = if style == DateStyle::Extended { "-" } else { "" };
    match (date.year, date.month, date.day) {
        (Some(y), Some(m), Some(d)) => write!(out, "{y:04}{sep}{m:02}{sep}{d:02}"),
        (Some(y), Some(m), None) => write!(out, "{y:04}-{m:02}"),
        (Some(y), None, _) => write!(out, "{y:04}"),
        (None, Some(m), Some(d)) => write!(out, "--{m:02}{sep}{d:02}"),
        (None, Some(m), None) => write!(out, "--{m:02}"),
        (None, None, Some(d)) => write!(out, "---{d:02}"),
        (None, None, None) => Ok(()),
    }
    .expect("writing to a String cannot fail");
}

fn format_time(time: &Time, style: DateStyle, out: &mut String) {
    use std::fmt::Write;
    let sep = if style == DateStyle::Extended { ":" } else { "" };
    write!(out, "{:02}{sep}{:02}{sep}{:02}", time.hour, time.minute, time.second).expect("infallible");
    if time.utc {
        out.push('Z');
    } else if let Some(offset) = time.offset_minutes {
        let sign = if offset < 0 { '-' } else { '+' };
        let offset = offset.unsigned_abs();
        write!(out, "{sign}{:02}{sep}{:02}", offset / 60, offset % 60).expect("infallible");
    }
}

/// DURATION: `[+-]P[nW][nD][T[nH][nM][nS]]`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut duration = Duration::default();
    let rest = match text.as_bytes().first()? {
        b'-' => {
            duration.negative = true;
            &text[1..]
        }
        b'+' => &text[1..],
        _ => text,
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    if rest.is_empty() {
        return None;
    }
    let (mut in_time, mut number, mut any) = (false, String::new(), false);
    for ch in rest.chars() {
        match ch.to_ascii_uppercase() {
            '0'..='9' => number.push(ch),
            'T' if number.is_empty() => in_time = true,
            unit => {
                let n: u32 = number.parse().ok()?;
                number.clear();
                any = true;
                match (unit, in_time) {
                    ('W', false) => duration.weeks = n,
                    ('D', false) => duration.days = n,
                    ('H', true) => duration.hours = n,
                    ('M', true) => duration.minutes = n,
                    ('S', true) => duration.seconds = n,
                    _ => return None,
                }
            }
        }
    }
    (any && number.is_empty()).then_some(duration)
}

/// Writes a DURATION in its shortest form (`PT0S` for zero).
pub fn format_duration(duration: &Duration) -> String {
    use std::fmt::Write;
    let mut out = String::from(if duration.negative { "-P" } else { "P" });
    let d = duration;
    if d.weeks > 0 {
        write!(out, "{}W", d.weeks).expect("infallible");
    }
    if d.days > 0 {
        write!(out, "{}D", d.days).expect("infallible");
    }
    if d.hours > 0 || d.minutes > 0 || d.seconds > 0 || (d.weeks == 0 && d.days == 0) {
        out.push('T');
        if d.hours > 0 {
            write!(out, "{}H", d.hours).expect("infallible");
        }
        if d.minutes > 0 {
            write!(out, "{}M", d.minutes).expect("infallible");
        }
        if d.seconds > 0 || (d.hours == 0 && d.minutes == 0) {
            write!(out, "{}S", d.seconds).expect("infallible");
        }
    }
    out
}

/// RECUR: `NAME=value;NAME=value`, parts kept in order.
pub fn parse_recur(text: &str) -> Option<Recur> {
    let parts: Option<Vec<_>> = text
        .split(';')
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.split_once('=')
                .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim().to_owned()))
        })
        .collect();
    let parts = parts?;
    parts.iter().any(|(k, _)| k == "FREQ").then_some(Recur { parts })
}

pub fn format_recur(recur: &Recur) -> String {
    recur
        .parts
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// UTC-OFFSET: `+HHMM[SS]` / `-HHMM[SS]`, in seconds.
pub fn parse_utc_offset(text: &str) -> Option<i32> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    // Bytes, not str: slicing text with multi-byte characters must not panic.
    let body = &text.as_bytes()[1..];
    let (h, m, s): (i32, i32, i32) = match body.len() {
        4 => (digits(&body[..2])?, digits(&body[2..])?, 0),
        6 => (digits(&body[..2])?, digits(&body[2..4])?, digits(&body[4..])?),
        _ => return None,
    };
    Some(sign * (h * 3600 + m * 60 + s))
}

pub fn format_utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_basic_and_extended_forms_are_one_value() {
        assert_eq!(parse_date_times("1996-04-15"), parse_date_times("19960415"));
        assert_eq!(
            parse_date_times("1996-04-15T10:22:00Z"),
            parse_date_times("19960415T102200Z")
        );
        let partial = parse_date_times("--0415").unwrap();
        assert_eq!(format_date_times(&partial, DateStyle::Basic), "--0415");
        assert!(parse_date_times("19961345").is_none());
        assert!(parse_date_times("circa 1800").is_none());
    }

    #[test]
    fn lists_and_periods_round_trip() {
        for text in [
            "20240105T090000Z,20240112T090000Z",
            "19970101T180000Z/PT5H30M",
            "19970101T180000Z/19970102T070000Z",
            "20240105",
            "T102200-0500",
        ] {
            let parsed = parse_date_times(text).unwrap();
            assert_eq!(format_date_times(&parsed, DateStyle::Basic), text);
        }
    }

    #[test]
    fn durations() {
        for text in ["PT0S", "-PT15M", "P1W", "P1DT2H", "PT1H30M5S"] {
            assert_eq!(format_duration(&parse_duration(text).unwrap()), text);
        }
        assert_eq!(parse_duration("P1D").unwrap().total_seconds(), 86_400);
        assert!(parse_duration("P").is_none());
        assert!(parse_duration("PT5").is_none());
    }

    #[test]
    fn multi_byte_text_never_panics() {
        for text in [
            "+1é2",
            "-é123",
            "1é2é",
            "--é1",
            "T1é2",
            "20é40105",
            "19970101T18é000Z/P1D",
        ] {
            let _ = parse_utc_offset(text);
            let _ = parse_date_times(text);
        }
    }

    #[test]
    fn recur_and_offsets() {
        let rule = parse_recur("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20241231T000000Z").unwrap();
        assert_eq!(format_recur(&rule), "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20241231T000000Z");
        assert!(parse_recur("BYDAY=MO").is_none());
        assert_eq!(parse_utc_offset("-0500"), Some(-18_000));
        assert_eq!(format_utc_offset(19_800), "+0530");
        assert_eq!(
            parse_utc_offset("+053045").map(format_utc_offset).as_deref(),
            Some("+053045")
        );
    }
}
