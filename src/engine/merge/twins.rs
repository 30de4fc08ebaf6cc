//! Identical twins (merge rule 5): a base field or keyless sub-component
//! with the same content as the one a removal hit, which can take that
//! removal's place. Matching is by content, so a version that lost one of
//! two equal copies says nothing about which copy went.

use crate::universal::{Change, Component, FieldPath};

use crate::engine::apply::find_component;
use crate::engine::matching::{same_component, selectors};

/// Finds twins in `base` that neither change list touches, each at most once.
pub(super) struct Twins<'a> {
    base: &'a Component,
    changes: [&'a [Change]; 2],
    /// Twins already removed in place of another.
    taken: Vec<FieldPath>,
}

impl<'a> Twins<'a> {
    pub(super) fn new(base: &'a Component, changes: [&'a [Change]; 2]) -> Self {
        Twins {
            base,
            changes,
            taken: Vec::new(),
        }
    }

    /// A base field with the same content as the one at `path`, in the same
    /// component, that neither side changes and no other removal took.
    pub(super) fn field(&mut self, path: &FieldPath) -> Option<FieldPath> {
        let field = path.field?;
        let component = find_component(self.base, &path.components)?;
        let original = component.props.iter().find(|p| p.id() == field)?;
        let candidates = component
            .props
            .iter()
            .filter(|p| p.id() != field && p.same_content(original))
            .map(|p| FieldPath {
                components: path.components.clone(),
                field: Some(p.id()),
            });
        self.take(candidates)
    }

    /// A base sibling with the same content as the sub-component at `path`
    /// that neither side changes (nor anything inside it) and no other
    /// removal took.
    pub(super) fn component(&mut self, path: &FieldPath) -> Option<FieldPath> {
        let (selector, parent_path) = path.components.split_last()?;
        let parent = find_component(self.base, parent_path)?;
        let siblings = selectors(&parent.children);
        let at = siblings.iter().position(|s| s == selector)?;
        let original = &parent.children[at];
        let candidates = parent
            .children
            .iter()
            .zip(&siblings)
            .enumerate()
            .filter(|(i, (child, _))| *i != at && same_component(child, original))
            .map(|(_, (_, sibling))| {
                let mut components = parent_path.to_vec();
                components.push(sibling.clone());
                FieldPath {
                    components,
                    field: None,
                }
            });
        self.take(candidates)
    }

    fn take(&mut self, mut candidates: impl Iterator<Item = FieldPath>) -> Option<FieldPath> {
        let twin = candidates.find(|twin| self.untouched(twin) && !self.taken.contains(twin))?;
        self.taken.push(twin.clone());
        Some(twin)
    }

    /// Whether no change of either side is at `twin` (or, for a
    /// sub-component, anywhere inside it).
    fn untouched(&self, twin: &FieldPath) -> bool {
        !self
            .changes
            .iter()
            .flat_map(|c| c.iter())
            .any(|c| c.path == *twin || (twin.field.is_none() && c.path.components.starts_with(&twin.components)))
    }
}
