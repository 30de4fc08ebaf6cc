//! iCalendar (RFC 5545, RFC 7986, RFC 7953 VAVAILABILITY, RFC 9073/9074) to
//! and from the universal model.
//!
//! Owns: reading VCALENDARs into component trees with typed values
//! (`parse`, `prop`, `values`), splitting them into application objects
//! (`split`), client-quirk checks (`quirks`), and writing objects back
//! (`render`). Content lines, escaping and folding come from
//! [`crate::adapters::contentline`].
//!
//! Must not know: the engine, the store, HTTP.
//!
//! # Decisions
//! - A file may hold several VCALENDARs; each is split on its own, and the
//!   objects come out in file order.
//! - One object per UID (master + RECURRENCE-ID overrides + the VTIMEZONEs
//!   they reference). Components without UID and unreferenced VTIMEZONEs
//!   are objects of their own; see [`split`](self) for the rules.
//! - A file of bare components (no `BEGIN:VCALENDAR`, as some tools store
//!   them) is read inside an implicit VCALENDAR whose BEGIN/END are zero
//!   bytes, with a diagnostic; a file whose first component is not a
//!   calendar component is an error naming its line.
//! - Unchanged records render byte for byte: every piece keeps its raw bytes.
//!   A missing `END` has zero raw bytes, so it stays missing in a raw render
//!   and is written in a canonical one.
//! - Lenient repairs (trimmed TZIDs, malformed values kept raw, lines that
//!   are not content lines, missing END, missing VERSION/PRODID, client
//!   quirks) are [`Record::diagnostics`], never silent.

mod parse;
mod prop;
mod quirks;
mod render;
mod split;
mod values;

use bytes::Bytes;

use crate::adapters::FormatError;
use crate::adapters::contentline::whole_input_to_utf8;
use crate::universal::Record;

pub use render::{join, render};

/// Parses a .ics and splits it into application objects (one per UID).
///
/// Errors name the line (and calendar): no VCALENDAR (or bare calendar
/// component) at all, or an `END` that closes nothing open.
pub fn parse(input: &[u8]) -> Result<Vec<Record>, FormatError> {
    // UTF-16 files are transcoded first; UTF-8 input is used as it is (one copy).
    let bytes = match whole_input_to_utf8(input) {
        std::borrow::Cow::Borrowed(bytes) => Bytes::copy_from_slice(bytes),
        std::borrow::Cow::Owned(bytes) => Bytes::from(bytes),
    };
    let calendars = parse::read_calendars(bytes)?;
    let mut records = Vec::new();
    for mut calendar in calendars {
        quirks::check(&mut calendar);
        records.extend(split::split(calendar));
    }
    Ok(records)
}
