//! Content lines to VCALENDAR trees (RFC 5545 §3.4, §3.6): nesting by
//! `BEGIN`/`END`, one tree per VCALENDAR in the file, raw bytes on every
//! piece, and each lenient repair reported where it happened.
//!
//! Every property gets a provisional field id equal to its position in the
//! file, so the splitter can number each object's fields in document order
//! and the renderer can put properties written after a sub-component back
//! after it.

use bytes::Bytes;

use super::prop::build_prop;
use crate::adapters::contentline::{ContentLine, Lexer, LineError};
use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::Component;
use crate::universal::{ComponentName, Diagnostic, FieldId};

/// A diagnostic and the top-level child (index into the calendar's
/// children) it belongs to; `None` for the calendar itself.
#[derive(Debug)]
pub(super) struct Placed {
    pub child: Option<usize>,
    pub diagnostic: Diagnostic,
}

/// One VCALENDAR read from the input.
#[derive(Debug)]
pub(super) struct Calendar {
    pub root: Component,
    pub diagnostics: Vec<Placed>,
    /// The line of `BEGIN:VCALENDAR` (of the first bare component when implicit).
    pub line: u32,
    /// Whether the file had no VCALENDAR around its components.
    pub implicit: bool,
    /// The `BEGIN` line of each top-level child.
    pub child_lines: Vec<u32>,
}

/// Components a file may hold without a VCALENDAR around them (some tools
/// store bare components, one per file).
const BARE_COMPONENTS: [ComponentName; 13] = [
    ComponentName::VEvent,
    ComponentName::VTodo,
    ComponentName::VJournal,
    ComponentName::VFreeBusy,
    ComponentName::VTimezone,
    ComponentName::VAvailability,
    // Sub-components too: an object split from a bare file may hold only one.
    ComponentName::VAlarm,
    ComponentName::Standard,
    ComponentName::Daylight,
    ComponentName::Available,
    ComponentName::Participant,
    ComponentName::VLocation,
    ComponentName::VResource,
];

/// Whether a component may stand in a file without a VCALENDAR around it.
pub(super) fn is_bare_component(name: &ComponentName) -> bool {
    BARE_COMPONENTS.contains(name)
}

struct Open {
    component: Component,
    begin: Option<Bytes>,
    line: u32,
    /// The VCALENDAR around bare components: it has no lines of its own.
    implicit: bool,
}

/// Builds calendars from the lexed input.
struct Builder {
    input: Bytes,
    stack: Vec<Open>,
    calendars: Vec<Calendar>,
    child_lines: Vec<u32>,
    /// Diagnostics of the calendar being built (or of lines before the first one).
    diagnostics: Vec<Placed>,
    /// Start of stray bytes (lines outside any component) that travel with the next piece.
    stray_start: Option<usize>,
    /// Start of the raw bytes of the line being handled.
    piece_start: usize,
    next_id: u32,
    first_line: Option<u32>,
}

/// Reads every VCALENDAR in `input`.
pub(super) fn read_calendars(input: Bytes) -> Result<Vec<Calendar>, FormatError> {
    let mut builder = Builder {
        input: input.clone(),
        stack: Vec::new(),
        calendars: Vec::new(),
        child_lines: Vec::new(),
        diagnostics: Vec::new(),
        stray_start: None,
        piece_start: 0,
        next_id: 1,
        first_line: None,
    };
    for item in Lexer::new(&input) {
        match item {
            Ok(line) => {
                builder.first_line.get_or_insert(line.line);
                builder.line(&line)?;
            }
            Err(error) => builder.invalid_line(error),
        }
    }
    builder.finish()
}

impl Builder {
    fn line(&mut self, line: &ContentLine<'_>) -> Result<(), FormatError> {
        let start = self.stray_start.take().unwrap_or(line.span.start);
        self.piece_start = start;
        let raw = self.input.slice(start..line.span.end);
        if line.group.is_none() && line.name.eq_ignore_ascii_case("BEGIN") {
            self.begin(line, raw)
        } else if line.group.is_none() && line.name.eq_ignore_ascii_case("END") {
            self.end(line, raw);
            Ok(())
        } else {
            self.property(line, raw);
            Ok(())
        }
    }

    fn warn(&mut self, line: u32, message: String, text: Option<String>) {
        let child = (self.stack.len() >= 2).then(|| self.stack[0].component.children.len());
        self.diagnostics.push(Placed {
            child,
            diagnostic: Diagnostic { line, message, text },
        });
    }

    fn invalid_line(&mut self, error: LineError) {
        let message = format!("not a content line: {} (kept in the raw bytes only)", error.kind);
        self.warn(error.line, message, Some(error.text));
    }

    /// A line outside any component: reported, and its bytes travel with the next piece.
    fn stray(&mut self, line: &ContentLine<'_>, raw: &Bytes, what: &str) {
        let text = String::from_utf8_lossy(raw.strip_suffix(b"\n").unwrap_or(raw))
            .trim_end()
            .to_owned();
        let message = if self.stack.is_empty() {
            format!("{what} outside any component")
        } else {
            what.to_owned()
        };
        self.warn(line.line, format!("{message}; kept in the raw bytes only"), Some(text));
        self.stray_start = Some(self.piece_start);
    }

    fn component_name(line: &ContentLine<'_>) -> ComponentName {
        // Control characters around the name are junk, not part of it.
        ComponentName::parse(
            String::from_utf8_lossy(&line.value).trim_matches(|c: char| c.is_whitespace() || c.is_control()),
        )
    }

    fn begin(&mut self, line: &ContentLine<'_>, raw: Bytes) -> Result<(), FormatError> {
        let name = Self::component_name(line);
        if !line.params.is_empty() {
            self.warn(
                line.line,
                "parameters on a BEGIN line are ignored".into(),
                Some(String::from_utf8_lossy(&raw).trim_end().into()),
            );
        }
        // A real calendar after bare components ends the implicit one.
        if name == ComponentName::VCalendar && matches!(self.stack.as_slice(), [open] if open.implicit) {
            self.close(Some(Bytes::new()));
        }
        if self.stack.is_empty() && name != ComponentName::VCalendar {
            if !is_bare_component(&name) {
                let expected = "VCALENDAR";
                return Err(
                    FormatError::new(line.line, 1, FormatErrorKind::MissingBegin { expected })
                        .in_record(self.calendars.len() + 1),
                );
            }
            // A bare component: read it inside an implicit VCALENDAR whose
            // BEGIN/END are zero bytes, so the file still renders back as it was.
            self.warn(
                line.line,
                format!("BEGIN:{name} without BEGIN:VCALENDAR; read inside an implicit calendar"),
                None,
            );
            let root = Component::new(ComponentName::VCalendar);
            self.stack.push(Open {
                component: root,
                begin: Some(Bytes::new()),
                line: line.line,
                implicit: true,
            });
        }
        self.stack.push(Open {
            component: Component::new(name),
            begin: Some(raw),
            line: line.line,
            implicit: false,
        });
        Ok(())
    }

    fn end(&mut self, line: &ContentLine<'_>, raw: Bytes) {
        let name = Self::component_name(line);
        let Some(depth) = self.stack.iter().rposition(|open| open.component.name() == &name) else {
            // Closes nothing open (a typo such as END:VCALENDARD, or junk):
            // reported, its bytes kept with the next piece; strict mode refuses it.
            let what = match self.stack.last() {
                Some(open) => format!("END:{name} where END:{} was due", open.component.name()),
                None => format!("END:{name}"),
            };
            self.stray(line, &raw, &what);
            return;
        };
        // Inner components left open: their END is missing (zero raw bytes).
        while self.stack.len() > depth + 1 {
            self.close_unterminated();
        }
        self.close(Some(raw));
    }

    fn close_unterminated(&mut self) {
        if let Some(open) = self.stack.last().filter(|open| !open.implicit) {
            let (name, line) = (open.component.name().to_string(), open.line);
            self.warn(
                line,
                format!("BEGIN:{name} has no END:{name}; closed where its parent ends"),
                None,
            );
        }
        self.close(Some(Bytes::new()));
    }

    fn close(&mut self, end: Option<Bytes>) {
        let Some(Open {
            mut component,
            begin,
            line,
            implicit,
        }) = self.stack.pop()
        else {
            return;
        };
        component.set_raw_delimiters(begin, end);
        if self.stack.len() == 1 {
            self.child_lines.push(line);
        }
        match self.stack.last_mut() {
            Some(parent) => parent.component.children.push(component),
            None => {
                let diagnostics = std::mem::take(&mut self.diagnostics);
                let child_lines = std::mem::take(&mut self.child_lines);
                self.calendars.push(Calendar {
                    root: component,
                    diagnostics,
                    line,
                    implicit,
                    child_lines,
                });
            }
        }
    }

    fn property(&mut self, line: &ContentLine<'_>, raw: Bytes) {
        if self.stack.is_empty() {
            self.stray(line, &raw, "property");
            return;
        }
        let mut diagnostics = Vec::new();
        let mut prop = build_prop(line, raw, &mut diagnostics);
        for diagnostic in diagnostics {
            self.warn(diagnostic.line, diagnostic.message, diagnostic.text);
        }
        prop.set_id(FieldId(self.next_id));
        self.next_id += 1;
        if let Some(open) = self.stack.last_mut() {
            open.component.props.push(prop);
        }
    }

    fn finish(mut self) -> Result<Vec<Calendar>, FormatError> {
        while !self.stack.is_empty() {
            self.close_unterminated();
        }
        if self.calendars.is_empty() {
            let line = self.first_line.unwrap_or(1);
            return Err(FormatError::new(
                line,
                0,
                FormatErrorKind::MissingBegin { expected: "VCALENDAR" },
            ));
        }
        // Lines after the last calendar: their diagnostics go to it.
        let leftover = std::mem::take(&mut self.diagnostics);
        if let Some(last) = self.calendars.last_mut() {
            last.diagnostics
                .extend(leftover.into_iter().map(|placed| Placed { child: None, ..placed }));
        }
        Ok(self.calendars)
    }
}
