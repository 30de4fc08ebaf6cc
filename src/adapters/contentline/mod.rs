//! The content-line layer shared by vCard and iCalendar (RFC 5545 §3.1,
//! RFC 6350 §3.2): lexing with line numbers and lossless spans, value
//! encodings, and the one writer. `vcard` and `ical` only map content lines
//! to the universal model.

mod escape;
mod lexer;
mod values;
mod writer;

pub use escape::*;
pub use lexer::{ContentLine, Lexer, LineError, LineErrorKind, RawParam};
pub use values::*;
pub use writer::Writer;
