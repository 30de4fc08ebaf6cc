//! iCalendar (RFC 5545) to and from the universal model.
// PLACEHOLDER: replaced by the iCalendar adapter.

use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::Record;

/// Parses a .ics and splits it into application objects (one per UID).
pub fn parse(_input: &[u8]) -> Result<Vec<Record>, FormatError> {
    Err(FormatError::new(
        0,
        0,
        FormatErrorKind::Syntax("iCalendar adapter not built yet".into()),
    ))
}

/// Renders one application object as a VCALENDAR.
pub fn render(_record: &Record) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new(
        0,
        0,
        FormatErrorKind::Unrenderable("iCalendar adapter not built yet".into()),
    ))
}

/// Joins many application objects into one VCALENDAR (export).
pub fn join(_records: &[Record]) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new(
        0,
        0,
        FormatErrorKind::Unrenderable("iCalendar adapter not built yet".into()),
    ))
}
