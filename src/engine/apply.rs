//! `apply`: a change list on a record gives the next version.
//!
//! Every path is resolved against `prev` as it was before any change of the
//! list, the way `diff` wrote it: index selectors (`VALARM[2]`) do not shift
//! while the list is applied, and the order of the changes does not matter
//! except among adds. Placement rule: a `set` replaces its property in
//! place; an added property goes right after the last property of the same
//! name in its component (a new TEL joins the TELs), or at the end; an added
//! sub-component likewise after the last same-named sibling. So
//! `apply(a, &diff(a, b))` equals `b` (ids aligned) whenever `b` placed its
//! new fields that way, and equals it up to the order of properties and
//! siblings always.
//!
//! A `VCARD` root keeps its own `VERSION` (RFC 6350 §6.7.9): a change that
//! adds, sets or removes it, or that would put a `VERSION` in its place, is
//! skipped, since the version is how the target was serialized, not contact
//! data (see [`super::diff`]).

use std::collections::{HashMap, HashSet};

use crate::universal::{
    Action, Change, Component, ComponentName, ComponentSelector, FieldId, FieldPath, Prop, Record, SelectorKey,
};

use super::diff::is_serialization_version;
use super::error::{ChangeDefect, EngineError};
use super::matching::selectors;

/// The next version: `prev` with `changes` applied. Fails, naming the path,
/// on a field id or component the record does not hold and on a malformed
/// change; `prev` is never modified. Changes of a vCard's `VERSION` are
/// skipped: the target keeps its own (module documentation).
pub fn apply(prev: &Record, changes: &[Change]) -> Result<Record, EngineError> {
    let mut plans: HashMap<Vec<usize>, NodePlan> = HashMap::new();
    let mut added_ids: Vec<(FieldId, &FieldPath)> = Vec::new();
    for change in changes {
        plan(&prev.root, change, &mut plans, &mut added_ids)?;
    }
    check_fresh(prev, &added_ids)?;
    let mut next = prev.clone();
    if !plans.is_empty() {
        rebuild(&mut next.root, &mut Vec::new(), &mut plans);
    }
    if added_ids.iter().any(|(id, _)| id.is_unassigned()) {
        next.assign_field_ids();
    }
    Ok(next)
}

/// What happens to one component, by indices into its `prev` state.
#[derive(Default)]
struct NodePlan {
    sets: Vec<(usize, Prop)>,
    removed_props: Vec<usize>,
    added_props: Vec<Prop>,
    removed_children: Vec<usize>,
    added_children: Vec<Component>,
}

fn plan<'c>(
    root: &Component,
    change: &'c Change,
    plans: &mut HashMap<Vec<usize>, NodePlan>,
    added_ids: &mut Vec<(FieldId, &'c FieldPath)>,
) -> Result<(), EngineError> {
    let path = &change.path;
    let invalid = |defect| EngineError::invalid(path, defect);
    let Some(field) = path.field else {
        return plan_component(root, change, plans, added_ids);
    };
    let (indices, component) = resolve(root, &path.components, path)?;
    if indices.is_empty() && touches_serialization_version(root, change, field) {
        return Ok(());
    }
    let position = || {
        component
            .props
            .iter()
            .position(|p| p.id() == field)
            .ok_or_else(|| EngineError::UnknownField { path: path.clone() })
    };
    let with_id = |prop: &Prop| -> Result<Prop, EngineError> {
        match prop.id() {
            id if id == field || id.is_unassigned() => Ok(prop.clone().with_id(field)),
            _ => Err(invalid(ChangeDefect::IdMismatch)),
        }
    };
    match change.action {
        Action::Set => {
            let prop = with_id(change.prop.as_ref().ok_or_else(|| invalid(ChangeDefect::MissingProp))?)?;
            let at = position()?;
            plans.entry(indices).or_default().sets.push((at, prop));
        }
        Action::Remove => {
            let at = position()?;
            plans.entry(indices).or_default().removed_props.push(at);
        }
        Action::Add => {
            let prop = with_id(change.prop.as_ref().ok_or_else(|| invalid(ChangeDefect::MissingProp))?)?;
            added_ids.push((field, path));
            plans.entry(indices).or_default().added_props.push(prop);
        }
    }
    Ok(())
}

/// Whether a field change at the root adds, sets or removes a vCard's
/// `VERSION`, or carries one.
fn touches_serialization_version(root: &Component, change: &Change, field: FieldId) -> bool {
    if root.name() != &ComponentName::VCard {
        return false;
    }
    let carried = change.prop.as_ref().is_some_and(|p| is_serialization_version(root, p));
    carried
        || (change.action != Action::Add
            && root
                .props
                .iter()
                .any(|p| p.id() == field && is_serialization_version(root, p)))
}

fn plan_component<'c>(
    root: &Component,
    change: &'c Change,
    plans: &mut HashMap<Vec<usize>, NodePlan>,
    added_ids: &mut Vec<(FieldId, &'c FieldPath)>,
) -> Result<(), EngineError> {
    let path = &change.path;
    let invalid = |defect| EngineError::invalid(path, defect);
    let Some((selector, parent_selectors)) = path.components.split_last() else {
        return Err(invalid(ChangeDefect::RootComponent));
    };
    let (indices, parent) = resolve(root, parent_selectors, path)?;
    match change.action {
        Action::Set => Err(invalid(ChangeDefect::SetWithoutField)),
        Action::Remove => {
            let at = selectors(&parent.children).iter().position(|s| s == selector);
            let at = at.ok_or_else(|| EngineError::UnknownComponent { path: path.clone() })?;
            plans.entry(indices).or_default().removed_children.push(at);
            Ok(())
        }
        Action::Add => {
            let component = change
                .component
                .as_ref()
                .ok_or_else(|| invalid(ChangeDefect::MissingComponent))?;
            if component.name() != &selector.name {
                return Err(invalid(ChangeDefect::SelectorMismatch));
            }
            if let SelectorKey::Prop { .. } = selector.key {
                // A keyed add must carry that key, and the key must be new.
                let own = selectors(std::slice::from_ref(component));
                if own[0] != *selector {
                    return Err(invalid(ChangeDefect::SelectorMismatch));
                }
                if selectors(&parent.children).contains(selector) {
                    return Err(invalid(ChangeDefect::DuplicateComponent));
                }
            }
            component.walk(&mut |c| added_ids.extend(c.props.iter().map(|p| (p.id(), path))));
            plans.entry(indices).or_default().added_children.push(component.clone());
            Ok(())
        }
    }
}

/// Follows `selectors` down from `root`: the child indices and the component.
fn resolve<'a>(
    root: &'a Component,
    selectors_path: &[ComponentSelector],
    path: &FieldPath,
) -> Result<(Vec<usize>, &'a Component), EngineError> {
    let mut indices = Vec::with_capacity(selectors_path.len());
    let mut component = root;
    for selector in selectors_path {
        let at = selectors(&component.children).iter().position(|s| s == selector);
        let at = at.ok_or_else(|| EngineError::UnknownComponent { path: path.clone() })?;
        indices.push(at);
        component = &component.children[at];
    }
    Ok((indices, component))
}

/// The component at `selectors_path` below `root`, if there is one.
pub(crate) fn find_component<'a>(root: &'a Component, selectors_path: &[ComponentSelector]) -> Option<&'a Component> {
    let path = FieldPath {
        components: Vec::new(),
        field: None,
    };
    resolve(root, selectors_path, &path).ok().map(|(_, c)| c)
}

/// Added field ids must be new to the record and to each other (0 = assign one).
fn check_fresh(prev: &Record, added: &[(FieldId, &FieldPath)]) -> Result<(), EngineError> {
    if added.is_empty() {
        return Ok(());
    }
    let mut taken = HashSet::new();
    prev.root.walk(&mut |c| taken.extend(c.props.iter().map(Prop::id)));
    for (id, path) in added {
        if !id.is_unassigned() && !taken.insert(*id) {
            return Err(EngineError::invalid(path, ChangeDefect::DuplicateFieldId));
        }
    }
    Ok(())
}

/// Children first (their indices are still `prev`'s), then this component.
fn rebuild(component: &mut Component, indices: &mut Vec<usize>, plans: &mut HashMap<Vec<usize>, NodePlan>) {
    for (i, child) in component.children.iter_mut().enumerate() {
        if plans.is_empty() {
            break;
        }
        indices.push(i);
        rebuild(child, indices, plans);
        indices.pop();
    }
    if let Some(plan) = plans.remove(indices.as_slice()) {
        plan.execute(component);
    }
}

impl NodePlan {
    fn execute(self, component: &mut Component) {
        for (at, prop) in self.sets {
            component.props[at] = prop;
        }
        retain_indices(&mut component.props, &self.removed_props);
        retain_indices(&mut component.children, &self.removed_children);
        for prop in self.added_props {
            let at = component
                .props
                .iter()
                .rposition(|p| p.name() == prop.name())
                .map_or(component.props.len(), |i| i + 1);
            component.props.insert(at, prop);
        }
        for child in self.added_children {
            let at = component
                .children
                .iter()
                .rposition(|c| c.name() == child.name())
                .map_or(component.children.len(), |i| i + 1);
            component.children.insert(at, child);
        }
    }
}

fn retain_indices<T>(items: &mut Vec<T>, removed: &[usize]) {
    if removed.is_empty() {
        return;
    }
    let mut index = 0;
    items.retain(|_| {
        let keep = !removed.contains(&index);
        index += 1;
        keep
    });
}
