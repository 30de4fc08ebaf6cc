//! Edits over any record (generated or parsed from the corpus): what a
//! client does between two syncs. An edit is a list of [`EditOp`]s that
//! address properties by field id, so two edit lists planned on one base can
//! be performed one after the other (the expected outcome of a merge).

use std::collections::HashSet;

use pimgate::universal::{Component, ComponentName, FieldId, ParamName, Params, Prop, PropName, Record, Value};

pub use super::mutate::mutate;
use super::mutate::{mutate_params, new_prop};
use super::{Rng, alarm, date, date_time, text, with_params};

/// Where an added property or component goes.
#[derive(Debug, Clone, Copy)]
pub enum Placement {
    /// After the last one of the same name, else at the end (apply's rule).
    AfterLastSameName,
    /// Anywhere: `n % (len + 1)`.
    Anywhere(usize),
}

#[derive(Debug, Clone)]
pub enum EditOp {
    SetValue {
        id: FieldId,
        value: Value,
    },
    SetParams {
        id: FieldId,
        params: Params,
    },
    RemoveProp {
        id: FieldId,
    },
    /// Into the component holding the property `owner`.
    AddProp {
        owner: FieldId,
        prop: Prop,
        at: Placement,
    },
    /// The (non-root) component holding the property `owner`.
    RemoveComponent {
        owner: FieldId,
    },
    AddComponent {
        owner: FieldId,
        component: Component,
        at: Placement,
    },
    MoveProp {
        id: FieldId,
        to: usize,
    },
}

/// What an edit may do.
#[derive(Debug, Clone, Copy)]
pub struct EditSpec {
    /// Whether new fields go where `apply` puts them, no identity property
    /// (RECURRENCE-ID, a VTIMEZONE's TZID, a sub-component's UID) changes,
    /// and at most one operation touches one name in one component — the
    /// edits for which `apply(a, diff(a, b)) == b` exactly.
    pub in_place: bool,
    /// Whether identity properties stay as they are (implied by `in_place`).
    pub keep_identity: bool,
    /// Which existing fields the edit may touch (`parity`: only ids of that parity).
    pub parity: Option<u32>,
    pub remove_components: bool,
}

impl EditSpec {
    pub const IN_PLACE: EditSpec = EditSpec {
        in_place: true,
        keep_identity: true,
        parity: None,
        remove_components: true,
    };
    pub const ANY: EditSpec = EditSpec {
        in_place: false,
        keep_identity: false,
        parity: None,
        remove_components: true,
    };
}

/// One property's place: the component path (child indices) and its index.
struct Site {
    path: Vec<usize>,
    index: usize,
    id: FieldId,
}

fn sites(record: &Record) -> Vec<Site> {
    fn walk(c: &Component, path: &mut Vec<usize>, out: &mut Vec<Site>) {
        out.extend(c.props.iter().enumerate().map(|(index, p)| Site {
            path: path.clone(),
            index,
            id: p.id(),
        }));
        for (i, child) in c.children.iter().enumerate() {
            path.push(i);
            walk(child, path, out);
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(&record.root, &mut Vec::new(), &mut out);
    out
}

fn component_at<'a>(root: &'a Component, path: &[usize]) -> &'a Component {
    path.iter().fold(root, |c, &i| &c.children[i])
}

fn component_at_mut<'a>(root: &'a mut Component, path: &[usize]) -> &'a mut Component {
    path.iter().fold(root, |c, &i| &mut c.children[i])
}

/// Whether `prop` identifies its component among its siblings.
fn is_identity(component: &Component, prop: &Prop) -> bool {
    match prop.name() {
        PropName::RecurrenceId => true,
        PropName::TzId => component.name() == &ComponentName::VTimezone,
        PropName::Uid => !matches!(
            component.name(),
            ComponentName::VEvent
                | ComponentName::VTodo
                | ComponentName::VJournal
                | ComponentName::VCard
                | ComponentName::VCalendar
        ),
        _ => false,
    }
}

/// Whether the site is a vCard's `VERSION`: how the card was serialized, not
/// contact data, so no edit touches it (the engine ignores it by rule; see
/// `vcard_version_is_not_contact_data` in `engine_laws.rs`).
fn is_serialization_version(record: &Record, site: &Site) -> bool {
    site.path.is_empty()
        && record.root.name() == &ComponentName::VCard
        && record.root.props[site.index].name() == &PropName::Version
}

/// Plans 1..=4 edit operations on `record`.
pub fn plan(record: &Record, rng: &mut Rng, spec: EditSpec) -> Vec<EditOp> {
    let all = sites(record);
    let allowed: Vec<&Site> = all
        .iter()
        .filter(|s| spec.parity.is_none_or(|p| s.id.0 % 2 == p) && !is_serialization_version(record, s))
        .collect();
    // (component path, name) pairs already touched, for the in-place rule.
    let mut touched: HashSet<(Vec<usize>, String)> = HashSet::new();
    let mut ops = Vec::new();
    for _ in 0..1 + rng.below(4) {
        if allowed.is_empty() {
            break;
        }
        let site = *rng.pick(&allowed);
        let component = component_at(&record.root, &site.path);
        let prop = &component.props[site.index];
        let key = (site.path.clone(), prop.name().as_str().to_owned());
        if (spec.in_place && touched.contains(&key))
            || ((spec.in_place || spec.keep_identity) && is_identity(component, prop))
        {
            continue;
        }
        let op = match rng.below(if spec.in_place { 7 } else { 8 }) {
            0..=2 => EditOp::SetValue {
                id: site.id,
                value: mutate(prop.value(), rng),
            },
            3 => EditOp::SetParams {
                id: site.id,
                params: mutate_params(prop.params(), rng),
            },
            4 => EditOp::RemoveProp { id: site.id },
            5 => {
                let new = new_prop(component, rng);
                let at = placement(spec, rng);
                let new_key = (site.path.clone(), new.name().as_str().to_owned());
                if spec.in_place && !touched.insert(new_key) {
                    continue;
                }
                EditOp::AddProp {
                    owner: site.id,
                    prop: new,
                    at,
                }
            }
            6 => match component_op(record, site, rng, spec) {
                // Keyless siblings are matched by position: one op per name and parent.
                Some((op, child)) if !(spec.in_place || child.1.contains('=')) || touched.insert(child.clone()) => op,
                _ => continue,
            },
            _ => EditOp::MoveProp {
                id: site.id,
                to: rng.below(64),
            },
        };
        touched.insert(key);
        ops.push(op);
    }
    ops
}

fn placement(spec: EditSpec, rng: &mut Rng) -> Placement {
    if spec.in_place {
        Placement::AfterLastSameName
    } else {
        Placement::Anywhere(rng.below(64))
    }
}

/// Adds an override or an alarm to an event, or removes a sub-component;
/// also returns the parent's path and the child's name (and key).
fn component_op(record: &Record, site: &Site, rng: &mut Rng, spec: EditSpec) -> Option<(EditOp, (Vec<usize>, String))> {
    let component = component_at(&record.root, &site.path);
    if let Some((_, parent)) = site.path.split_last()
        && spec.remove_components
        && rng.chance(40)
    {
        return Some((
            EditOp::RemoveComponent { owner: site.id },
            (parent.to_vec(), component.name().as_str().to_owned()),
        ));
    }
    let is_event = matches!(component.name(), ComponentName::VEvent | ComponentName::VTodo);
    if is_event && rng.chance(50) {
        let alarm = alarm(1 + rng.below(90) as u32, &format!("Alarm {}", rng.token()), None);
        let child = (site.path.clone(), "VALARM".to_owned());
        return Some((
            EditOp::AddComponent {
                owner: site.id,
                component: alarm,
                at: placement(spec, rng),
            },
            child,
        ));
    }
    let master = record
        .root
        .children
        .iter()
        .find(|c| c.name() == &ComponentName::VEvent && c.prop(&PropName::RecurrenceId).is_none())?;
    let owner = record.root.props.first()?.id();
    let mut o = Component::new(ComponentName::VEvent);
    let (day, hour) = (
        date(2031, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8),
        rng.below(24) as u8,
    );
    let tz = master
        .prop(&PropName::DtStart)
        .and_then(|p| p.params().get(&ParamName::TzId))
        .cloned();
    let stamp = |name| {
        with_params(
            Prop::new(name, Value::DateTimes(vec![date_time(day, hour, tz.is_none())])),
            tz.iter().cloned().collect(),
        )
    };
    if let Some(uid) = master.prop(&PropName::Uid) {
        o.props.push(uid.clone().with_id(FieldId::UNASSIGNED));
    }
    o.props.push(stamp(PropName::RecurrenceId));
    o.props.push(stamp(PropName::DtStart));
    o.props
        .push(text(PropName::Summary, &format!("Override {}", rng.token())));
    // A key, so that two overrides of one edit never share a RECURRENCE-ID.
    let child = (Vec::new(), format!("VEVENT={day:?}{hour}"));
    Some((
        EditOp::AddComponent {
            owner,
            component: o,
            at: placement(spec, rng),
        },
        child,
    ))
}

/// Performs `ops` in order; ops whose property is gone are skipped.
pub fn perform(record: &Record, ops: &[EditOp]) -> Record {
    let mut record = record.clone();
    for op in ops {
        perform_one(&mut record, op);
    }
    record
}

fn perform_one(record: &mut Record, op: &EditOp) {
    let id = match op {
        EditOp::SetValue { id, .. }
        | EditOp::SetParams { id, .. }
        | EditOp::RemoveProp { id }
        | EditOp::MoveProp { id, .. } => *id,
        EditOp::AddProp { owner, .. } | EditOp::RemoveComponent { owner } | EditOp::AddComponent { owner, .. } => {
            *owner
        }
    };
    let Some(site) = sites(record).into_iter().find(|s| s.id == id) else {
        return;
    };
    let component = component_at_mut(&mut record.root, &site.path);
    match op {
        EditOp::SetValue { value, .. } => component.props[site.index].set_value(value.clone()),
        EditOp::SetParams { params, .. } => *component.props[site.index].params_mut() = params.clone(),
        EditOp::RemoveProp { .. } => drop(component.props.remove(site.index)),
        EditOp::MoveProp { to, .. } => {
            let prop = component.props.remove(site.index);
            let at = to % (component.props.len() + 1);
            component.props.insert(at, prop);
        }
        EditOp::AddProp { prop, at, .. } => {
            let at = position(component.props.iter().map(Prop::name), prop.name(), *at);
            component.props.insert(at, prop.clone());
        }
        EditOp::AddComponent {
            component: child, at, ..
        } => {
            let at = position(component.children.iter().map(Component::name), child.name(), *at);
            component.children.insert(at, child.clone());
        }
        EditOp::RemoveComponent { .. } => {
            if let Some((last, parent)) = site.path.split_last() {
                component_at_mut(&mut record.root, parent).children.remove(*last);
            }
        }
    }
}

fn position<'a, N: PartialEq + 'a>(names: impl Iterator<Item = &'a N>, name: &N, at: Placement) -> usize {
    let names: Vec<&N> = names.collect();
    match at {
        Placement::AfterLastSameName => names.iter().rposition(|n| *n == name).map_or(names.len(), |i| i + 1),
        Placement::Anywhere(n) => n % (names.len() + 1),
    }
}
