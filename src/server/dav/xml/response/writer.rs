//! The one DAV XML writer, over quick-xml's `Writer` and any `io::Write`.
//!
//! Prefixes are fixed per namespace (`d:`, `card:`, `cal:`, `cs:`, `ical:`)
//! and declared once on the document element; any other namespace is
//! declared on the element that uses it (`<x:color xmlns:x="…">`). Output is
//! indented two spaces, except inside text, which is written verbatim.

use std::borrow::Cow;
use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::super::names::Namespace;
use super::super::tree::{Element, Node};

/// The namespace of `xml:lang` and `xml:space` (Namespaces in XML §3).
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Writes DAV XML elements with consistent prefixes.
pub struct DavWriter<W: Write> {
    inner: Writer<W>,
    /// The namespace bound to the `x:` prefix in each open element, so a
    /// child in the same foreign namespace does not declare it again.
    x_scope: Vec<Option<String>>,
}

/// The qualified name of an element.
fn qualified(ns: &Namespace, name: &str) -> String {
    match ns.prefix() {
        Some(prefix) => format!("{prefix}:{name}"),
        None if ns.uri().is_empty() => name.to_owned(),
        None => format!("x:{name}"),
    }
}

/// Escapes text for element content so that it survives an XML parser
/// unchanged: `&`, `<`, `>` as entities, and CR as `&#13;` because XML
/// line-end normalisation (XML 1.0 §2.11) would otherwise turn the CRLF of
/// vCard and iCalendar data into LF. Characters XML 1.0 cannot carry at all
/// (C0 controls other than tab, LF and CR) become U+FFFD.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '&' | '<' | '>' | '\r') || (c < ' ' && c != '\t' && c != '\n');
    if !text.contains(special) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' && c != '\t' && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

impl<W: Write> DavWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> DavWriter<W> {
        DavWriter {
            inner: Writer::new_with_indent(out, b' ', 2),
            x_scope: Vec::new(),
        }
    }

    /// The XML declaration and the document element's start tag, which
    /// declares every well-known prefix.
    pub fn start_document(&mut self, ns: &Namespace, name: &str) -> io::Result<()> {
        self.inner
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        let mut start = BytesStart::new(qualified(ns, name));
        self.x_scope.push(None);
        for known in &Namespace::WELL_KNOWN {
            if let Some(prefix) = known.prefix() {
                start.push_attribute((format!("xmlns:{prefix}").as_str(), known.uri()));
            }
        }
        self.inner.write_event(Event::Start(start))
    }

    /// Opens `ns:name` with attributes.
    pub fn start_with(&mut self, ns: &Namespace, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        let (start, binding) = self.start_tag(ns, name, attrs);
        self.x_scope.push(binding);
        self.inner.write_event(Event::Start(start))
    }

    /// Opens `ns:name`.
    pub fn start(&mut self, ns: &Namespace, name: &str) -> io::Result<()> {
        self.start_with(ns, name, &[])
    }

    /// Closes `ns:name`.
    pub fn end(&mut self, ns: &Namespace, name: &str) -> io::Result<()> {
        self.x_scope.pop();
        self.inner.write_event(Event::End(BytesEnd::new(qualified(ns, name))))
    }

    /// Writes `<ns:name attrs/>`.
    pub fn empty_with(&mut self, ns: &Namespace, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        let (start, _) = self.start_tag(ns, name, attrs);
        self.inner.write_event(Event::Empty(start))
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

    /// Writes character data, escaped by [`escape_text`].
    pub fn text(&mut self, text: &str) -> io::Result<()> {
        self.inner
            .write_event(Event::Text(BytesText::from_escaped(escape_text(text))))
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

    /// The start tag, declaring `x:` unless the enclosing element bound it to
    /// the same namespace; also returns the `x:` binding inside the element.
    fn start_tag(&self, ns: &Namespace, name: &str, attrs: &[(&str, &str)]) -> (BytesStart<'static>, Option<String>) {
        let mut start = BytesStart::new(qualified(ns, name));
        let inherited = self.x_scope.last().cloned().flatten();
        let mut binding = inherited.clone();
        if ns.prefix().is_none() && !ns.uri().is_empty() && inherited.as_deref() != Some(ns.uri()) {
            start.push_attribute(("xmlns:x", ns.uri()));
            binding = Some(ns.uri().to_owned());
        }
        for &attr in attrs {
            start.push_attribute(attr);
        }
        (start, binding)
    }

    /// Gives back the underlying writer.
    pub fn into_inner(self) -> W {
        self.inner.into_inner()
    }

    /// The underlying writer, for flushing between responses.
    pub fn get_mut(&mut self) -> &mut W {
        self.inner.get_mut()
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
}
