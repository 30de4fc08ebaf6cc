//! `diff` and `align_ids`: from two versions of one object to field-level
//! changes, and to stable field ids.
//!
//! Both walk the new version in document order (a component's properties,
//! then its children, depth first — the order [`Record::assign_field_ids`]
//! uses) over the matching of [`super::matching`], so the fresh id `diff`
//! gives an added property is exactly the id `align_ids` gives it.
//!
//! A vCard's `VERSION` (RFC 6350 §6.7.9) is the serialization version the
//! card was written in, not contact data: a client that re-serializes a 2.1
//! card as 3.0 has not edited the contact, and a renderer writes the version
//! it is asked for whatever the property says. So `diff` never reports the
//! `VERSION` of a `VCARD` root (added, changed or removed), and `apply`
//! keeps the target's ([`is_serialization_version`]). `align_ids` still
//! numbers a new `VERSION`, and `diff` skips that id, so the two agree.

use crate::universal::{
    Action, Change, Component, ComponentName, ComponentSelector, FieldId, FieldPath, Prop, PropName, Record,
};

use super::matching::{PropMatch, match_children, match_props};

/// The changes that turn `prev` into `next`.
///
/// `next`'s own field ids are ignored (a freshly parsed version numbers its
/// properties 1..n): its properties are matched to `prev`'s by content. A
/// changed property is one `set` on its `prev` id; a new one an `add` with a
/// fresh id above `prev`'s largest; a vanished one a `remove`. A new
/// sub-component is one `add` carrying the whole component, a vanished one a
/// `remove`, and a changed one yields changes under its selector (one edited
/// occurrence of a recurring event is one `set` under
/// `VEVENT[RECURRENCE-ID=...]`). Comparison is semantic, so a version that
/// only re-serializes `prev` yields no change.
///
/// The roots are compared whatever their names: a record's root name is its
/// kind (contact or calendar object) and is not something a change expresses.
/// Nor is a vCard's serialization version: the `VERSION` of a `VCARD` root
/// never appears in a diff (see the module documentation).
/// Changes carry no raw bytes: they may be applied to a record of another format.
pub fn diff(prev: &Record, next: &Record) -> Vec<Change> {
    let mut walk = Walk {
        path: Vec::new(),
        ids: prev.max_field_id().next(),
        out: Vec::new(),
    };
    walk.component(&prev.root, &next.root);
    walk.out
}

/// Gives `next`'s properties the field ids of their matched counterparts in
/// `prev`, and fresh ids above `prev`'s largest to new ones (in document
/// order). The store calls this on every new version, so ids stay stable
/// across versions; afterwards `apply(prev, &diff(prev, next)) == *next` up to
/// the placement rule of [`super::apply`]. Raw bytes are kept.
pub fn align_ids(prev: &Record, next: &mut Record) {
    let mut ids = prev.max_field_id().next();
    align_component(&prev.root, &mut next.root, &mut ids);
}

fn align_component(prev: &Component, next: &mut Component, ids: &mut FieldId) {
    let matches = match_props(&prev.props, &next.props);
    for (prop, m) in next.props.iter_mut().zip(matches) {
        let id = match m.prev_index() {
            Some(i) => prev.props[i].id(),
            None => take(ids),
        };
        prop.set_id(id);
    }
    let children = match_children(&prev.children, &next.children);
    for (child, m) in next.children.iter_mut().zip(children.matches) {
        match m {
            Some(i) => align_component(&prev.children[i], child, ids),
            None => fresh_ids(child, ids),
        }
    }
}

/// Whether `prop`, a property of the record root `root`, is the vCard
/// `VERSION` (RFC 6350 §6.7.9): how the card was serialized, which no change
/// expresses. Only a `VCARD` root's: iCalendar's `VERSION` (RFC 5545
/// §3.7.4) names the object model and stays data.
pub(crate) fn is_serialization_version(root: &Component, prop: &Prop) -> bool {
    prop.name() == &PropName::Version && root.name() == &ComponentName::VCard
}

/// Numbers every property of a new component from `ids` on, depth first.
pub(crate) fn fresh_ids(component: &mut Component, ids: &mut FieldId) {
    for prop in &mut component.props {
        prop.set_id(take(ids));
    }
    for child in &mut component.children {
        fresh_ids(child, ids);
    }
}

fn take(ids: &mut FieldId) -> FieldId {
    let id = *ids;
    *ids = ids.next();
    id
}

/// A property for a change: `next`'s content under `id`, without raw bytes.
fn change_prop(prop: &Prop, id: FieldId) -> Prop {
    let mut prop = prop.clone().with_id(id);
    // params_mut drops raw bytes: they belong to next's source format, not
    // to whatever record the change is applied to.
    let _ = prop.params_mut();
    prop
}

/// A whole new component for an `add`: fresh ids, no raw bytes.
fn change_component(component: &Component, ids: &mut FieldId) -> Component {
    let mut component = component.clone();
    fresh_ids(&mut component, ids);
    strip_raw(&mut component);
    component
}

pub(crate) fn strip_raw(component: &mut Component) {
    component.set_raw_delimiters(None, None);
    for prop in &mut component.props {
        let _ = prop.params_mut();
    }
    component.children.iter_mut().for_each(strip_raw);
}

struct Walk {
    /// Selectors (in `prev`) of the component being compared.
    path: Vec<ComponentSelector>,
    ids: FieldId,
    out: Vec<Change>,
}

impl Walk {
    fn field(&self, id: FieldId) -> FieldPath {
        FieldPath {
            components: self.path.clone(),
            field: Some(id),
        }
    }

    fn component_path(&self, selector: &ComponentSelector) -> FieldPath {
        let mut components = self.path.clone();
        components.push(selector.clone());
        FieldPath {
            components,
            field: None,
        }
    }

    fn component(&mut self, prev: &Component, next: &Component) {
        // Matching pairs VERSION only with VERSION, so skipping it on both
        // sides leaves every other field's change as it was.
        let at_root = self.path.is_empty();
        let skipped = |prop: &Prop| at_root && is_serialization_version(prev, prop);
        let matches = match_props(&prev.props, &next.props);
        let mut used = vec![false; prev.props.len()];
        for (prop, m) in next.props.iter().zip(matches) {
            if let Some(i) = m.prev_index() {
                used[i] = true;
            }
            match m {
                PropMatch::Same(_) => {}
                _ if skipped(prop) => {
                    if m == PropMatch::New {
                        // align_ids numbers it: keep the fresh ids in step.
                        take(&mut self.ids);
                    }
                }
                PropMatch::Changed(i) => {
                    let id = prev.props[i].id();
                    self.out.push(Change {
                        path: self.field(id),
                        action: Action::Set,
                        prop: Some(change_prop(prop, id)),
                        component: None,
                    });
                }
                PropMatch::New => {
                    let id = take(&mut self.ids);
                    self.out.push(Change {
                        path: self.field(id),
                        action: Action::Add,
                        prop: Some(change_prop(prop, id)),
                        component: None,
                    });
                }
            }
        }
        let removed = prev.props.iter().zip(&used).filter(|(p, used)| !**used && !skipped(p));
        for (prop, _) in removed {
            self.out.push(Change {
                path: self.field(prop.id()),
                action: Action::Remove,
                prop: None,
                component: None,
            });
        }
        self.children(prev, next);
    }

    fn children(&mut self, prev: &Component, next: &Component) {
        if prev.children.is_empty() && next.children.is_empty() {
            return;
        }
        let m = match_children(&prev.children, &next.children);
        let mut used = vec![false; prev.children.len()];
        for (j, child) in next.children.iter().enumerate() {
            match m.matches[j] {
                Some(i) => {
                    used[i] = true;
                    self.path.push(m.prev_selectors[i].clone());
                    self.component(&prev.children[i], child);
                    self.path.pop();
                }
                None => {
                    let component = change_component(child, &mut self.ids);
                    let path = self.component_path(&m.next_selectors[j]);
                    self.out.push(Change {
                        path,
                        action: Action::Add,
                        prop: None,
                        component: Some(component),
                    });
                }
            }
        }
        for (i, _) in used.iter().enumerate().filter(|(_, used)| !**used) {
            let path = self.component_path(&m.prev_selectors[i]);
            self.out.push(Change {
                path,
                action: Action::Remove,
                prop: None,
                component: None,
            });
        }
    }
}
