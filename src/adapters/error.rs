//! The adapters' error: what could not be understood, and where.

use std::fmt;

use super::contentline::LineErrorKind;

/// Input an adapter cannot turn into records. Names the record (1-based,
/// when known), the line and column (1-based; 0 when not applicable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FormatError {
    pub record: Option<usize>,
    pub line: u32,
    pub column: u32,
    pub kind: FormatErrorKind,
}

/// Why the input could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatErrorKind {
    /// A line that is not a content line, with its text.
    InvalidLine { reason: LineErrorKind, text: String },
    /// The input holds no `BEGIN:<expected>`.
    MissingBegin { expected: &'static str },
    /// `BEGIN:<component>` without its `END`.
    Unterminated { component: String },
    /// `END:<found>` where `END:<expected>` was due.
    MismatchedEnd { expected: String, found: String },
    /// A component is missing something it cannot do without.
    Missing { what: String },
    /// A CSV file without a header row.
    NoHeader { hint: String },
    /// A CSV, JSON or other structural error, with the parser's message.
    Syntax(String),
    /// The bytes could not be decoded as text.
    Encoding(String),
    /// A diagnostic that strict parsing turns into an error.
    Strict(String),
    /// The records cannot be written in the requested format (a contact to iCalendar, ...).
    Unrenderable(String),
}

impl FormatError {
    pub fn new(line: u32, column: u32, kind: FormatErrorKind) -> Self {
        FormatError {
            record: None,
            line,
            column,
            kind,
        }
    }

    /// The same error, attributed to the `index`-th record (1-based).
    pub fn in_record(mut self, index: usize) -> Self {
        self.record = Some(index);
        self
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(record) = self.record {
            write!(f, "record {record}, ")?;
        }
        if self.line > 0 {
            write!(f, "line {}", self.line)?;
            if self.column > 0 {
                write!(f, ", column {}", self.column)?;
            }
            f.write_str(": ")?;
        }
        match &self.kind {
            FormatErrorKind::InvalidLine { reason, text } => write!(f, "{reason}: {text:?}"),
            FormatErrorKind::MissingBegin { expected } => write!(f, "no BEGIN:{expected} found"),
            FormatErrorKind::Unterminated { component } => {
                write!(f, "BEGIN:{component} has no matching END:{component}")
            }
            FormatErrorKind::MismatchedEnd { expected, found } => {
                write!(f, "END:{found} found where END:{expected} was expected")
            }
            FormatErrorKind::Missing { what } => write!(f, "missing {what}"),
            FormatErrorKind::NoHeader { hint } => write!(f, "no header row: {hint}"),
            FormatErrorKind::Syntax(message) => f.write_str(message),
            FormatErrorKind::Encoding(message) => write!(f, "cannot decode text: {message}"),
            FormatErrorKind::Strict(message) => write!(f, "{message} (strict mode)"),
            FormatErrorKind::Unrenderable(message) => f.write_str(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_record_line_and_column() {
        let error = FormatError::new(
            12,
            4,
            FormatErrorKind::MismatchedEnd {
                expected: "VEVENT".into(),
                found: "VTODO".into(),
            },
        )
        .in_record(3);
        assert_eq!(
            error.to_string(),
            "record 3, line 12, column 4: END:VTODO found where END:VEVENT was expected"
        );
    }
}
