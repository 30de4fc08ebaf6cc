//! Partial retrieval: a record pruned to the parts a report asks for —
//! calendar-data's `<C:comp>` tree (RFC 4791 §9.6.1–§9.6.4) and
//! address-data's `<CARD:prop>` list (RFC 6352 §10.4.2).
//!
//! - Properties and components keep their document order, whatever order
//!   the request names them in; `novalue="yes"` keeps a property's name and
//!   parameters and empties its value.
//! - A VTIMEZONE the selection leaves out is kept whole when a kept property
//!   names its TZID, so the times stay readable (as CalendarServer does).
//! - A card always keeps VERSION, UID and FN, and N in vCard 3.0, where
//!   RFC 2426 requires it: the answer stays a valid vCard (sabre/dav keeps
//!   the first three the same way).
//! - The pruned record has no raw bytes: it renders canonically. A selection
//!   that leaves everything in place yields `None`, and the caller serves the
//!   stored bytes as they are.
//!
//! Pure: no HTTP, no store; the typed selections come from
//! [`xml::request`](super::xml::request).

use std::collections::HashSet;

use crate::adapters::vcard::VCardVersion;
use crate::universal::{Component, ComponentName, ParamName, Prop, PropName, Record, Value};

use super::xml::request::{CompSelect, PropSelect};

/// `record` pruned to the calendar-data selection `select`, or `None` when
/// the selection keeps all of it.
pub fn calendar(record: &Record, select: &CompSelect) -> Option<Record> {
    if select.is_everything() || *record.root.name() != select.name {
        return None;
    }
    let mut pruner = Pruner::default();
    let root = pruner.calendar_root(&record.root, select);
    pruner.changed.then(|| canonical(record, root))
}

/// `record` (a VCARD) pruned to the address-data properties `props`, to be
/// written as `version`; `None` when nothing would go.
pub fn card(record: &Record, props: &[PropSelect], version: VCardVersion) -> Option<Record> {
    let mut kept: Vec<PropSelect> = props.to_vec();
    let mut always = vec![PropName::Version, PropName::Uid, PropName::Fn];
    if version == VCardVersion::V3 {
        always.push(PropName::N);
    }
    for name in always {
        if !kept.iter().any(|p| p.name == name) {
            kept.push(PropSelect::named(name));
        }
    }
    let mut pruner = Pruner::default();
    let mut root = Component::new(record.root.name().clone());
    root.props = pruner.props(&record.root.props, Some(&kept));
    pruner.changed |= !record.root.children.is_empty();
    pruner.changed.then(|| canonical(record, root))
}

/// A record around a pruned root, without raw bytes (it is not what the
/// client stored, so it renders canonically).
fn canonical(record: &Record, root: Component) -> Record {
    let mut pruned = Record {
        source: record.source,
        root,
        diagnostics: Vec::new(),
    };
    pruned.clear_raw();
    pruned
}

/// Prunes, noting whether anything was left out or emptied.
#[derive(Default)]
struct Pruner {
    changed: bool,
}

impl Pruner {
    /// The VCALENDAR: its selected parts, plus each VTIMEZONE left out whose
    /// TZID a kept property names, in the original order.
    fn calendar_root(&mut self, root: &Component, select: &CompSelect) -> Component {
        let mut out = Component::new(root.name().clone());
        out.props = self.props(&root.props, select.props.as_deref());
        let picked: Vec<Option<Component>> = root
            .children
            .iter()
            .map(|child| self.child(child, select.comps.as_deref()))
            .collect();
        let mut referenced = HashSet::new();
        tzids_named(&out.props, &mut referenced);
        for child in picked
            .iter()
            .flatten()
            .filter(|c| *c.name() != ComponentName::VTimezone)
        {
            child.walk(&mut |c| tzids_named(&c.props, &mut referenced));
        }
        for (child, picked) in root.children.iter().zip(picked) {
            match picked {
                Some(kept) => out.children.push(kept),
                None if zone_named(child, &referenced) => out.children.push(child.clone()),
                None => {}
            }
        }
        self.changed |= out.children.len() != root.children.len();
        out
    }

    /// A child as `comps` selects it (all of them when `None`), or `None`
    /// when it is not selected.
    fn child(&mut self, child: &Component, comps: Option<&[CompSelect]>) -> Option<Component> {
        let Some(comps) = comps else { return Some(child.clone()) };
        let select = comps.iter().find(|s| s.name == *child.name())?;
        Some(self.component(child, select))
    }

    fn component(&mut self, component: &Component, select: &CompSelect) -> Component {
        if select.is_everything() {
            return component.clone();
        }
        let mut out = Component::new(component.name().clone());
        out.props = self.props(&component.props, select.props.as_deref());
        out.children = component
            .children
            .iter()
            .filter_map(|child| self.child(child, select.comps.as_deref()))
            .collect();
        self.changed |= out.children.len() != component.children.len();
        out
    }

    /// The properties `wanted` names (all when `None`), in document order.
    fn props(&mut self, props: &[Prop], wanted: Option<&[PropSelect]>) -> Vec<Prop> {
        let Some(wanted) = wanted else { return props.to_vec() };
        let mut out = Vec::with_capacity(props.len());
        for prop in props {
            let Some(select) = wanted.iter().find(|w| w.name == *prop.name()) else {
                self.changed = true;
                continue;
            };
            let mut prop = prop.clone();
            if select.novalue {
                // RFC 4791 §9.6.4: "just the iCalendar property name and any
                // iCalendar parameters and a trailing ':'".
                prop.set_value(Value::Raw(String::new()));
                self.changed = true;
            }
            out.push(prop);
        }
        out
    }
}

/// Adds the TZIDs the properties' `TZID` parameters name.
fn tzids_named(props: &[Prop], into: &mut HashSet<String>) {
    for prop in props {
        if let Some(tzid) = prop.params().first_value(&ParamName::TzId) {
            into.insert(tzid.to_owned());
        }
    }
}

/// Whether `component` is a VTIMEZONE whose TZID is in `tzids`.
fn zone_named(component: &Component, tzids: &HashSet<String>) -> bool {
    *component.name() == ComponentName::VTimezone
        && component
            .prop(&PropName::TzId)
            .and_then(|p| p.value().as_text())
            .is_some_and(|tzid| tzids.contains(tzid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::{ical, vcard};

    const EVENT: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n\
        BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n\
        END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:e\r\nDTSTAMP:20240101T000000Z\r\n\
        DTSTART;TZID=Europe/Berlin:20240102T100000\r\nSUMMARY;LANGUAGE=en:Talk\r\nBEGIN:VALARM\r\n\
        ACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn record(text: &str) -> Record {
        ical::parse(text.as_bytes()).unwrap().remove(0)
    }

    fn props(names: &[&str]) -> Option<Vec<PropSelect>> {
        Some(names.iter().map(|n| PropSelect::named(PropName::parse(n))).collect())
    }

    fn comp(name: &str, props: Option<Vec<PropSelect>>, comps: Option<Vec<CompSelect>>) -> CompSelect {
        CompSelect {
            name: ComponentName::parse(name),
            props,
            comps,
        }
    }

    fn text(record: &Record) -> String {
        String::from_utf8(ical::render(record).unwrap()).unwrap()
    }

    #[test]
    fn rfc4791_9_6_1_selected_properties_keep_document_order_and_the_named_zone() {
        let select = comp(
            "VCALENDAR",
            props(&["VERSION"]),
            Some(vec![comp(
                "VEVENT",
                props(&["SUMMARY", "DTSTART", "UID"]),
                Some(vec![]),
            )]),
        );
        let pruned = text(&calendar(&record(EVENT), &select).unwrap());
        assert!(pruned.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
        assert!(pruned.contains("BEGIN:STANDARD"), "the zone is whole: {pruned}");
        assert!(pruned.contains(
            "BEGIN:VEVENT\r\nUID:e\r\nDTSTART;TZID=Europe/Berlin:20240102T100000\r\nSUMMARY;LANGUAGE=en:Talk\r\nEND:VEVENT"
        ));
        for gone in ["PRODID", "DTSTAMP", "VALARM"] {
            assert!(!pruned.contains(gone), "{gone} in {pruned}");
        }
    }

    #[test]
    fn rfc4791_9_6_4_novalue_keeps_name_and_parameters() {
        let novalue = PropSelect {
            name: PropName::Summary,
            novalue: true,
        };
        let select = comp(
            "VCALENDAR",
            Some(vec![]),
            Some(vec![comp("VEVENT", Some(vec![novalue]), None)]),
        );
        let pruned = text(&calendar(&record(EVENT), &select).unwrap());
        assert!(
            pruned.contains("BEGIN:VEVENT\r\nSUMMARY;LANGUAGE=en:\r\nBEGIN:VALARM"),
            "{pruned}"
        );
        assert!(
            !pruned.contains("VTIMEZONE"),
            "no kept property names the zone: {pruned}"
        );
    }

    #[test]
    fn rfc4791_9_6_everything_selected_is_no_pruning() {
        let all = comp("VCALENDAR", None, None);
        assert!(calendar(&record(EVENT), &all).is_none());
        let spelled_out = comp(
            "VCALENDAR",
            None,
            Some(vec![comp("VTIMEZONE", None, None), comp("VEVENT", None, None)]),
        );
        assert!(calendar(&record(EVENT), &spelled_out).is_none());
    }

    #[test]
    fn rfc6352_10_4_2_card_keeps_the_named_properties_and_what_makes_it_a_vcard() {
        let card_text =
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c\r\nFN:Ann\r\nN:Ann;;;;\r\nEMAIL:a@x\r\nTEL:1\r\nEND:VCARD\r\n";
        let parsed = vcard::parse(card_text.as_bytes()).unwrap().remove(0);
        let asked = [PropSelect {
            name: PropName::Email,
            novalue: false,
        }];
        let v3 = card(&parsed, &asked, VCardVersion::V3).unwrap();
        let v3 = String::from_utf8(vcard::render(&v3, VCardVersion::V3).unwrap()).unwrap();
        assert_eq!(
            v3,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c\r\nFN:Ann\r\nN:Ann;;;;\r\nEMAIL:a@x\r\nEND:VCARD\r\n"
        );
        let v4 = card(&parsed, &asked, VCardVersion::V4).unwrap();
        let v4 = String::from_utf8(vcard::render(&v4, VCardVersion::V4).unwrap()).unwrap();
        assert!(!v4.contains("\r\nN:") && v4.contains("VERSION:4.0"), "{v4}");
        let everything = ["EMAIL", "TEL"].map(|n| PropSelect::named(PropName::parse(n)));
        assert!(card(&parsed, &everything, VCardVersion::V3).is_none());
    }
}
