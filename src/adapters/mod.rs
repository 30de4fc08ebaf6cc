//! Adapters: one module per application format, each turning bytes into
//! universal [`Record`]s and back.
//!
//! Entry points: [`sniff`] guesses a [`Format`], [`parse`] reads one,
//! [`render`] writes a [`Target`].
//!
//! Every adapter has the same shape: `parse(bytes) -> Result<Vec<Record>, FormatError>`
//! (lenient: oddities become [`Record::diagnostics`]; what cannot be
//! understood is a [`FormatError`] naming the record and line) and a render
//! function to one [`Target`]. vCard and iCalendar share the
//! [`contentline`] layer.
//!
//! Must not know: the engine, the store, HTTP.

pub mod contentline;
pub mod csv;
mod dispatch;
mod error;
pub mod ical;
pub mod json;
mod sniff;
pub mod vcard;

pub use dispatch::{Format, Target, UnknownFormat, parse, render};
pub use error::{FormatError, FormatErrorKind};
pub use sniff::sniff;

use crate::universal::Record;

/// Turns lenient results into strict ones: the first diagnostic of any record
/// becomes an error.
pub fn strict(records: Vec<Record>) -> Result<Vec<Record>, FormatError> {
    for (index, record) in records.iter().enumerate() {
        if let Some(diagnostic) = record.diagnostics.first() {
            return Err(
                FormatError::new(diagnostic.line, 0, FormatErrorKind::Strict(diagnostic.message.clone()))
                    .in_record(index + 1),
            );
        }
    }
    Ok(records)
}
