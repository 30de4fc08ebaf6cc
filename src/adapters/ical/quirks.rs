//! Checks for what real clients write that RFC 5545 does not allow
//! (CLIENT-QUIRKS.md). Each finding is a diagnostic; the data is kept as
//! written, because the server decides later what to do with it.

use super::parse::{Calendar, Placed};
use crate::universal::{Component, DateTimeValue, Diagnostic, PropName, Value};

/// Adds a diagnostic for each quirk found in `calendar`.
pub(super) fn check(calendar: &mut Calendar) {
    if !calendar.implicit {
        for (name, section) in [(PropName::Version, "§3.7.4"), (PropName::Prodid, "§3.7.3")] {
            if calendar.root.prop(&name).is_none() {
                let message = format!("VCALENDAR has no {name} (RFC 5545 {section} requires one)");
                calendar.diagnostics.push(Placed {
                    child: None,
                    diagnostic: Diagnostic {
                        line: calendar.line,
                        message,
                        text: None,
                    },
                });
            }
        }
    }
    for (index, child) in calendar.root.children.iter().enumerate() {
        let line = calendar.child_lines.get(index).copied().unwrap_or(calendar.line);
        for message in component_quirks(child) {
            calendar.diagnostics.push(Placed {
                child: Some(index),
                diagnostic: Diagnostic {
                    line,
                    message,
                    text: None,
                },
            });
        }
    }
}

/// The quirks of one top-level component.
fn component_quirks(component: &Component) -> Vec<String> {
    let mut found = Vec::new();
    // Thunderbird writes DURATION:PT0S beside DTEND on rescheduled occurrences.
    if component.prop(&PropName::DtEnd).is_some() && component.prop(&PropName::Duration).is_some() {
        found.push(format!(
            "{} has both DTEND and DURATION (RFC 5545 §3.6.1 allows one; Thunderbird); kept as written",
            component.name()
        ));
    }
    // Evolution writes EXDATE;VALUE=DATE beside a DATE-TIME DTSTART (and the reverse).
    let start_is_date = component.prop(&PropName::DtStart).and_then(|p| is_date(p.value()));
    for name in [PropName::ExDate, PropName::RDate] {
        for prop in component.props_named(&name) {
            if let (Some(start), Some(this)) = (start_is_date, is_date(prop.value()))
                && start != this
            {
                let (this, start) = (kind(this), kind(start));
                found.push(format!(
                    "{name} is {this} while DTSTART is {start} (RFC 5545 §3.8.5.1; Evolution); kept as written"
                ));
            }
        }
    }
    found
}

fn is_date(value: &Value) -> Option<bool> {
    match value {
        Value::DateTimes(values) => values.first().map(|v| matches!(v, DateTimeValue::Date(_))),
        _ => None,
    }
}

fn kind(is_date: bool) -> &'static str {
    if is_date { "DATE" } else { "DATE-TIME" }
}
