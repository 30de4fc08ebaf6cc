//! [`XmlError`]: why a request body was refused, and where.
//!
//! Every variant means 400 Bad Request (RFC 4918 §8.7 for malformed bodies);
//! the server maps it once at its error boundary.

use thiserror::Error;

/// A request body that could not be read as the expected DAV request.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind} (line {line}, column {column})")]
pub struct XmlError {
    /// 1-based line of the offending markup (1 when the body is empty).
    pub line: usize,
    /// 1-based column, counted in bytes.
    pub column: usize,
    pub kind: XmlErrorKind,
}

/// What was wrong with the body.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum XmlErrorKind {
    /// Not well-formed XML, as quick-xml reports it.
    #[error("malformed XML: {0}")]
    Malformed(String),
    /// The body is not UTF-8 (RFC 4918 §8.2 lets us insist on it).
    #[error("the body is not UTF-8")]
    NotUtf8,
    /// A `<!DOCTYPE>` declares entities; they are never expanded (billion laughs).
    #[error("DOCTYPE with entity declarations is not accepted")]
    EntityDeclaration,
    /// A reference to an entity other than the five predefined ones.
    #[error("unknown entity &{0};")]
    UnknownEntity(String),
    /// A prefix with no `xmlns:` declaration in scope.
    #[error("undeclared namespace prefix {0:?}")]
    UnboundPrefix(String),
    /// Nesting deeper than [`XmlLimits::max_depth`](super::XmlLimits).
    #[error("elements nested deeper than {0}")]
    TooDeep(usize),
    /// More elements than [`XmlLimits::max_elements`](super::XmlLimits).
    #[error("more than {0} elements")]
    TooManyElements(usize),
    /// A body that is required is empty.
    #[error("empty body")]
    Empty,
    /// The document element is not the one this method takes.
    #[error("expected <{expected}> as the document element, found <{found}>")]
    UnexpectedRoot { expected: &'static str, found: String },
    /// A REPORT this server does not know (RFC 3253 §3.6: 403 supported-report).
    #[error("unsupported report <{0}>")]
    UnsupportedReport(String),
    /// A required child element is missing.
    #[error("<{parent}> lacks <{child}>")]
    MissingElement { parent: String, child: &'static str },
    /// An attribute or element value outside its grammar.
    #[error("invalid {what}: {value:?}")]
    InvalidValue { what: &'static str, value: String },
    /// An element where the grammar does not let it stand: a `comp` nested
    /// where RFC 4791 §9.6.1 has no such component, `allprop` beside `prop`.
    #[error("<{element}> is not allowed in <{parent}>")]
    NotAllowed { element: String, parent: String },
    /// Text where only elements may appear, or a second document element.
    #[error("unexpected content: {0}")]
    UnexpectedContent(String),
}

impl XmlError {
    /// The HTTP status for this error: 400 Bad Request (RFC 4918 §8.7), but
    /// 403 for a report we do not offer (RFC 3253 §3.6), which goes with
    /// the `DAV:supported-report` precondition.
    pub fn status_code(&self) -> u16 {
        match self.kind {
            XmlErrorKind::UnsupportedReport(_) => 403,
            _ => 400,
        }
    }
}

impl XmlErrorKind {
    /// This error at a byte offset of `input`.
    pub fn at(self, input: &[u8], offset: usize) -> XmlError {
        let offset = offset.min(input.len());
        let before = &input[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        XmlError {
            line,
            column: offset - line_start + 1,
            kind: self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let input = b"<a>\n  <b>\n</a>";
        let err = XmlErrorKind::Empty.at(input, 6);
        assert_eq!((err.line, err.column), (2, 3));
        assert_eq!(XmlErrorKind::Empty.at(input, 999).line, 3);
    }

    #[test]
    fn rfc3253_3_6_unknown_reports_are_forbidden_the_rest_bad_requests() {
        assert_eq!(
            XmlErrorKind::UnsupportedReport("{DAV:}x".into())
                .at(b"", 0)
                .status_code(),
            403
        );
        assert_eq!(XmlErrorKind::TooDeep(3).at(b"", 0).status_code(), 400);
    }
}
