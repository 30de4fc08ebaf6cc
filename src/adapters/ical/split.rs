//! Splits a VCALENDAR into application objects (DESIGN.md; RFC 4791 §4.1).
//!
//! One object per UID: the calendar's header properties, every component
//! with that UID (the master and its RECURRENCE-ID overrides, in file
//! order), and the VTIMEZONEs that any of them names in a `TZID` parameter
//! — only those. Decisions for what has no UID:
//! - a component without UID (a lone VFREEBUSY, an X- component) is an
//!   object of its own;
//! - a VTIMEZONE that no object references is an object of its own (so a
//!   VTIMEZONE-only file yields one object per zone and nothing is lost);
//! - a calendar with no components at all is one object holding its header.
//!
//! Field ids are renumbered 1..n per object in document order.

use std::collections::HashMap;

use super::parse::{Calendar, is_bare_component};
use crate::universal::{Component, ComponentName, Diagnostic, FieldId, ParamName, PropName, Record, SourceFormat};

/// One object being assembled: indices of the calendar's children.
#[derive(Default)]
struct Plan {
    members: Vec<usize>,
    diagnostics: Vec<Diagnostic>,
}

/// The application objects of one calendar.
pub(super) fn split(calendar: Calendar) -> Vec<Record> {
    let Calendar {
        mut root, diagnostics, ..
    } = calendar;
    let children = std::mem::take(&mut root.children);
    let mut plans = plan_objects(&children);
    // Which object each child ended up in first (diagnostics follow it).
    let mut home = vec![0; children.len()];
    for (index, plan) in plans.iter().enumerate().rev() {
        for &member in &plan.members {
            home[member] = index;
        }
    }
    for placed in diagnostics {
        let index = placed.child.and_then(|child| home.get(child).copied()).unwrap_or(0);
        plans[index].diagnostics.push(placed.diagnostic);
    }
    build_records(root, children, plans)
}

/// Groups children by UID and attaches referenced time zones.
fn plan_objects(children: &[Component]) -> Vec<Plan> {
    let mut plans: Vec<Plan> = Vec::new();
    let mut by_uid: HashMap<&str, usize> = HashMap::new();
    let mut zones: Vec<(usize, &str)> = Vec::new();
    for (index, child) in children.iter().enumerate() {
        if child.name() == &ComponentName::VTimezone {
            zones.push((index, tzid_of(child).unwrap_or_default()));
            continue;
        }
        let uid = child.prop(&PropName::Uid).and_then(|p| p.value().as_text());
        let slot = match uid.and_then(|uid| by_uid.get(uid)) {
            Some(&slot) => slot,
            None => {
                plans.push(Plan::default());
                if let Some(uid) = uid {
                    by_uid.insert(uid, plans.len() - 1);
                }
                plans.len() - 1
            }
        };
        plans[slot].members.push(index);
    }
    let referenced: Vec<Vec<&str>> = plans
        .iter()
        .map(|plan| {
            let mut tzids = Vec::new();
            for &member in &plan.members {
                referenced_tzids(&children[member], &mut tzids);
            }
            tzids
        })
        .collect();
    for (index, tzid) in zones {
        let mut used = false;
        for (plan, tzids) in plans.iter_mut().zip(&referenced) {
            if tzids.contains(&tzid) {
                plan.members.push(index);
                used = true;
            }
        }
        if !used {
            plans.push(Plan {
                members: vec![index],
                diagnostics: Vec::new(),
            });
        }
    }
    if plans.is_empty() {
        plans.push(Plan::default());
    }
    for plan in &mut plans {
        plan.members.sort_unstable();
    }
    plans
}

/// Every `TZID` parameter value in a component and its descendants.
fn referenced_tzids<'a>(component: &'a Component, out: &mut Vec<&'a str>) {
    for prop in &component.props {
        if let Some(param) = prop.params().get(&ParamName::TzId) {
            out.extend(param.values.iter().map(String::as_str));
        }
    }
    for child in &component.children {
        referenced_tzids(child, out);
    }
}

/// The TZID of a VTIMEZONE (already trimmed by the property reader).
pub(super) fn tzid_of(zone: &Component) -> Option<&str> {
    zone.prop(&PropName::TzId).and_then(|p| p.value().as_text())
}

fn build_records(root: Component, children: Vec<Component>, plans: Vec<Plan>) -> Vec<Record> {
    // How many objects still need each child: the last one takes it, the others clone.
    let mut uses = vec![0usize; children.len()];
    for plan in &plans {
        for &member in &plan.members {
            uses[member] += 1;
        }
    }
    let mut children: Vec<Option<Component>> = children.into_iter().map(Some).collect();
    let mut records = Vec::with_capacity(plans.len());
    for plan in plans {
        let mut object = root.clone();
        for member in plan.members {
            uses[member] -= 1;
            let child = if uses[member] == 0 {
                children[member].take()
            } else {
                children[member].clone()
            };
            object.children.extend(child);
        }
        let restructured = keep_readable(&mut object);
        renumber(&mut object);
        let mut record = Record::new(object, Some(SourceFormat::ICalendar));
        if restructured {
            // Raw pieces carry stray lines that were junk only where they
            // stood (outside any component); inside the now explicit
            // calendar they would read as properties. Render canonically:
            // the stray lines stay reported in the diagnostics.
            record.clear_raw();
        }
        record.diagnostics = plan.diagnostics;
        records.push(record);
    }
    records
}

/// An object of an implicit calendar (zero-byte BEGIN/END) that would not
/// read back as bare components — its first component could not stand bare
/// in a file, or a calendar property comes before it — gets real VCALENDAR
/// lines, so its rendering parses again. Returns whether it did.
fn keep_readable(object: &mut Component) -> bool {
    let implicit = object.begin_raw().is_some_and(|raw| raw.is_empty());
    if !implicit {
        return false;
    }
    let first_child = object.children.first();
    let not_bare = first_child.is_none_or(|child| !is_bare_component(child.name()));
    let mut child_ids = Vec::new();
    object
        .children
        .iter()
        .for_each(|c| c.walk(&mut |c| child_ids.extend(c.props.iter().map(|p| p.id()))));
    let first_child_id = child_ids.into_iter().min();
    let prop_first = object
        .props
        .iter()
        .any(|p| first_child_id.is_none_or(|first| p.id() < first));
    let restructure = not_bare || prop_first;
    if restructure {
        object.set_raw_delimiters(None, None);
    }
    restructure
}

/// Field ids 1..n in document order (the provisional ids are file positions).
fn renumber(object: &mut Component) {
    let mut ids = Vec::new();
    object.walk(&mut |c| ids.extend(c.props.iter().map(|p| p.id().0)));
    ids.sort_unstable();
    fn apply(component: &mut Component, ids: &[u32]) {
        for prop in &mut component.props {
            let rank = ids.binary_search(&prop.id().0).unwrap_or_default();
            prop.set_id(FieldId(rank as u32 + 1));
        }
        for child in &mut component.children {
            apply(child, ids);
        }
    }
    apply(object, &ids);
}
