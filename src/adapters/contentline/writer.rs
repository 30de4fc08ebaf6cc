//! The one content-line writer: parameter quoting, RFC 6868 caret escapes,
//! 75-octet folding (RFC 5545 §3.1) on UTF-8 character boundaries, CRLF.
//! Values arrive already in their lexical form (escaped by the caller).

use crate::universal::Params;

/// Longest physical line, in octets, not counting the CRLF.
const FOLD_AT: usize = 75;

/// Builds a vCard or iCalendar document line by line.
#[derive(Debug, Default)]
pub struct Writer {
    out: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Writer::default()
    }

    /// Appends bytes exactly as given (unchanged lines kept from the input).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// `BEGIN:NAME`
    pub fn begin(&mut self, name: &str) {
        self.line(None, "BEGIN", &Params::default(), name);
    }

    /// `END:NAME`
    pub fn end(&mut self, name: &str) {
        self.line(None, "END", &Params::default(), name);
    }

    /// One content line; `value` is in its final lexical form.
    pub fn line(&mut self, group: Option<&str>, name: &str, params: &Params, value: &str) {
        let mut line = String::with_capacity(name.len() + value.len() + 16);
        if let Some(group) = group {
            line.push_str(group);
            line.push('.');
        }
        line.push_str(name);
        for param in params {
            line.push(';');
            line.push_str(param.name.as_str());
            line.push('=');
            for (i, v) in param.values.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                push_param_value(&mut line, v);
            }
        }
        line.push(':');
        line.push_str(value);
        self.fold(&line);
    }

    fn fold(&mut self, line: &str) {
        let bytes = line.as_bytes();
        let mut start = 0;
        let mut limit = FOLD_AT;
        while bytes.len() - start > limit {
            let mut end = start + limit;
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            self.out.extend_from_slice(&bytes[start..end]);
            self.out.extend_from_slice(b"\r\n ");
            start = end;
            limit = FOLD_AT - 1;
        }
        self.out.extend_from_slice(&bytes[start..]);
        self.out.extend_from_slice(b"\r\n");
    }

    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// Quotes a parameter value when it holds `:`, `;` or `,`, and applies
/// RFC 6868 to characters a parameter cannot hold.
fn push_param_value(out: &mut String, value: &str) {
    let needs_quotes = value.contains([':', ';', ',']) || value.starts_with(' ') || value.ends_with(' ');
    if needs_quotes {
        out.push('"');
    }
    for ch in value.chars() {
        match ch {
            '^' => out.push_str("^^"),
            '\n' => out.push_str("^n"),
            '"' => out.push_str("^'"),
            '\r' => {}
            _ => out.push(ch),
        }
    }
    if needs_quotes {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::contentline::Lexer;
    use crate::universal::{Param, ParamName};

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut writer = Writer::new();
        let value = "é".repeat(100);
        writer.line(None, "NOTE", &Params::default(), &value);
        let out = writer.finish();
        for physical in out.split(|b| *b == b'\n') {
            assert!(physical.len() <= 76, "{} octets", physical.len());
        }
        let text = String::from_utf8(out).expect("folding kept UTF-8 intact");
        let lexed: Vec<_> = Lexer::new(text.as_bytes()).collect();
        assert_eq!(&*lexed[0].as_ref().unwrap().value, value.as_bytes());
    }

    #[test]
    fn quotes_and_caret_escapes_params() {
        let mut writer = Writer::new();
        let params = Params::new(vec![
            Param::new(ParamName::Label, vec!["a\nb \"c\"".into()]),
            Param::new(ParamName::Type, vec!["work".into()]),
        ]);
        writer.line(Some("item1"), "ADR", &params, ";;x");
        assert_eq!(
            String::from_utf8(writer.finish()).unwrap(),
            "item1.ADR;LABEL=a^nb ^'c^';TYPE=work:;;x\r\n"
        );
    }
}
