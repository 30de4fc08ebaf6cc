//! Splits vCard/iCalendar bytes into content lines (RFC 5545 §3.1, RFC 6350 §3.2).
//!
//! Lenient about what real files contain: CRLF, LF or lone CR line ends;
//! folded lines (continuation starts with a space or tab); vCard 2.1
//! QUOTED-PRINTABLE soft line breaks (`=` at the end of a line); base64 bodies
//! of 2.1 photos whose continuation lines are not indented; blank lines
//! anywhere; a UTF-8 byte-order mark.
//!
//! Lossless: every byte of the input belongs to exactly one yielded line's
//! [`ContentLine::span`] — junk (blank lines, lines that are not content lines)
//! is carried in the span of the next good line, so concatenating spans gives
//! back the input.

use std::borrow::Cow;
use std::ops::Range;

use memchr::memchr2;

/// One parameter as written: `NAME=v1,v2`, or a vCard 2.1 bare value (`WORK`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawParam<'a> {
    /// `None` for a 2.1 bare parameter (`TEL;WORK;VOICE:`).
    pub name: Option<Cow<'a, str>>,
    /// Values with quotes removed and RFC 6868 `^` escapes decoded.
    pub values: Vec<Cow<'a, str>>,
}

/// One logical content line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLine<'a> {
    pub group: Option<Cow<'a, str>>,
    pub name: Cow<'a, str>,
    pub params: Vec<RawParam<'a>>,
    /// The value, unfolded, still escaped and encoded as written.
    pub value: Cow<'a, [u8]>,
    /// 1-based number of the physical line the content line starts on.
    pub line: u32,
    /// The bytes of this line in the input, from the end of the previous
    /// yielded line (so including junk before it) through its line end.
    pub span: Range<usize>,
}

impl ContentLine<'_> {
    /// Whether a parameter (named `ENCODING` or bare) says QUOTED-PRINTABLE.
    pub fn is_quoted_printable(&self) -> bool {
        has_encoding(&self.params, "QUOTED-PRINTABLE")
    }

    /// Whether a parameter says the value is base64 (`ENCODING=b`/`BASE64`).
    pub fn is_base64(&self) -> bool {
        has_encoding(&self.params, "BASE64") || has_encoding(&self.params, "B")
    }
}

fn has_encoding(params: &[RawParam<'_>], encoding: &str) -> bool {
    params.iter().any(|p| {
        let named_encoding = p.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("ENCODING"));
        (named_encoding || p.name.is_none()) && p.values.iter().any(|v| v.eq_ignore_ascii_case(encoding))
    })
}

/// Why a physical line is not a content line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u32,
    pub column: u32,
    pub kind: LineErrorKind,
    /// The offending text (lossily decoded), for the diagnostic.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineErrorKind {
    /// No `:` between the name and the value.
    MissingColon,
    /// The property name is empty or holds characters names may not.
    InvalidName,
    /// A quoted parameter value has no closing quote.
    UnterminatedQuote,
}

impl std::fmt::Display for LineErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LineErrorKind::MissingColon => "no ':' separates the property name from its value",
            LineErrorKind::InvalidName => "the property name is empty or contains characters names may not contain",
            LineErrorKind::UnterminatedQuote => "a quoted parameter value is not closed",
        })
    }
}

/// Iterator over the content lines of an input.
pub struct Lexer<'a> {
    input: &'a [u8],
    /// Start of the next physical line.
    pos: usize,
    /// 1-based number of the physical line at `pos`.
    line: u32,
    /// Start of the bytes not yet attributed to a yielded line.
    pending: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Lexer {
            input,
            pos: 0,
            line: 1,
            pending: 0,
        }
    }

    /// Bytes after the last yielded line (trailing junk), as a range.
    pub fn trailing(&self) -> Range<usize> {
        self.pending..self.input.len()
    }

    /// The physical line at `at`: (content end, next line start).
    fn physical(&self, at: usize) -> (usize, usize) {
        match memchr2(b'\r', b'\n', &self.input[at..]) {
            None => (self.input.len(), self.input.len()),
            Some(offset) => {
                let end = at + offset;
                let next = if self.input[end] == b'\r' && self.input.get(end + 1) == Some(&b'\n') {
                    end + 2
                } else {
                    end + 1
                };
                (end, next)
            }
        }
    }

    fn is_continuation(&self, at: usize) -> bool {
        matches!(self.input.get(at), Some(b' ' | b'\t'))
    }

    /// Whether the line at `at` looks like an unindented base64 continuation.
    fn is_bare_base64(&self, at: usize, end: usize) -> bool {
        end > at
            && self.input[at..end]
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Result<ContentLine<'a>, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        // Skip blank lines and a byte-order mark; they stay pending junk.
        loop {
            if self.pos >= self.input.len() {
                return None;
            }
            if self.pos == 0 && self.input.starts_with(b"\xEF\xBB\xBF") {
                self.pos = 3;
            }
            let (end, next) = self.physical(self.pos);
            if self.input[self.pos..end].iter().all(|b| *b == b' ' || *b == b'\t') {
                self.pos = next;
                self.line += 1;
                continue;
            }
            break;
        }
        let start = self.pos;
        let start_line = self.line;
        let (first_end, mut next) = self.physical(start);
        self.line += 1;

        // Unfold. Most lines are not folded: borrow them; copy only folded ones.
        let mut logical = Cow::Borrowed(&self.input[start..first_end]);
        while next < self.input.len() && self.is_continuation(next) {
            let (end, after) = self.physical(next);
            logical.to_mut().extend_from_slice(&self.input[next + 1..end]);
            next = after;
            self.line += 1;
        }
        self.pos = next;

        let parsed = match &logical {
            Cow::Borrowed(bytes) => split_line(bytes, start_line),
            Cow::Owned(bytes) => split_line(bytes, start_line).map(ContentLine::into_static),
        };
        let mut line = match parsed {
            Ok(line) => line,
            Err((kind, column)) => {
                return Some(Err(LineError {
                    line: start_line,
                    column,
                    kind,
                    text: String::from_utf8_lossy(&logical).into_owned(),
                }));
            }
        };

        // vCard 2.1 QUOTED-PRINTABLE: a value ending in '=' continues on the next line.
        if line.is_quoted_printable() {
            while line.value.ends_with(b"=") && self.pos < self.input.len() {
                let (end, after) = self.physical(self.pos);
                let value = line.value.to_mut();
                value.extend_from_slice(b"\r\n");
                value.extend_from_slice(&self.input[self.pos..end]);
                self.pos = after;
                self.line += 1;
            }
        }
        // vCard 2.1 base64 bodies sometimes continue on unindented lines.
        if line.is_base64() {
            loop {
                let (end, after) = self.physical(self.pos);
                if self.pos >= self.input.len() || !self.is_bare_base64(self.pos, end) {
                    break;
                }
                // A base64 line never contains ':'; a following property always does.
                line.value.to_mut().extend_from_slice(&self.input[self.pos..end]);
                self.pos = after;
                self.line += 1;
            }
        }
        line.span = self.pending..self.pos;
        self.pending = self.pos;
        Some(Ok(line))
    }
}

impl ContentLine<'_> {
    fn into_static(self) -> ContentLine<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        ContentLine {
            group: self.group.map(own),
            name: own(self.name),
            params: self
                .params
                .into_iter()
                .map(|p| RawParam {
                    name: p.name.map(own),
                    values: p.values.into_iter().map(own).collect(),
                })
                .collect(),
            value: Cow::Owned(self.value.into_owned()),
            line: self.line,
            span: self.span,
        }
    }
}

/// Names and unquoted parameter text are ASCII in every real file; anything
/// else is decoded lossily rather than rejected.
fn ascii_str(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// A parameter value: RFC 6868 caret escapes decoded (`^n`, `^^`, `^'`).
fn param_value(bytes: &[u8]) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(bytes);
    if !text.contains('^') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '^' {
            match chars.peek() {
                Some('n' | 'N') => {
                    out.push('\n');
                    chars.next();
                    continue;
                }
                Some('^') => {
                    out.push('^');
                    chars.next();
                    continue;
                }
                Some('\'') => {
                    out.push('"');
                    chars.next();
                    continue;
                }
                _ => {}
            }
        }
        out.push(ch);
    }
    Cow::Owned(out)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Splits `group.name;p=v;p="v":value` into a content line borrowing `line`.
fn split_line(line: &[u8], number: u32) -> Result<ContentLine<'_>, (LineErrorKind, u32)> {
    let col = |i: usize| i as u32 + 1;
    let mut i = 0;
    while i < line.len() && (is_name_byte(line[i]) || line[i] == b'.') {
        i += 1;
    }
    if i == 0 {
        let kind = if line.contains(&b':') {
            LineErrorKind::InvalidName
        } else {
            LineErrorKind::MissingColon
        };
        return Err((kind, 1));
    }
    match line.get(i) {
        Some(b':' | b';') => {}
        // Some writers put spaces before the colon ("TEL :"); a stray
        // character elsewhere means this is not a content line.
        Some(b' ')
            if line[i..]
                .iter()
                .find(|b| **b != b' ')
                .is_some_and(|b| *b == b':' || *b == b';') => {}
        _ => {
            let kind = if line.contains(&b':') {
                LineErrorKind::InvalidName
            } else {
                LineErrorKind::MissingColon
            };
            return Err((kind, col(i)));
        }
    }
    let full_name = 0..i;
    let (group, name) = match line[..i].iter().rposition(|b| *b == b'.') {
        Some(dot) if dot > 0 && dot + 1 < i => (Some(0..dot), dot + 1..i),
        Some(_) => return Err((LineErrorKind::InvalidName, col(i))),
        None => (None, full_name),
    };
    while line.get(i) == Some(&b' ') {
        i += 1;
    }

    let mut params = Vec::new();
    while line.get(i) == Some(&b';') {
        i += 1;
        let name_start = i;
        while i < line.len() && !matches!(line[i], b'=' | b';' | b':') {
            i += 1;
        }
        if i >= line.len() {
            return Err((LineErrorKind::MissingColon, col(name_start)));
        }
        if line[i] != b'=' {
            // vCard 2.1 bare parameter.
            let end = trim_end(line, name_start, i);
            params.push(RawParam {
                name: None,
                values: vec![param_value(&line[name_start..end])],
            });
            continue;
        }
        let name_range = name_start..trim_end(line, name_start, i);
        i += 1;
        let mut values = Vec::new();
        loop {
            if line.get(i) == Some(&b'"') {
                let close = line[i + 1..]
                    .iter()
                    .position(|b| *b == b'"')
                    .ok_or((LineErrorKind::UnterminatedQuote, col(i)))?;
                values.push(param_value(&line[i + 1..i + 1 + close]));
                i += close + 2;
                // Skip anything between the closing quote and the next delimiter.
                while i < line.len() && !matches!(line[i], b',' | b';' | b':') {
                    i += 1;
                }
            } else {
                let value_start = i;
                while i < line.len() && !matches!(line[i], b',' | b';' | b':') {
                    i += 1;
                }
                values.push(param_value(&line[value_start..i]));
            }
            match line.get(i) {
                Some(b',') => i += 1,
                Some(b';' | b':') => break,
                _ => return Err((LineErrorKind::MissingColon, col(i))),
            }
        }
        params.push(RawParam {
            name: Some(ascii_str(&line[name_range])),
            values,
        });
    }
    if line.get(i) != Some(&b':') {
        return Err((LineErrorKind::MissingColon, col(i)));
    }
    Ok(ContentLine {
        group: group.map(|g| ascii_str(&line[g])),
        name: ascii_str(&line[name]),
        params,
        value: Cow::Borrowed(&line[i + 1..]),
        line: number,
        span: 0..0,
    })
}

fn trim_end(line: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && line[end - 1] == b' ' {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(input: &str) -> Vec<Result<ContentLine<'_>, LineError>> {
        Lexer::new(input.as_bytes()).collect()
    }

    fn ok<'a>(line: &'a Result<ContentLine<'a>, LineError>) -> &'a ContentLine<'a> {
        line.as_ref().expect("a content line")
    }

    #[test]
    fn splits_group_name_params_value() {
        let lines = lex("item1.TEL;TYPE=\"work,voice\";PREF=1:+1 555\r\n");
        let line = ok(&lines[0]);
        assert_eq!(line.group.as_deref(), Some("item1"));
        assert_eq!(line.name, "TEL");
        assert_eq!(line.params[0].name.as_deref(), Some("TYPE"));
        assert_eq!(line.params[0].values, vec!["work,voice"]);
        assert_eq!(line.params[1].values, vec!["1"]);
        assert_eq!(&*line.value, b"+1 555");
        assert_eq!(line.span, 0..43);
    }

    #[test]
    fn rfc5545_3_1_unfolds_any_line_end() {
        for input in [
            "NOTE:ab\r\n c\r\nFN:x\r\n",
            "NOTE:ab\n c\nFN:x\n",
            "NOTE:ab\r c\rFN:x\r",
            "NOTE:ab\r\n\tc\r\nFN:x",
        ] {
            let lines = lex(input);
            assert_eq!(&*ok(&lines[0]).value, b"abc", "{input:?}");
            assert_eq!(ok(&lines[1]).line, 3);
            let spans: Vec<_> = lines.iter().map(|l| ok(l).span.clone()).collect();
            assert_eq!(spans.last().unwrap().end, input.len());
        }
    }

    #[test]
    fn vcard21_bare_params_and_soft_line_breaks() {
        let lines = lex("NOTE;WORK;QUOTED-PRINTABLE:abc=\r\ndef\r\nFN:x\r\n");
        let line = ok(&lines[0]);
        assert_eq!(line.params[0].name, None);
        assert!(line.is_quoted_printable());
        assert_eq!(&*line.value, b"abc=\r\ndef");
        assert_eq!(ok(&lines[1]).name, "FN");
    }

    #[test]
    fn rfc6868_caret_escapes_in_params() {
        let lines = lex("ADR;LABEL=\"a^nb ^'c^' ^^\":;;\r\n");
        assert_eq!(ok(&lines[0]).params[0].values, vec!["a\nb \"c\" ^"]);
    }

    #[test]
    fn junk_is_kept_in_the_next_span_and_reported() {
        let input = "BEGIN:VCARD\r\n\r\nthis is not a property\r\nFN:x\r\n";
        let lines = lex(input);
        assert_eq!(lines.len(), 3);
        let err = lines[1].as_ref().unwrap_err();
        assert_eq!((err.line, err.kind), (3, LineErrorKind::MissingColon));
        assert_eq!(ok(&lines[2]).span, 13..input.len());
    }

    #[test]
    fn unindented_base64_continues_a_21_photo() {
        let lines = lex("PHOTO;ENCODING=BASE64;TYPE=JPEG:AAAA\r\nBBBB\r\n\r\nFN:x\r\n");
        assert_eq!(&*ok(&lines[0]).value, b"AAAABBBB");
        assert_eq!(ok(&lines[1]).name, "FN");
    }

    #[test]
    fn folded_params_are_owned_and_correct() {
        let lines = lex("ATTENDEE;CN=\"Jo\r\n hn\";ROLE=CHAIR:mailto:j@x\r\n");
        let line = ok(&lines[0]);
        assert_eq!(line.params[0].values, vec!["John"]);
        assert_eq!(&*line.value, b"mailto:j@x");
    }
}
