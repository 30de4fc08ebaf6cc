//! CSV contact exports (Google, Outlook, Apple, Thunderbird) to and from the universal model.
// PLACEHOLDER: replaced by the CSV adapter.

use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::Record;

/// A CSV dialect pimgate can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvDialect {
    Google,
    Outlook,
}

pub fn parse(_input: &[u8]) -> Result<Vec<Record>, FormatError> {
    Err(FormatError::new(
        0,
        0,
        FormatErrorKind::Syntax("CSV adapter not built yet".into()),
    ))
}

pub fn render(_records: &[Record], _dialect: CsvDialect) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new(
        0,
        0,
        FormatErrorKind::Unrenderable("CSV adapter not built yet".into()),
    ))
}
