//! vCard 2.1, 3.0 and 4.0 (RFC 6350, RFC 2426) to and from the universal model.
// PLACEHOLDER: replaced by the vCard adapter.

use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::Record;

/// The vCard version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VCardVersion {
    V3,
    V4,
}

pub fn parse(_input: &[u8]) -> Result<Vec<Record>, FormatError> {
    Err(FormatError::new(
        0,
        0,
        FormatErrorKind::Syntax("vCard adapter not built yet".into()),
    ))
}

pub fn render(_record: &Record, _version: VCardVersion) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new(
        0,
        0,
        FormatErrorKind::Unrenderable("vCard adapter not built yet".into()),
    ))
}
