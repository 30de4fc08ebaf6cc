//! The card structure of a vCard stream (RFC 6350 §3.3, RFC 2426 §2.1.1):
//! `BEGIN:VCARD` … `END:VCARD`, many per file, nested 2.1 cards, junk
//! between cards, a missing END. Every byte of a card is kept in the raw
//! pieces of its record, so an unchanged card renders back as it was read.

use std::ops::Range;

use bytes::Bytes;

use crate::adapters::contentline::{ContentLine, Lexer, LineError};
use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::{Component, ComponentName, Diagnostic, Prop, PropName, Record, SourceFormat, Value};

use super::normalize::{self, Dialect};

/// One thing inside a card, in order.
enum Item<'a> {
    Line(ContentLine<'a>),
    /// A nested `BEGIN:VCARD` … `END:VCARD` (2.1 AGENT), with the AGENT line before it.
    Nested {
        agent: Option<ContentLine<'a>>,
        line: u32,
        span: Range<usize>,
        closed: bool,
    },
}

/// A card being read.
struct OpenCard<'a> {
    begin: Range<usize>,
    line: u32,
    items: Vec<Item<'a>>,
    diagnostics: Vec<Diagnostic>,
}

/// Splits the whole input into records.
pub(super) fn parse_bytes(bytes: &Bytes, mut diagnostics_before: Vec<Diagnostic>) -> Result<Vec<Record>, FormatError> {
    let mut lexer = Lexer::new(bytes);
    let mut records: Vec<Record> = Vec::new();
    let mut open: Option<OpenCard<'_>> = None;
    // Start of content lines read outside any card; they ride in the next BEGIN's raw bytes.
    let mut carry: Option<usize> = None;
    while let Some(item) = lexer.next() {
        let line = match item {
            Ok(line) => line,
            Err(error) => {
                let diagnostic = line_error(&error);
                match open.as_mut() {
                    Some(card) => card.diagnostics.push(diagnostic),
                    None => diagnostics_before.push(diagnostic),
                }
                continue;
            }
        };
        let Some(card) = open.as_mut() else {
            if is_delimiter(&line, "BEGIN") {
                let start = carry.take().unwrap_or(line.span.start);
                let diagnostics = std::mem::take(&mut diagnostics_before);
                open = Some(OpenCard {
                    begin: start..line.span.end,
                    line: line.line,
                    items: Vec::new(),
                    diagnostics,
                });
            } else {
                carry.get_or_insert(line.span.start);
                diagnostics_before.push(stray(&line, bytes));
            }
            continue;
        };
        if line.name.eq_ignore_ascii_case("END") {
            if !is_delimiter(&line, "END") {
                let found = String::from_utf8_lossy(&line.value).trim().to_ascii_uppercase();
                let kind = FormatErrorKind::MismatchedEnd {
                    expected: "VCARD".into(),
                    found,
                };
                return Err(FormatError::new(line.line, 1, kind).in_record(records.len() + 1));
            }
            let card = open.take().expect("a card is open");
            records.push(finish(card, Some(line.span.clone()), bytes));
            continue;
        }
        if line.name.eq_ignore_ascii_case("BEGIN") {
            if !is_delimiter(&line, "BEGIN") {
                let what = String::from_utf8_lossy(&line.value).trim().to_owned();
                let kind = FormatErrorKind::Syntax(format!("BEGIN:{what} inside a VCARD"));
                return Err(FormatError::new(line.line, 1, kind).in_record(records.len() + 1));
            }
            let nested = read_nested(&mut lexer, &line, card);
            card.items.push(nested);
            continue;
        }
        card.items.push(Item::Line(line));
    }
    if let Some(mut card) = open.take() {
        card.diagnostics.push(Diagnostic {
            line: card.line,
            message: "BEGIN:VCARD has no END:VCARD; the card ends at the end of the input".into(),
            text: None,
        });
        records.push(finish(card, None, bytes));
    }
    let Some(last) = records.last_mut() else {
        if let Some(record) = headless_card(bytes) {
            return Ok(vec![record]);
        }
        let line = diagnostics_before.first().map_or(1, |d| d.line);
        return Err(FormatError::new(
            line,
            0,
            FormatErrorKind::MissingBegin { expected: "VCARD" },
        ));
    };
    last.diagnostics.append(&mut diagnostics_before);
    Ok(records)
}

/// A card body without BEGIN/END (Evolution's test files): read when its
/// lines hold VERSION, FN or N; anything else is not a vCard.
fn headless_card(bytes: &Bytes) -> Option<Record> {
    let mut card = OpenCard {
        begin: 0..0,
        line: 1,
        items: Vec::new(),
        diagnostics: Vec::new(),
    };
    card.diagnostics.push(Diagnostic {
        line: 1,
        message: "no BEGIN:VCARD; the lines are read as one card".into(),
        text: None,
    });
    let mut end = None;
    for item in Lexer::new(bytes) {
        match item {
            Err(error) => card.diagnostics.push(line_error(&error)),
            Ok(line) if is_delimiter(&line, "END") => {
                end = Some(line.span.clone());
                break;
            }
            Ok(line) => card.items.push(Item::Line(line)),
        }
    }
    let is_card = card.items.iter().any(
        |item| matches!(item, Item::Line(l) if ["VERSION", "FN", "N"].iter().any(|n| l.name.eq_ignore_ascii_case(n))),
    );
    is_card.then(|| finish(card, end, bytes))
}

fn is_delimiter(line: &ContentLine<'_>, name: &str) -> bool {
    line.name.eq_ignore_ascii_case(name) && line.value.trim_ascii().eq_ignore_ascii_case(b"VCARD")
}

fn line_error(error: &LineError) -> Diagnostic {
    Diagnostic {
        line: error.line,
        message: format!("skipped a line: {}", error.kind),
        text: Some(error.text.clone()),
    }
}

fn stray(line: &ContentLine<'_>, bytes: &Bytes) -> Diagnostic {
    let text = String::from_utf8_lossy(&bytes[line.span.clone()]).trim().to_owned();
    Diagnostic {
        line: line.line,
        message: format!("{} outside BEGIN:VCARD/END:VCARD; skipped", line.name),
        text: Some(text),
    }
}

/// Reads a nested card up to its matching END; merges it with an empty AGENT line before it.
fn read_nested<'a>(lexer: &mut Lexer<'a>, begin: &ContentLine<'a>, card: &mut OpenCard<'a>) -> Item<'a> {
    let mut depth = 1usize;
    let mut end = begin.span.end;
    let mut closed = false;
    for item in lexer.by_ref() {
        let Ok(line) = item else { continue };
        end = line.span.end;
        if line.name.eq_ignore_ascii_case("BEGIN") {
            depth += 1;
        } else if line.name.eq_ignore_ascii_case("END") {
            depth -= 1;
            if depth == 0 {
                closed = true;
                break;
            }
        }
    }
    let agent = match card.items.last() {
        Some(Item::Line(prev)) if prev.name.eq_ignore_ascii_case("AGENT") && prev.value.trim_ascii().is_empty() => {
            match card.items.pop() {
                Some(Item::Line(prev)) => Some(prev),
                _ => None,
            }
        }
        _ => None,
    };
    let start = agent.as_ref().map_or(begin.span.start, |a| a.span.start);
    Item::Nested {
        agent,
        line: begin.line,
        span: start..end,
        closed,
    }
}

/// Turns a closed (or unterminated) card into a record.
fn finish(card: OpenCard<'_>, end: Option<Range<usize>>, bytes: &Bytes) -> Record {
    let mut diagnostics = card.diagnostics;
    let (dialect, source) = detect_version(&card.items, card.line, &mut diagnostics);
    let mut root = Component::new(ComponentName::VCard);
    for item in &card.items {
        let prop = match item {
            Item::Line(line) => {
                normalize::build_prop(line, dialect, &mut diagnostics).with_raw(bytes.slice(line.span.clone()))
            }
            Item::Nested {
                agent,
                line,
                span,
                closed,
            } => nested_prop(agent.as_ref(), *line, span, *closed, bytes, &mut diagnostics),
        };
        root.props.push(prop);
    }
    if dialect != Dialect::V21 && root.prop(&PropName::Fn).is_none() {
        diagnostics.push(Diagnostic {
            line: card.line,
            message: "the card has no FN (RFC 6350 §6.2.1)".into(),
            text: None,
        });
    }
    root.set_raw_delimiters(Some(bytes.slice(card.begin)), end.map(|e| bytes.slice(e)));
    let mut record = Record::new(root, Some(source));
    record.diagnostics = diagnostics;
    record
}

/// The nested card as the AGENT value: its text, lines joined with `\n`.
fn nested_prop(
    agent: Option<&ContentLine<'_>>,
    line: u32,
    span: &Range<usize>,
    closed: bool,
    bytes: &Bytes,
    diagnostics: &mut Vec<Diagnostic>,
) -> Prop {
    let raw = bytes.slice(span.clone());
    let body_start = agent.map_or(0, |a| a.span.len());
    let text = String::from_utf8_lossy(&raw[body_start..]);
    let mut value: String = text.trim_start().replace("\r\n", "\n").replace('\r', "\n");
    if !value.ends_with('\n') {
        value.push('\n');
    }
    if agent.is_none() {
        diagnostics.push(Diagnostic {
            line,
            message: "nested vCard without an AGENT line; kept as an AGENT property".into(),
            text: None,
        });
    }
    if !closed {
        diagnostics.push(Diagnostic {
            line,
            message: "nested BEGIN:VCARD has no END:VCARD".into(),
            text: None,
        });
    }
    Prop::new(PropName::Agent, Value::Text(value))
        .with_group(agent.and_then(|a| a.group.as_deref()).map(str::to_owned))
        .with_params(normalize::agent_params(agent))
        .with_raw(raw)
}

/// The card's VERSION; without one, 2.1 when it uses 2.1 syntax, else 3.0.
fn detect_version(items: &[Item<'_>], line: u32, diagnostics: &mut Vec<Diagnostic>) -> (Dialect, SourceFormat) {
    let version = items.iter().find_map(|item| match item {
        Item::Line(l) if l.name.eq_ignore_ascii_case("VERSION") => Some(l),
        _ => None,
    });
    if let Some(version) = version {
        match version.value.trim_ascii() {
            b"2.1" => return (Dialect::V21, SourceFormat::VCard21),
            b"3.0" => return (Dialect::V30, SourceFormat::VCard30),
            b"4.0" => return (Dialect::V40, SourceFormat::VCard40),
            other => diagnostics.push(Diagnostic {
                line: version.line,
                message: "unknown VERSION; read as 3.0".into(),
                text: Some(String::from_utf8_lossy(other).into_owned()),
            }),
        }
        return (Dialect::V30, SourceFormat::VCard30);
    }
    let uses_21 = items.iter().any(|item| match item {
        Item::Line(l) => l.params.iter().any(|p| p.name.is_none()) || l.is_quoted_printable(),
        Item::Nested { .. } => true,
    });
    let (dialect, source, label) = if uses_21 {
        (Dialect::V21, SourceFormat::VCard21, "2.1")
    } else {
        (Dialect::V30, SourceFormat::VCard30, "3.0")
    };
    diagnostics.push(Diagnostic {
        line,
        message: format!("the card has no VERSION; read as vCard {label}"),
        text: None,
    });
    (dialect, source)
}
