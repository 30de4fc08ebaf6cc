//! Value typing for iCalendar properties (RFC 5545 §3.3): which value type a
//! property has (its default, or the `VALUE` parameter, §3.2.20), reading the
//! text into a [`Value`], and writing a [`Value`] back in its lexical form.
//!
//! A value that does not fit its type is kept verbatim as [`Value::Raw`] and
//! the caller records why, so nothing is lost to a malformed date.

use std::borrow::Cow;

use crate::adapters::contentline::{
    DateStyle, compact_base64, escape_text, format_date_times, format_duration, format_recur, format_utc_offset,
    join_list_into, join_structured, parse_date_times, parse_duration, parse_recur, parse_utc_offset, split_list,
    split_structured, unescape_text_owned,
};
use crate::universal::{DateTimeValue, ParamName, Params, PeriodEnd, PropName, Value};

/// The value types of RFC 5545 §3.3 as this adapter models them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    TextList,
    Structured,
    Uri,
    Binary,
    /// DATE, DATE-TIME or PERIOD lists; `Expect` says what `VALUE` asked for.
    DateTimes(Expect),
    Duration,
    Recur,
    Integer,
    UtcOffset,
    Boolean,
    Raw,
}

/// The date/time form a `VALUE` parameter announces (§3.2.20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    /// No `VALUE`: the property's default, date-time with date tolerated.
    Any,
    Date,
    DateTime,
    Period,
}

/// The default value type of a property (RFC 5545 §3.8, RFC 7986 §5).
fn default_kind(name: &PropName) -> Kind {
    use PropName as P;
    match name {
        P::DtStart
        | P::DtEnd
        | P::Due
        | P::RecurrenceId
        | P::ExDate
        | P::RDate
        | P::Created
        | P::DtStamp
        | P::LastModified
        | P::Completed
        | P::Acknowledged
        | P::FreeBusy => Kind::DateTimes(Expect::Any),
        P::Duration | P::Trigger | P::RefreshInterval => Kind::Duration,
        P::RRule | P::ExRule => Kind::Recur,
        P::TzOffsetFrom | P::TzOffsetTo => Kind::UtcOffset,
        P::Sequence | P::Priority | P::PercentComplete | P::Repeat => Kind::Integer,
        P::Attendee | P::Organizer | P::Url | P::TzUrl | P::Attach | P::Source | P::Image | P::Conference => Kind::Uri,
        P::Categories | P::Resources => Kind::TextList,
        P::RequestStatus | P::Geo => Kind::Structured,
        P::Summary
        | P::Description
        | P::Location
        | P::Comment
        | P::Contact
        | P::TzName
        | P::Uid
        | P::Status
        | P::Class
        | P::Transp
        | P::Action
        | P::Method
        | P::CalScale
        | P::Version
        | P::Prodid
        | P::TzId
        | P::RelatedTo
        | P::Name
        | P::Color
        | P::Proximity => Kind::Text,
        _ => Kind::Raw,
    }
}

/// The value type of a property with these parameters: `VALUE` wins over the
/// default, and `ENCODING=BASE64` makes ATTACH/IMAGE binary (§3.8.1.1).
pub(super) fn kind_of(name: &PropName, params: &Params) -> Kind {
    let default = default_kind(name);
    let base64 = params
        .first_value(&ParamName::Encoding)
        .is_some_and(|e| e.eq_ignore_ascii_case("BASE64"));
    let Some(value_type) = params.first_value(&ParamName::Value) else {
        return if base64 && default == Kind::Uri {
            Kind::Binary
        } else {
            default
        };
    };
    match value_type.to_ascii_uppercase().as_str() {
        "DATE" => Kind::DateTimes(Expect::Date),
        "DATE-TIME" => Kind::DateTimes(Expect::DateTime),
        "PERIOD" => Kind::DateTimes(Expect::Period),
        "DURATION" => Kind::Duration,
        "RECUR" => Kind::Recur,
        "UTC-OFFSET" => Kind::UtcOffset,
        "INTEGER" => Kind::Integer,
        "BOOLEAN" => Kind::Boolean,
        "BINARY" => Kind::Binary,
        "URI" | "CAL-ADDRESS" => Kind::Uri,
        // TEXT on a list or structured property keeps that shape.
        "TEXT" if matches!(default, Kind::TextList | Kind::Structured | Kind::Text) => default,
        "TEXT" => Kind::Text,
        _ => Kind::Raw,
    }
}

/// Reads `text` as `kind`. `Err` carries why it does not fit; the caller
/// then keeps it as [`Value::Raw`].
/// The typed value of `text`; when it does not fit `kind`, why, with the
/// text handed back so the caller can keep it verbatim.
pub(super) fn read_value(kind: Kind, text: String) -> Result<Value, (String, String)> {
    let typed: Result<Value, String> = match kind {
        Kind::Text => return Ok(Value::Text(unescape_text_owned(text))),
        Kind::Uri => return Ok(Value::Uri(text)),
        Kind::Raw => return Ok(Value::Raw(text)),
        Kind::TextList => Ok(Value::TextList(split_list(&text))),
        Kind::Structured => Ok(Value::Structured(split_structured(&text))),
        Kind::Binary => Ok(Value::Binary(compact_base64(&text))),
        Kind::DateTimes(_) => read_date_times(&text).map(Value::DateTimes),
        Kind::Duration => parse_duration(text.trim())
            .map(Value::Duration)
            .ok_or_else(|| "not a DURATION (RFC 5545 §3.3.6)".into()),
        Kind::Recur => parse_recur(&text)
            .map(Value::Recur)
            .ok_or_else(|| "not a RECUR rule with FREQ (RFC 5545 §3.3.10)".into()),
        Kind::UtcOffset => parse_utc_offset(text.trim())
            .map(Value::UtcOffset)
            .ok_or_else(|| "not a UTC-OFFSET (RFC 5545 §3.3.14)".into()),
        Kind::Integer => text
            .trim()
            .parse()
            .map(Value::Integer)
            .map_err(|_| "not an INTEGER (RFC 5545 §3.3.8)".into()),
        Kind::Boolean => match text.trim().to_ascii_uppercase().as_str() {
            "TRUE" => Ok(Value::Boolean(true)),
            "FALSE" => Ok(Value::Boolean(false)),
            _ => Err("not a BOOLEAN (RFC 5545 §3.3.2)".into()),
        },
    };
    typed.map_err(|why| (why, text))
}

/// DATE / DATE-TIME / PERIOD lists (§3.3.4, §3.3.5, §3.3.9). iCalendar has
/// no reduced dates, bare times or numeric offsets (those are vCard forms).
fn read_date_times(text: &str) -> Result<Vec<DateTimeValue>, String> {
    let values = parse_date_times(text).ok_or("not a DATE, DATE-TIME or PERIOD (RFC 5545 §3.3.4-§3.3.9)")?;
    for value in &values {
        if !is_icalendar_form(value) {
            return Err("not an iCalendar DATE, DATE-TIME or PERIOD (RFC 5545 §3.3.4-§3.3.9)".into());
        }
    }
    Ok(values)
}

/// Why a date/time value contradicts its `VALUE` parameter (§3.2.20), if it
/// does. The value is still kept as read: the data is fine, the label is not.
pub(super) fn date_form_mismatch(kind: Kind, value: &Value) -> Option<&'static str> {
    let (Kind::DateTimes(expect), Value::DateTimes(values)) = (kind, value) else {
        return None;
    };
    let fits = |v: &DateTimeValue| match expect {
        Expect::Any => true,
        Expect::Date => matches!(v, DateTimeValue::Date(_)),
        Expect::DateTime => matches!(v, DateTimeValue::DateTime { .. }),
        Expect::Period => matches!(v, DateTimeValue::Period { .. }),
    };
    (!values.iter().all(fits)).then_some("value does not match its VALUE parameter (RFC 5545 §3.2.20); kept as written")
}

fn is_icalendar_form(value: &DateTimeValue) -> bool {
    let full = |d: &crate::universal::Date| d.year.is_some() && d.month.is_some() && d.day.is_some();
    let clock = |t: &crate::universal::Time| t.offset_minutes.is_none();
    match value {
        DateTimeValue::Date(date) => full(date),
        DateTimeValue::DateTime { date, time } => full(date) && clock(time),
        DateTimeValue::Time(_) => false,
        DateTimeValue::Period { date, time, end } => {
            full(date)
                && clock(time)
                && match end {
                    PeriodEnd::End { date, time } => full(date) && clock(time),
                    PeriodEnd::Duration(_) => true,
                }
        }
    }
}

/// The lexical form of a value (escaped where TEXT is escaped).
pub(super) fn write_value(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Text(text) => Cow::Owned(escape_text(text)),
        Value::TextList(items) => {
            let mut out = String::new();
            join_list_into(items, &mut out);
            Cow::Owned(out)
        }
        Value::Structured(fields) => Cow::Owned(join_structured(fields)),
        Value::Uri(text) | Value::Binary(text) | Value::Raw(text) => Cow::Borrowed(text),
        Value::DateTimes(values) => Cow::Owned(format_date_times(values, DateStyle::Basic)),
        Value::Duration(duration) => Cow::Owned(format_duration(duration)),
        Value::Recur(recur) => Cow::Owned(format_recur(recur)),
        Value::Integer(n) => Cow::Owned(n.to_string()),
        Value::UtcOffset(seconds) => Cow::Owned(format_utc_offset(*seconds)),
        Value::Boolean(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::universal::Param;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::new(
            pairs
                .iter()
                .map(|(n, v)| Param::new(ParamName::parse(n), vec![(*v).into()]))
                .collect(),
        )
    }

    #[test]
    fn rfc5545_3_2_20_value_parameter_overrides_the_default_type() {
        assert_eq!(kind_of(&PropName::Trigger, &Params::default()), Kind::Duration);
        assert_eq!(
            kind_of(&PropName::Trigger, &params(&[("VALUE", "DATE-TIME")])),
            Kind::DateTimes(Expect::DateTime)
        );
        assert_eq!(
            kind_of(
                &PropName::Attach,
                &params(&[("ENCODING", "BASE64"), ("VALUE", "BINARY")])
            ),
            Kind::Binary
        );
        assert_eq!(kind_of(&PropName::parse("X-FOO"), &Params::default()), Kind::Raw);
    }

    #[test]
    fn rfc5545_3_3_values_round_trip_through_their_lexical_form() {
        for (kind, text) in [
            (Kind::DateTimes(Expect::Any), "20240105T090000Z,20240112T090000Z"),
            (Kind::DateTimes(Expect::Period), "19970101T180000Z/PT5H30M"),
            (Kind::Duration, "-PT15M"),
            (Kind::UtcOffset, "-0500"),
            (Kind::Integer, "3"),
            (Kind::Text, "a\\, b\\; c\\nd"),
            (Kind::TextList, "a,b\\,c"),
            (Kind::Structured, "2.0;Success"),
        ] {
            let value = read_value(kind, text.to_owned()).unwrap();
            assert_eq!(write_value(&value), text, "{kind:?}");
        }
    }

    #[test]
    fn values_that_do_not_fit_are_refused_with_a_reason() {
        assert!(
            read_value(Kind::DateTimes(Expect::Any), "2024".into()).is_err(),
            "reduced dates are vCard-only"
        );
        let date_time = read_value(Kind::DateTimes(Expect::Date), "20240105T090000".into()).unwrap();
        assert!(date_form_mismatch(Kind::DateTimes(Expect::Date), &date_time).is_some());
        assert!(date_form_mismatch(Kind::DateTimes(Expect::DateTime), &date_time).is_none());
        assert!(read_value(Kind::Integer, String::new()).is_err());
        assert!(read_value(Kind::Recur, "BYDAY=MO".into()).is_err());
    }
}
