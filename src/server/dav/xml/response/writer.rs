//! The one DAV XML writer, over any `io::Write`.
//!
//! Prefixes are fixed per namespace (`d:`, `card:`, `cal:`, `cs:`, `ical:`)
//! and declared once on the document element; any other namespace is
//! declared on the element that uses it (`<x:color xmlns:x="…">`). Tags are
//! written straight into the output, without indentation: a 10,000-member
//! PROPFIND writes some 100,000 elements, and clients parse, not read, them.

use std::borrow::Cow;
use std::io::{self, Write};

use quick_xml::escape::escape;

use super::super::names::Namespace;
use super::super::tree::{Element, Node};

/// The namespace of `xml:lang` and `xml:space` (Namespaces in XML §3).
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Writes DAV XML elements with consistent prefixes.
pub struct DavWriter<W: Write> {
    out: W,
    /// The namespace bound to the `x:` prefix in each open element, so a
    /// child in the same foreign namespace does not declare it again.
    x_scope: Vec<Option<String>>,
}

/// Whether a character must not appear as itself in element content.
fn special(c: u8) -> bool {
    matches!(c, b'&' | b'<' | b'>' | b'\r') || (c < b' ' && c != b'\t' && c != b'\n')
}

/// Escapes text for element content so that it survives an XML parser
/// unchanged: `&`, `<`, `>` as entities, and CR as `&#13;` because XML
/// line-end normalisation (XML 1.0 §2.11) would otherwise turn the CRLF of
/// vCard and iCalendar data into LF. Characters XML 1.0 cannot carry at all
/// (C0 controls other than tab, LF and CR) become U+FFFD.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(special) {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len() + 16);
    write_escaped(&mut out, text).expect("writing into a Vec cannot fail");
    // Only ASCII bytes were replaced, by ASCII or by a whole character.
    Cow::Owned(String::from_utf8(out).expect("escaping keeps UTF-8"))
}

/// Whether any of the 8 bytes of `word` may be [`special`]: one below a
/// space (tab and LF too, so a false positive), `&`, `<` or `>`. The
/// has-zero-byte / has-less-than tests of "Bit Twiddling Hacks" (Anderson)
/// never miss a byte.
fn word_may_be_special(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let markup = has_zero(word ^ (ONES * u64::from(b'&')))
        | has_zero(word ^ (ONES * u64::from(b'<')))
        | has_zero(word ^ (ONES * u64::from(b'>')));
    below_space | markup != 0
}

/// [`escape_text`] straight into `out`: the runs between special bytes are
/// copied whole. Bodies are mostly plain text with a CR on every line, so
/// the scan tests 8 bytes at a time ([`word_may_be_special`]) and looks at
/// single bytes only in a word that may hold one.
fn write_escaped<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + 8).min(bytes.len());
        if let Ok(word) = <[u8; 8]>::try_from(&bytes[at..end])
            && !word_may_be_special(u64::from_le_bytes(word))
        {
            at = end;
            continue;
        }
        for (i, &b) in bytes.iter().enumerate().take(end).skip(at) {
            if !special(b) {
                continue;
            }
            out.write_all(&bytes[run..i])?;
            out.write_all(match b {
                b'&' => b"&amp;",
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'\r' => b"&#13;",
                _ => "\u{FFFD}".as_bytes(),
            })?;
            run = i + 1;
        }
        at = end;
    }
    out.write_all(&bytes[run..])
}

impl<W: Write> DavWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> DavWriter<W> {
        DavWriter {
            out,
            x_scope: Vec::new(),
        }
    }

    /// The XML declaration and the document element's start tag, which
    /// declares every well-known prefix.
    pub fn start_document(&mut self, ns: &Namespace, name: &str) -> io::Result<()> {
        self.out.write_all(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<")?;
        self.name(ns, name)?;
        for known in &Namespace::WELL_KNOWN {
            if let Some(prefix) = known.prefix() {
                write!(self.out, " xmlns:{prefix}=\"{}\"", escape(known.uri()))?;
            }
        }
        self.x_scope.push(None);
        self.out.write_all(b">")
    }

    /// Opens `ns:name` with attributes.
    pub fn start_with(&mut self, ns: &Namespace, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        let binding = self.start_tag(ns, name, attrs)?;
        self.x_scope.push(binding);
        self.out.write_all(b">")
    }

    /// Opens `ns:name`.
    pub fn start(&mut self, ns: &Namespace, name: &str) -> io::Result<()> {
        self.start_with(ns, name, &[])
    }

    /// Closes `ns:name`.
    pub fn end(&mut self, ns: &Namespace, name: &str) -> io::Result<()> {
        self.x_scope.pop();
        self.out.write_all(b"</")?;
        self.name(ns, name)?;
        self.out.write_all(b">")
    }

    /// Writes `<ns:name attrs/>`.
    pub fn empty_with(&mut self, ns: &Namespace, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        self.start_tag(ns, name, attrs)?;
        self.out.write_all(b"/>")
    }

    /// Writes `<ns:name/>`.
    pub fn empty(&mut self, ns: &Namespace, name: &str) -> io::Result<()> {
        self.empty_with(ns, name, &[])
    }

    /// Writes `<ns:name>text</ns:name>`, or an empty element for empty text.
    pub fn text_element(&mut self, ns: &Namespace, name: &str, text: &str) -> io::Result<()> {
        if text.is_empty() {
            return self.empty(ns, name);
        }
        self.start(ns, name)?;
        self.text(text)?;
        self.end(ns, name)
    }

    /// Writes character data, escaped as [`escape_text`] says.
    pub fn text(&mut self, text: &str) -> io::Result<()> {
        write_escaped(&mut self.out, text)
    }

    /// Writes XML kept from a request (a dead property's value, a lock owner).
    pub fn fragment(&mut self, nodes: &[Node]) -> io::Result<()> {
        for node in nodes {
            match node {
                Node::Text(text) => self.text(text)?,
                Node::Element(element) => self.element(element)?,
            }
        }
        Ok(())
    }

    /// Writes an element kept from a request, with its attributes.
    pub fn element(&mut self, element: &Element) -> io::Result<()> {
        // Namespaced attributes keep their namespace: a fixed prefix, or `yN:`
        // declared on the element itself.
        let mut attrs: Vec<(String, &str)> = Vec::new();
        for (i, attr) in element.attrs.iter().enumerate() {
            match (attr.ns.prefix(), attr.ns.uri()) {
                (Some(prefix), _) => attrs.push((format!("{prefix}:{}", attr.name), &attr.value)),
                (None, "") => attrs.push((attr.name.clone(), &attr.value)),
                // The `xml:` prefix is bound by definition and may not be redeclared.
                (None, XML_NS) => attrs.push((format!("xml:{}", attr.name), &attr.value)),
                (None, uri) => {
                    attrs.push((format!("xmlns:y{i}"), uri));
                    attrs.push((format!("y{i}:{}", attr.name), &attr.value));
                }
            }
        }
        let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        if element.children.is_empty() {
            return self.empty_with(&element.ns, &element.name, &attrs);
        }
        self.start_with(&element.ns, &element.name, &attrs)?;
        self.fragment(&element.children)?;
        self.end(&element.ns, &element.name)
    }

    /// The qualified name of an element.
    fn name(&mut self, ns: &Namespace, name: &str) -> io::Result<()> {
        match ns.prefix() {
            Some(prefix) => {
                self.out.write_all(prefix.as_bytes())?;
                self.out.write_all(b":")?;
            }
            None if ns.uri().is_empty() => {}
            None => self.out.write_all(b"x:")?,
        }
        self.out.write_all(name.as_bytes())
    }

    /// The start tag up to its closing `>` or `/>`, declaring `x:` unless
    /// the enclosing element bound it to the same namespace; returns the
    /// `x:` binding inside the element.
    fn start_tag(&mut self, ns: &Namespace, name: &str, attrs: &[(&str, &str)]) -> io::Result<Option<String>> {
        self.out.write_all(b"<")?;
        self.name(ns, name)?;
        let inherited = self.x_scope.last().cloned().flatten();
        let mut binding = inherited.clone();
        if ns.prefix().is_none() && !ns.uri().is_empty() && inherited.as_deref() != Some(ns.uri()) {
            write!(self.out, " xmlns:x=\"{}\"", escape(ns.uri()))?;
            binding = Some(ns.uri().to_owned());
        }
        for (key, value) in attrs {
            write!(self.out, " {key}=\"{}\"", escape(*value))?;
        }
        Ok(binding)
    }

    /// Gives back the underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// The underlying writer, for flushing between responses.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_markup_survive_an_xml_parser() {
        assert_eq!(
            escape_text("BEGIN:VCARD\r\nN:a<b>&c\r\n"),
            "BEGIN:VCARD&#13;\nN:a&lt;b&gt;&amp;c&#13;\n"
        );
        assert_eq!(escape_text("tab\tok\u{1}"), "tab\tok\u{FFFD}");
        assert!(matches!(escape_text("plain"), Cow::Borrowed("plain")));
    }

    /// The byte-at-a-time definition the block scan must agree with.
    fn escaped_bytewise(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '&' => "&amp;".to_owned(),
                '<' => "&lt;".to_owned(),
                '>' => "&gt;".to_owned(),
                '\r' => "&#13;".to_owned(),
                c if c < ' ' && c != '\t' && c != '\n' => "\u{FFFD}".to_owned(),
                c => c.to_string(),
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn block_scan_escapes_like_the_bytewise_definition(text in "(?s)[a-z&<>\r\n\t\u{1}\u{1f}é€ ]{0,80}") {
            proptest::prop_assert_eq!(escape_text(&text), escaped_bytewise(&text));
        }
    }
}
