//! `merge`: a three-way merge of two versions that share a base, field by
//! field. The rules (also in `docs/merge-rules.md`):
//!
//! 1. **Different fields both survive.** Each side's changes against `base`
//!    ([`diff`]) are kept when the other side left that field (or
//!    sub-component) alone.
//! 2. **Same change on both sides** is made once, with no conflict: both set
//!    a field to equal content, both remove it, both add equal properties or
//!    equal sub-components to the same component.
//! 3. **Theirs wins a same-field conflict.** `theirs` is the later-arriving
//!    version (the transaction being merged in); when both set one field to
//!    different content, or both add a sub-component with the same key (an
//!    override for the same RECURRENCE-ID) with different content, theirs is
//!    kept and ours is recorded as lost.
//! 4. **Edit beats delete.** When one side removes a field and the other
//!    sets it, the set survives; when one side removes a sub-component and
//!    the other changes anything inside it, the sub-component survives with
//!    that change. The removal is recorded as lost. A removal inside a
//!    sub-component the other side removed is simply part of that removal.
//! 5. **Identical twins are interchangeable.** When one side removes a
//!    field (or keyless sub-component) that the other edits, and `base` holds
//!    an identical twin of it (same content: two equal NOTEs, two equal
//!    alarms) that neither side touches, the remover's version cannot be told
//!    from one that removed the twin: the twin is removed, the edit kept, and
//!    there is no conflict. Matching by content cannot know which of two
//!    equal copies a client deleted; this rule makes the answer the one that
//!    keeps both sides' intent.
//! 6. **Adds never collide.** Properties both sides add are all kept (equal
//!    ones once): ours keep the ids `diff` gave them, theirs are renumbered
//!    above them, in order.
//!
//! A vCard's `VERSION` is how the card was serialized, not a field
//! ([`super::diff`] never reports it), so it never conflicts and the merged
//! record keeps `base`'s.
//!
//! Every conflict is a [`Conflict`] naming the path, the rule, and the kept
//! and lost values, so nothing is lost: the change log records them. Merge is
//! deterministic (no hashing order reaches the output) and, by rule 3,
//! depends on argument order only where a conflict is resolved.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::universal::{Action, Change, Component, ComponentSelector, FieldId, FieldPath, Prop, Record, SelectorKey};

use super::apply::{apply, find_component};

mod twins;
use super::diff::diff;
use super::error::EngineError;
use super::matching::same_component;
use twins::Twins;

/// A merged record and the conflicts resolved on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub record: Record,
    pub conflicts: Vec<Conflict>,
}

/// One resolved conflict: what stands now and what lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub path: FieldPath,
    pub rule: MergeRule,
    pub kept: ConflictValue,
    pub lost: ConflictValue,
}

/// Which rule resolved a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MergeRule {
    /// Both sides changed the same field: the later-arriving side won.
    TheirsWins,
    /// One side removed what the other changed: the change won.
    EditBeatsDelete,
}

/// One side's value at a conflicting path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum ConflictValue {
    Prop(Prop),
    Component(Component),
    /// The side removed the field or sub-component.
    Removed,
}

/// Merges `ours` and `theirs`, two versions derived from `base`, by the rules
/// in the module documentation. Fails only if a record holds duplicate field
/// ids (records built by [`Record::new`] and [`super::align_ids`] never do).
pub fn merge(base: &Record, ours: &Record, theirs: &Record) -> Result<Merged, EngineError> {
    let ours = diff(base, ours);
    let mut theirs = diff(base, theirs);
    renumber_adds(&mut theirs, first_free_after(base, &ours));
    let mut merger = Merger::new(&base.root, &ours, &theirs);
    merger.run();
    let Merger {
        merged, mut conflicts, ..
    } = merger;
    let record = apply(base, &merged)?;
    for conflict in &mut conflicts {
        // A surviving sub-component is recorded as it stands after the merge.
        if conflict.path.field.is_none()
            && conflict.rule == MergeRule::EditBeatsDelete
            && let Some(component) = find_component(&record.root, &conflict.path.components)
        {
            conflict.kept = ConflictValue::Component(component.clone());
        }
    }
    Ok(Merged { record, conflicts })
}

/// The first id above `base`'s and above every id ours added.
fn first_free_after(base: &Record, ours: &[Change]) -> FieldId {
    let mut max = base.max_field_id();
    for change in ours.iter().filter(|c| c.action == Action::Add) {
        if let Some(prop) = &change.prop {
            max = max.max(prop.id());
        }
        if let Some(component) = &change.component {
            component.walk(&mut |c| c.props.iter().for_each(|p| max = max.max(p.id())));
        }
    }
    max.next()
}

fn renumber_adds(changes: &mut [Change], mut next: FieldId) {
    fn component(c: &mut Component, next: &mut FieldId) {
        for prop in &mut c.props {
            prop.set_id(*next);
            *next = next.next();
        }
        c.children.iter_mut().for_each(|child| component(child, next));
    }
    for change in changes.iter_mut().filter(|c| c.action == Action::Add) {
        if let Some(prop) = &mut change.prop {
            prop.set_id(next);
            change.path.field = Some(next);
            next = next.next();
        }
        if let Some(c) = &mut change.component {
            component(c, &mut next);
        }
    }
}

/// What a change targets, for pairing one side's change with the other's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    /// A `set` or `remove` of an existing field.
    Field,
    /// The removal of an existing sub-component.
    ComponentRemoval,
    /// The add of a sub-component with a key (RECURRENCE-ID, TZID, UID).
    KeyedComponentAdd,
}

fn target(change: &Change) -> Option<Target> {
    match (change.path.field, change.action) {
        (Some(_), Action::Set | Action::Remove) => Some(Target::Field),
        (None, Action::Remove) => Some(Target::ComponentRemoval),
        (None, Action::Add) => match change.path.components.last().map(|s| &s.key) {
            Some(SelectorKey::Prop { .. }) => Some(Target::KeyedComponentAdd),
            _ => None,
        },
        _ => None,
    }
}

fn index(changes: &[Change]) -> HashMap<(&FieldPath, Target), usize> {
    changes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| target(c).map(|t| ((&c.path, t), i)))
        .collect()
}

/// Whether `changes` edit anything (set or add) inside `component`.
fn edits_under(changes: &[Change], component: &[ComponentSelector]) -> bool {
    changes.iter().any(|c| {
        c.action != Action::Remove
            && c.path.components.starts_with(component)
            && (c.path.field.is_some() || c.path.components.len() > component.len())
    })
}

struct Merger<'a> {
    ours: &'a [Change],
    theirs: &'a [Change],
    theirs_index: HashMap<(&'a FieldPath, Target), usize>,
    theirs_handled: Vec<bool>,
    merged: Vec<Change>,
    conflicts: Vec<Conflict>,
    twins: Twins<'a>,
}

impl<'a> Merger<'a> {
    fn new(base: &'a Component, ours: &'a [Change], theirs: &'a [Change]) -> Self {
        Merger {
            ours,
            theirs,
            theirs_index: index(theirs),
            theirs_handled: vec![false; theirs.len()],
            merged: Vec::new(),
            conflicts: Vec::new(),
            twins: Twins::new(base, [ours, theirs]),
        }
    }

    fn run(&mut self) {
        for change in self.ours {
            self.ours_change(change);
        }
        for (i, change) in self.theirs.iter().enumerate() {
            if !self.theirs_handled[i] {
                self.theirs_change(change);
            }
        }
    }

    fn conflict(&mut self, path: &FieldPath, rule: MergeRule, kept: ConflictValue, lost: ConflictValue) {
        self.conflicts.push(Conflict {
            path: path.clone(),
            rule,
            kept,
            lost,
        });
    }

    fn ours_change(&mut self, change: &Change) {
        if self.inside_surviving_removal(change, self.theirs, self.ours) {
            return;
        }
        let other = target(change).and_then(|t| self.theirs_index.get(&(&change.path, t)).copied());
        if let Some(i) = other {
            self.theirs_handled[i] = true;
            return self.pair(change, &self.theirs[i]);
        }
        if change.path.field.is_none()
            && change.action == Action::Remove
            && edits_under(self.theirs, &change.path.components)
        {
            return self.component_removal_against_edit(&change.path);
        }
        self.merged.push(change.clone());
    }

    fn theirs_change(&mut self, change: &Change) {
        if self.inside_surviving_removal(change, self.ours, self.theirs) {
            return;
        }
        if change.action == Action::Add && self.ours.iter().any(|o| same_add(o, change)) {
            return;
        }
        if change.path.field.is_none()
            && change.action == Action::Remove
            && edits_under(self.ours, &change.path.components)
        {
            return self.component_removal_against_edit(&change.path);
        }
        self.merged.push(change.clone());
    }

    /// Whether `change` lies inside a sub-component that `other` removes and
    /// whose removal survives (its own side, `mine`, edits nothing inside).
    fn inside_surviving_removal(&self, change: &Change, other: &[Change], mine: &[Change]) -> bool {
        other.iter().any(|o| {
            o.action == Action::Remove
                && o.path.field.is_none()
                && change.path.components.len() >= o.path.components.len()
                && change.path.components.starts_with(&o.path.components)
                && change.path != o.path
                && !edits_under(mine, &o.path.components)
        })
    }

    /// One side sets a field the other removes: the set survives, and the
    /// removal goes to an untouched identical twin (rule 5) or is recorded
    /// as lost (rule 4).
    fn set_against_removal(&mut self, set: &Change) {
        self.merged.push(set.clone());
        if let Some(twin) = self.twins.field(&set.path) {
            return self.merged.push(removal(twin));
        }
        let kept = set.prop.clone().map_or(ConflictValue::Removed, ConflictValue::Prop);
        self.conflict(&set.path, MergeRule::EditBeatsDelete, kept, ConflictValue::Removed);
    }

    /// One side removes a sub-component the other edits inside: the removal
    /// goes to an untouched identical twin (rule 5), or the sub-component
    /// survives and the removal is recorded as lost (rule 4; `merge` fills
    /// in the kept value).
    fn component_removal_against_edit(&mut self, path: &FieldPath) {
        if let Some(twin) = self.twins.component(path) {
            return self.merged.push(removal(twin));
        }
        self.conflict(
            path,
            MergeRule::EditBeatsDelete,
            ConflictValue::Removed,
            ConflictValue::Removed,
        );
    }

    /// Ours and theirs changed the same target.
    fn pair(&mut self, ours: &Change, theirs: &Change) {
        let prop_of = |c: &Change| c.prop.clone().map_or(ConflictValue::Removed, ConflictValue::Prop);
        match (ours.action, theirs.action) {
            (Action::Remove, Action::Remove) => self.merged.push(ours.clone()),
            (Action::Set, Action::Set) if same_prop(ours, theirs) => self.merged.push(ours.clone()),
            (Action::Set, Action::Set) => {
                self.merged.push(theirs.clone());
                self.conflict(&ours.path, MergeRule::TheirsWins, prop_of(theirs), prop_of(ours));
            }
            (Action::Set, Action::Remove) => self.set_against_removal(ours),
            (Action::Remove, Action::Set) => self.set_against_removal(theirs),
            (Action::Add, Action::Add) if same_add(ours, theirs) => self.merged.push(ours.clone()),
            (Action::Add, Action::Add) => {
                self.merged.push(theirs.clone());
                let component_of = |c: &Change| {
                    c.component
                        .clone()
                        .map_or(ConflictValue::Removed, ConflictValue::Component)
                };
                self.conflict(
                    &ours.path,
                    MergeRule::TheirsWins,
                    component_of(theirs),
                    component_of(ours),
                );
            }
            // Targets pair only like with like (see `target`).
            _ => self.merged.push(theirs.clone()),
        }
    }
}

fn removal(path: FieldPath) -> Change {
    Change {
        path,
        action: Action::Remove,
        prop: None,
        component: None,
    }
}

fn same_prop(a: &Change, b: &Change) -> bool {
    match (&a.prop, &b.prop) {
        (Some(x), Some(y)) => x.same_content(y),
        (None, None) => true,
        _ => false,
    }
}

/// Two adds of equal content into the same component.
fn same_add(a: &Change, b: &Change) -> bool {
    if a.action != Action::Add || b.action != Action::Add {
        return false;
    }
    match (&a.prop, &b.prop, &a.component, &b.component) {
        (Some(x), Some(y), None, None) => a.path.components == b.path.components && x.same_content(y),
        (None, None, Some(x), Some(y)) => {
            let parent = |c: &Change| {
                c.path
                    .components
                    .len()
                    .checked_sub(1)
                    .map(|n| c.path.components[..n].to_vec())
            };
            parent(a) == parent(b) && same_component(x, y)
        }
        _ => false,
    }
}
