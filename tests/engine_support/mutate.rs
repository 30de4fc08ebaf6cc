//! New values for edits: a different value of the same type, other
//! parameters, and new properties that fit their component.

use pimgate::universal::{
    Component, ComponentName, DateTimeValue, Duration, Param, ParamName, Params, Prop, PropName, Recur, Value,
};

use super::{Rng, date, param, text, with_params};

/// A new property for `component`, of a kind that fits it.
pub(super) fn new_prop(component: &Component, rng: &mut Rng) -> Prop {
    let token = rng.token();
    match (component.name(), rng.below(3)) {
        (ComponentName::VCard, 0) => with_params(
            Prop::new(PropName::Tel, Value::Uri(format!("tel:+1-555-{token}"))),
            vec![param(ParamName::Type, &["cell"])],
        ),
        (ComponentName::VCard, 1) => with_params(
            text(PropName::Email, &format!("{token}@example.net")),
            vec![param(ParamName::Type, &["home"])],
        ),
        (ComponentName::VEvent, 0) => with_params(
            Prop::new(PropName::Attendee, Value::Uri(format!("mailto:{token}@example.com"))),
            vec![param(ParamName::Cn, &[&token])],
        ),
        (_, 1) => text(PropName::Comment, &format!("comment {token}")),
        _ => Prop::new(PropName::Other("X-PIMGATE-TEST".into()), Value::Raw(token))
            .with_group(rng.chance(30).then(|| "item9".to_owned())),
    }
}

/// A different value of the same type; mutating it again never gives the
/// original back (the conflict law sets one field to `mutate(v)` on one side
/// and `mutate(mutate(v))` on the other), except for a BOOLEAN, which has
/// only two values.
pub fn mutate(value: &Value, rng: &mut Rng) -> Value {
    let token = rng.token();
    match value {
        Value::Text(s) => Value::Text(format!("{s} · {token}")),
        Value::TextList(items) => Value::TextList(items.iter().cloned().chain([token]).collect()),
        Value::Structured(fields) => {
            let mut fields = fields.clone();
            if fields.is_empty() {
                fields.push(Vec::new());
            }
            let at = rng.below(fields.len());
            fields[at] = vec![token];
            Value::Structured(fields)
        }
        Value::Uri(s) if s.starts_with("data:") => Value::Uri(format!("{s}QUJD")),
        Value::Uri(s) => Value::Uri(format!("{s}{token}")),
        Value::Binary(s) => Value::Binary(format!("{s}QUJD")),
        Value::DateTimes(values) => Value::DateTimes(match values.first() {
            Some(first) => std::iter::once(shift(first))
                .chain(values[1..].iter().cloned())
                .collect(),
            None => vec![DateTimeValue::Date(date(2030, 1, 1))],
        }),
        Value::Duration(d) => Value::Duration(Duration {
            minutes: d.minutes + 1,
            ..*d
        }),
        Value::Recur(rule) => {
            let mut parts: Vec<(String, String)> = rule
                .parts
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("INTERVAL"))
                .cloned()
                .collect();
            let interval = rule.get("INTERVAL").and_then(|v| v.parse::<u32>().ok()).unwrap_or(1) + 1;
            parts.push(("INTERVAL".into(), interval.to_string()));
            Value::Recur(Recur { parts })
        }
        Value::Integer(n) => Value::Integer(n.wrapping_add(1)),
        // Half an hour later, within RFC 5545 §3.3.14's range (-12h..+14h).
        Value::UtcOffset(o) => Value::UtcOffset(if *o < 14 * 3600 { o + 1800 } else { -12 * 3600 }),
        Value::Boolean(b) => Value::Boolean(!b),
        Value::Raw(s) => Value::Raw(format!("{s}{token}")),
    }
}

fn shift(value: &DateTimeValue) -> DateTimeValue {
    let bump = |d: &pimgate::universal::Date| pimgate::universal::Date {
        year: Some(d.year.map_or(2000, |y| if y < 9000 { y + 1 } else { y - 1000 })),
        ..*d
    };
    match value {
        DateTimeValue::Date(d) => DateTimeValue::Date(bump(d)),
        DateTimeValue::DateTime { date, time } => DateTimeValue::DateTime {
            date: bump(date),
            time: *time,
        },
        DateTimeValue::Time(t) => DateTimeValue::Time(pimgate::universal::Time {
            hour: (t.hour + 1) % 24,
            ..*t
        }),
        DateTimeValue::Period { date, time, end } => DateTimeValue::Period {
            date: bump(date),
            time: *time,
            end: end.clone(),
        },
    }
}

/// Other parameters: a new TYPE set when there is one, else an extra X- parameter.
pub(super) fn mutate_params(params: &Params, rng: &mut Rng) -> Params {
    let mut params = params.clone();
    let token = rng.token();
    if params.get(&ParamName::Type).is_some() {
        params.set(ParamName::Type, vec![format!("x-{token}")]);
    } else {
        params.push(Param::new(ParamName::Other("X-PIMGATE".into()), vec![token]));
    }
    params
}
