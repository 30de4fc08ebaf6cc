//! The one XML reader: bytes → a small owned element tree, within limits.
//!
//! quick-xml's `NsReader` resolves namespaces; this module adds what a
//! server facing the Internet needs: a depth and an element-count limit
//! ([`XmlLimits`]), no entity expansion (a DOCTYPE declaring entities is
//! refused, and only the five predefined entities and character references
//! are resolved), and errors with line and column. The tree drops
//! whitespace-only text and comments; DAV bodies carry no mixed content.

use std::fmt;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::error::{XmlError, XmlErrorKind};
use super::names::Namespace;

/// Parser limits; the body size itself is capped by the server before parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlLimits {
    /// Deepest element nesting accepted (a CalDAV filter needs about 10).
    pub max_depth: usize,
    /// Most elements in one body (a multiget of 10,000 hrefs needs 10,000).
    pub max_elements: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        XmlLimits {
            max_depth: 64,
            max_elements: 200_000,
        }
    }
}

/// An element with its resolved namespace. Equality ignores [`Element::pos`].
#[derive(Clone)]
pub struct Element {
    pub ns: Namespace,
    /// Local name, without prefix.
    pub name: String,
    /// Attributes other than `xmlns` declarations.
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
    /// Where the start tag is, for errors found after parsing.
    pub pos: Position,
}

/// A 1-based line and byte column in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Turns increasing byte offsets into positions in one pass over the body.
struct Lines<'a> {
    input: &'a [u8],
    scanned: usize,
    line: usize,
    line_start: usize,
}

impl Lines<'_> {
    fn at(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.input.len());
        if offset > self.scanned {
            for (i, &b) in self.input[self.scanned..offset].iter().enumerate() {
                if b == b'\n' {
                    self.line += 1;
                    self.line_start = self.scanned + i + 1;
                }
            }
            self.scanned = offset;
        }
        Position {
            line: self.line,
            column: offset.saturating_sub(self.line_start) + 1,
        }
    }
}

/// One attribute; unprefixed attributes have no namespace (`Other("")`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub ns: Namespace,
    pub name: String,
    pub value: String,
}

/// A child of an element: an element or non-blank text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// Whether this is `ns:name`.
    pub fn is(&self, ns: &Namespace, name: &str) -> bool {
        self.ns == *ns && self.name == name
    }

    /// The element children, in document order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child `ns:name`.
    pub fn child(&self, ns: &Namespace, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(ns, name))
    }

    /// The concatenated text children.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for node in &self.children {
            if let Node::Text(t) = node {
                out.push_str(t);
            }
        }
        out
    }

    /// An error about this element.
    pub fn error(&self, kind: XmlErrorKind) -> XmlError {
        XmlError {
            line: self.pos.line,
            column: self.pos.column,
            kind,
        }
    }

    /// An unprefixed attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        let no_ns = |ns: &Namespace| matches!(ns, Namespace::Other(u) if u.is_empty());
        self.attrs
            .iter()
            .find(|a| no_ns(&a.ns) && a.name == name)
            .map(|a| a.value.as_str())
    }

    fn fmt_xml(&self, f: &mut fmt::Formatter<'_>, parent: Option<&Namespace>) -> fmt::Result {
        write!(f, "<{}", self.name)?;
        if parent != Some(&self.ns) {
            write!(f, " xmlns=\"{}\"", self.ns.uri())?;
        }
        for a in &self.attrs {
            let ns = if a.ns.uri().is_empty() {
                String::new()
            } else {
                format!("{{{}}}", a.ns.uri())
            };
            write!(f, " {ns}{}=\"{}\"", a.name, quick_xml::escape::escape(a.value.as_str()))?;
        }
        if self.children.is_empty() {
            return f.write_str("/>");
        }
        f.write_str(">")?;
        for node in &self.children {
            match node {
                Node::Element(e) => e.fmt_xml(f, Some(&self.ns))?,
                Node::Text(t) => f.write_str(&quick_xml::escape::escape(t.as_str()))?,
            }
        }
        write!(f, "</{}>", self.name)
    }
}

impl PartialEq for Element {
    fn eq(&self, other: &Element) -> bool {
        self.ns == other.ns && self.name == other.name && self.attrs == other.attrs && self.children == other.children
    }
}

impl Eq for Element {}

/// Debug prints compact XML (default namespaces), which keeps goldens readable.
impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_xml(f, None)
    }
}

/// An element being read, with the text seen since its last child.
struct Frame {
    element: Element,
    text: String,
}

impl Frame {
    fn flush_text(&mut self) {
        if !self.text.trim().is_empty() {
            self.element.children.push(Node::Text(std::mem::take(&mut self.text)));
        }
        self.text.clear();
    }
}

/// Builds the tree from reader events and enforces the limits.
struct Builder<'l> {
    limits: &'l XmlLimits,
    stack: Vec<Frame>,
    root: Option<Element>,
    count: usize,
}

impl Builder<'_> {
    /// Checked before an element is built, so a hostile body costs nothing more.
    fn admit(&mut self) -> Result<(), XmlErrorKind> {
        self.count += 1;
        if self.count > self.limits.max_elements {
            return Err(XmlErrorKind::TooManyElements(self.limits.max_elements));
        }
        if self.stack.len() + 1 > self.limits.max_depth {
            return Err(XmlErrorKind::TooDeep(self.limits.max_depth));
        }
        if self.root.is_some() {
            return Err(XmlErrorKind::UnexpectedContent("a second document element".into()));
        }
        Ok(())
    }

    fn open(&mut self, element: Element, empty: bool) {
        if let Some(parent) = self.stack.last_mut() {
            parent.flush_text();
        }
        if empty {
            self.attach(element);
        } else {
            self.stack.push(Frame {
                element,
                text: String::new(),
            });
        }
    }

    fn close(&mut self) -> Result<(), XmlErrorKind> {
        let mut frame = self
            .stack
            .pop()
            .ok_or_else(|| XmlErrorKind::Malformed("unmatched end tag".into()))?;
        frame.flush_text();
        self.attach(frame.element);
        Ok(())
    }

    fn attach(&mut self, element: Element) {
        match self.stack.last_mut() {
            Some(parent) => parent.element.children.push(Node::Element(element)),
            None => self.root = Some(element),
        }
    }

    fn text(&mut self, text: &str) -> Result<(), XmlErrorKind> {
        match self.stack.last_mut() {
            Some(frame) => frame.text.push_str(text),
            None if text.trim().is_empty() => {}
            None => {
                return Err(XmlErrorKind::UnexpectedContent(
                    "text outside the document element".into(),
                ));
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Option<Element>, XmlError> {
        if let Some(frame) = self.stack.last() {
            let what = format!("<{}> is not closed", frame.element.name);
            return Err(frame.element.error(XmlErrorKind::Malformed(what)));
        }
        Ok(self.root)
    }
}

/// Reads a body into its document element; `Ok(None)` for an empty or blank body.
pub fn parse_document(input: &[u8], limits: &XmlLimits) -> Result<Option<Element>, XmlError> {
    if let Err(e) = std::str::from_utf8(input) {
        return Err(XmlErrorKind::NotUtf8.at(input, e.valid_up_to()));
    }
    let mut reader = NsReader::from_reader(input);
    let mut builder = Builder {
        limits,
        stack: Vec::new(),
        root: None,
        count: 0,
    };
    let mut lines = Lines {
        input,
        scanned: 0,
        line: 1,
        line_start: 0,
    };
    loop {
        let offset = reader.buffer_position() as usize;
        let (resolved, event) = match reader.read_resolved_event() {
            Ok(pair) => pair,
            Err(e) => return Err(XmlErrorKind::Malformed(e.to_string()).at(input, reader.error_position() as usize)),
        };
        let err = |kind: XmlErrorKind| kind.at(input, offset);
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                builder.admit().map_err(err)?;
                let element = Element {
                    ns: namespace(resolved).map_err(err)?,
                    name: start.local_name().as_ref().to_owned(),
                    attrs: attributes(&reader, start).map_err(err)?,
                    children: Vec::new(),
                    pos: lines.at(offset),
                };
                builder.open(element, matches!(event, Event::Empty(_)));
            }
            Event::End(_) => builder.close().map_err(err)?,
            Event::Text(text) => builder.text(&text.xml10_content()).map_err(err)?,
            Event::CData(text) => builder.text(&text.xml10_content()).map_err(err)?,
            Event::GeneralRef(r) => builder.text(&reference(&r).map_err(err)?).map_err(err)?,
            Event::DocType(doctype) if doctype.contains("<!ENTITY") => {
                return Err(err(XmlErrorKind::EntityDeclaration));
            }
            Event::Eof => break,
            // Declarations, comments, processing instructions, entity-free DOCTYPEs.
            _ => {}
        }
    }
    builder.finish()
}

/// A character reference or one of the five predefined entities; any other
/// entity is refused, never looked up.
fn reference(r: &BytesRef<'_>) -> Result<String, XmlErrorKind> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Ok(c.to_string()),
        Ok(None) => quick_xml::escape::resolve_xml_entity(r)
            .map(str::to_owned)
            .ok_or_else(|| XmlErrorKind::UnknownEntity(r.to_string())),
        Err(e) => Err(XmlErrorKind::Malformed(e.to_string())),
    }
}

fn namespace(resolved: ResolveResult<'_>) -> Result<Namespace, XmlErrorKind> {
    match resolved {
        ResolveResult::Bound(ns) => Ok(Namespace::from_uri(ns.as_ref())),
        ResolveResult::Unbound => Ok(Namespace::Other(String::new())),
        ResolveResult::Unknown(prefix) => Err(XmlErrorKind::UnboundPrefix(prefix)),
    }
}

fn attributes(reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> Result<Vec<Attr>, XmlErrorKind> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| XmlErrorKind::Malformed(e.to_string()))?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let (resolved, local) = reader.resolver().resolve_attribute(attr.key);
        let ns = match resolved {
            ResolveResult::Bound(ns) => Namespace::from_uri(ns.as_ref()),
            ResolveResult::Unbound => Namespace::Other(String::new()),
            ResolveResult::Unknown(p) => return Err(XmlErrorKind::UnboundPrefix(p)),
        };
        let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(quick_xml::Error::Escape(e)) => return Err(XmlErrorKind::Malformed(e.to_string())),
            Err(e) => return Err(XmlErrorKind::Malformed(e.to_string())),
        };
        let name = local.as_ref().to_owned();
        attrs.push(Attr { ns, name, value });
    }
    Ok(attrs)
}
