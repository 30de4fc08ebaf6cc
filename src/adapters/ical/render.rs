//! Records to iCalendar bytes (RFC 5545 §3.1, §3.4).
//!
//! Each piece (BEGIN line, property, END line) is written from its raw bytes
//! when the record was read from iCalendar and the piece is unchanged, and
//! canonically through the one [`Writer`] otherwise. Within a component,
//! properties and sub-components are interleaved by field id (document
//! order), so a property a client wrote after a VALARM stays after it.

use std::collections::HashSet;

use super::split::tzid_of;
use super::values::write_value;
use crate::adapters::contentline::Writer;
use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::{Component, ComponentName, Prop, PropName, Record, SourceFormat};

/// Writes pieces, tracking whether the last raw piece lacked a line end.
struct Out {
    writer: Writer,
    use_raw: bool,
    open_line: bool,
}

impl Out {
    fn new(use_raw: bool) -> Self {
        Out {
            writer: Writer::new(),
            use_raw,
            open_line: false,
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.close_line();
        self.writer.raw(bytes);
        self.open_line = !bytes.ends_with(b"\n") && !bytes.ends_with(b"\r");
    }

    /// A raw piece at the very end of a file may lack its line end; anything
    /// written after it must start on a new line.
    fn close_line(&mut self) {
        if std::mem::take(&mut self.open_line) {
            self.writer.raw(b"\r\n");
        }
    }

    fn begin(&mut self, component: &Component) {
        match component.begin_raw().filter(|_| self.use_raw) {
            Some(raw) => self.raw(raw),
            None => {
                self.close_line();
                self.writer.begin(component.name().as_str());
            }
        }
    }

    fn end(&mut self, component: &Component) {
        match component.end_raw().filter(|_| self.use_raw) {
            Some(raw) => self.raw(raw),
            None => {
                self.close_line();
                self.writer.end(component.name().as_str());
            }
        }
    }

    fn prop(&mut self, prop: &Prop) {
        match prop.raw().filter(|_| self.use_raw) {
            Some(raw) => self.raw(raw),
            None => {
                self.close_line();
                let value = write_value(prop.value());
                self.writer
                    .line(prop.group(), prop.name().as_str(), prop.params(), &value);
            }
        }
    }

    fn component(&mut self, component: &Component) {
        self.begin(component);
        self.body(component);
        self.end(component);
    }

    /// Properties and children, children placed by their first field id.
    fn body(&mut self, component: &Component) {
        let keys = placement_keys(&component.children);
        let mut children = component.children.iter().zip(keys).peekable();
        for prop in &component.props {
            while let Some((child, _)) = children.next_if(|(_, key)| *key < prop.id().0) {
                self.component(child);
            }
            self.prop(prop);
        }
        children.for_each(|(child, _)| self.component(child));
    }

    /// The bytes; a last raw piece without a line end stays as it was written.
    fn finish(self) -> Vec<u8> {
        self.writer.finish()
    }
}

/// Where each child goes among its parent's properties: before the first
/// property with a larger field id. A child without properties has no id of
/// its own; it follows the sibling before it (or precedes the one after it) —
/// except one read without its END line: everything after its BEGIN up to the
/// parent's end belonged to it, so having no properties it was the parent's
/// last piece, and it goes after every property.
fn placement_keys(children: &[Component]) -> Vec<u32> {
    let unterminated = |c: &Component| c.end_raw().is_some_and(|raw| raw.is_empty());
    let own: Vec<Option<u32>> = children
        .iter()
        .map(|c| first_id(c).or_else(|| unterminated(c).then_some(u32::MAX)))
        .collect();
    let mut keys: Vec<u32> = Vec::with_capacity(own.len());
    for (index, key) in own.iter().enumerate() {
        let following = || own[index..].iter().flatten().next().copied().unwrap_or(u32::MAX);
        let key = key.or_else(|| keys.last().copied()).unwrap_or_else(following);
        keys.push(key);
    }
    keys
}

/// The smallest field id in a component's subtree (its place in the document).
fn first_id(component: &Component) -> Option<u32> {
    let mut first: Option<u32> = None;
    component.walk(&mut |c| {
        for prop in &c.props {
            first = Some(first.map_or(prop.id().0, |f| f.min(prop.id().0)));
        }
    });
    first
}

fn check_calendar(record: &Record) -> Result<(), FormatError> {
    if record.root.name() == &ComponentName::VCalendar {
        return Ok(());
    }
    let message = format!("a {} record cannot be written as iCalendar", record.root.name());
    Err(FormatError::new(0, 0, FormatErrorKind::Unrenderable(message)))
}

/// Renders one application object as a VCALENDAR.
pub fn render(record: &Record) -> Result<Vec<u8>, FormatError> {
    check_calendar(record)?;
    let mut out = Out::new(record.source == Some(SourceFormat::ICalendar));
    out.component(&record.root);
    Ok(out.finish())
}

/// Joins objects into one VCALENDAR: the first object's header (with VERSION
/// and PRODID supplied when missing), each VTIMEZONE once (first TZID wins),
/// then every other component in order.
pub fn join(records: &[Record]) -> Result<Vec<u8>, FormatError> {
    records.iter().try_for_each(check_calendar)?;
    let mut out = Out::new(false);
    out.writer.begin(ComponentName::VCalendar.as_str());
    let header = records.first().map(|r| r.root.props.as_slice()).unwrap_or_default();
    write_header(
        &mut out,
        header,
        records
            .first()
            .is_some_and(|r| r.source == Some(SourceFormat::ICalendar)),
    );
    let mut seen = HashSet::new();
    for record in records {
        out.use_raw = record.source == Some(SourceFormat::ICalendar);
        for zone in record
            .root
            .children
            .iter()
            .filter(|c| c.name() == &ComponentName::VTimezone)
        {
            if tzid_of(zone).is_none_or(|tzid| seen.insert(tzid.to_owned())) {
                out.component(zone);
            }
        }
    }
    for record in records {
        out.use_raw = record.source == Some(SourceFormat::ICalendar);
        record
            .root
            .children
            .iter()
            .filter(|c| c.name() != &ComponentName::VTimezone)
            .for_each(|c| out.component(c));
    }
    out.use_raw = false;
    out.close_line();
    out.writer.end(ComponentName::VCalendar.as_str());
    Ok(out.finish())
}

fn write_header(out: &mut Out, header: &[Prop], use_raw: bool) {
    out.use_raw = use_raw;
    let has = |name: PropName| header.iter().any(|p| p.name() == &name);
    if !has(PropName::Version) {
        out.writer.line(None, "VERSION", &Default::default(), "2.0");
    }
    if !has(PropName::Prodid) {
        out.writer
            .line(None, "PRODID", &Default::default(), "-//pimgate//pimgate//EN");
    }
    header.iter().for_each(|p| out.prop(p));
}
