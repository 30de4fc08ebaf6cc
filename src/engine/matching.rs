//! Matching: which property and sub-component of a new version is which of
//! the previous version. Everything else in the engine (field-id alignment,
//! diff, apply's path resolution) rests on these two decisions.
//!
//! Properties are matched in three passes, each taking the first unmatched
//! candidate in document order (pass 1b: the nearest in rank, then the
//! first) so the outcome is deterministic:
//! 1. identical content ([`Prop::same_content`]: semantic values, parameters in
//!    any order) — at the same position (and the same rank among properties
//!    of its name) first, then anywhere, preferring among identical twins the
//!    one of the nearest rank;
//! 2. same name, group and `TYPE` set (RFC 6350 §5.6), value changed;
//! 3. same name.
//!
//! Sub-components are matched by identity ([`ComponentSelector`]): an
//! occurrence override by its RECURRENCE-ID (RFC 5545 §3.8.4.4), a time zone
//! by its TZID (§3.8.3.1), an alarm or other sub-component by its UID
//! (RFC 9074 §4), and anything without such a key (the master event, a
//! UID-less alarm, STANDARD/DAYLIGHT) by content first, then by position
//! among keyless siblings of the same name.

use std::collections::HashMap;

use super::key_text::key_text;
use crate::universal::{Component, ComponentName, ComponentSelector, ParamName, Prop, PropName, SelectorKey};

/// How one property of the new version relates to the previous version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PropMatch {
    /// Same content as the previous property at this index.
    Same(usize),
    /// The previous property at this index, with changed content.
    Changed(usize),
    /// No counterpart: a new property.
    New,
}

impl PropMatch {
    pub(crate) fn prev_index(self) -> Option<usize> {
        match self {
            PropMatch::Same(i) | PropMatch::Changed(i) => Some(i),
            PropMatch::New => None,
        }
    }
}

/// Matches the properties of `next` to those of `prev` (one entry per `next` property).
pub(crate) fn match_props(prev: &[Prop], next: &[Prop]) -> Vec<PropMatch> {
    let mut used = vec![false; prev.len()];
    let mut result = vec![PropMatch::New; next.len()];
    let (prev_ranks, next_ranks) = (name_ranks(prev), name_ranks(next));
    // Pass 1a: unchanged in place — the common case, and O(n). The same
    // rank among same-named properties too, or else an earlier one of its
    // name was removed and this may be a later identical twin sliding into
    // its place (two equal NOTEs, the first edited: the second stays the second).
    for (j, n) in next.iter().enumerate() {
        if prev
            .get(j)
            .is_some_and(|p| prev_ranks[j] == next_ranks[j] && p.same_content(n))
        {
            used[j] = true;
            result[j] = PropMatch::Same(j);
        }
    }
    // Pass 1b: unchanged but moved; among identical candidates, the one
    // whose rank among same-named properties is nearest.
    for (j, n) in next.iter().enumerate() {
        if result[j] != PropMatch::New {
            continue;
        }
        let nearest = (0..prev.len())
            .filter(|&i| !used[i] && prev[i].same_content(n))
            .min_by_key(|&i| prev_ranks[i].abs_diff(next_ranks[j]));
        if let Some(i) = nearest {
            used[i] = true;
            result[j] = PropMatch::Same(i);
        }
    }
    if result.iter().all(|m| *m != PropMatch::New) {
        return result;
    }
    // Pass 2: same name, group and TYPE set — the same field with a new value.
    for (j, n) in next.iter().enumerate() {
        if result[j] == PropMatch::New {
            let types = type_set(n);
            if let Some(i) = first_unused(prev, &used, |p| {
                p.name() == n.name() && same_group(p, n) && type_set(p) == types
            }) {
                used[i] = true;
                result[j] = PropMatch::Changed(i);
            }
        }
    }
    // Pass 3: same name.
    for (j, n) in next.iter().enumerate() {
        if result[j] == PropMatch::New
            && let Some(i) = first_unused(prev, &used, |p| p.name() == n.name())
        {
            used[i] = true;
            result[j] = PropMatch::Changed(i);
        }
    }
    result
}

/// For each property, how many earlier properties share its name.
fn name_ranks(props: &[Prop]) -> Vec<u32> {
    // A short list beats hashing for the few distinct names of a typical
    // component; a map keeps a component with thousands of them linear.
    const LIST_UP_TO: usize = 32;
    if props.len() > LIST_UP_TO {
        let mut seen: HashMap<&PropName, u32> = HashMap::new();
        return props
            .iter()
            .map(|p| {
                let count = seen.entry(p.name()).or_default();
                *count += 1;
                *count - 1
            })
            .collect();
    }
    let mut seen: Vec<(&PropName, u32)> = Vec::new();
    props
        .iter()
        .map(|p| match seen.iter_mut().find(|(name, _)| *name == p.name()) {
            Some((_, count)) => {
                *count += 1;
                *count - 1
            }
            None => {
                seen.push((p.name(), 1));
                0
            }
        })
        .collect()
}

fn first_unused(prev: &[Prop], used: &[bool], mut accept: impl FnMut(&Prop) -> bool) -> Option<usize> {
    prev.iter()
        .enumerate()
        .find(|(i, p)| !used[*i] && accept(p))
        .map(|(i, _)| i)
}

fn same_group(a: &Prop, b: &Prop) -> bool {
    match (a.group(), b.group()) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (None, None) => true,
        _ => false,
    }
}

/// The `TYPE` values of a property as a set: lower case, sorted, deduplicated.
fn type_set(prop: &Prop) -> Vec<String> {
    let mut types: Vec<String> = prop
        .params()
        .iter()
        .filter(|p| p.name == ParamName::Type)
        .flat_map(|p| p.values.iter().map(|v| v.to_ascii_lowercase()))
        .collect();
    types.sort_unstable();
    types.dedup();
    types
}

/// The sub-components of one parent, matched across two versions.
#[derive(Debug)]
pub(crate) struct ChildMatching {
    pub prev_selectors: Vec<ComponentSelector>,
    pub next_selectors: Vec<ComponentSelector>,
    /// For each `next` child, the index of its `prev` counterpart.
    pub matches: Vec<Option<usize>>,
}

/// Matches the children of `next` to those of `prev` by identity.
pub(crate) fn match_children(prev: &[Component], next: &[Component]) -> ChildMatching {
    let prev_selectors = selectors(prev);
    let next_selectors = selectors(next);
    let mut used = vec![false; prev.len()];
    let mut matches = vec![None; next.len()];
    let keyed: HashMap<&ComponentSelector, usize> = prev_selectors
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.key, SelectorKey::Prop { .. }))
        .map(|(i, s)| (s, i))
        .collect();
    for (j, selector) in next_selectors.iter().enumerate() {
        if let Some(&i) = keyed.get(selector) {
            used[i] = true;
            matches[j] = Some(i);
        }
    }
    let keyless = |s: &ComponentSelector| !matches!(s.key, SelectorKey::Prop { .. });
    // Keyless: identical content first, so deleting the first of two alarms
    // is one removal, not an edit of the first plus a removal of the second.
    for pass_requires_same_content in [true, false] {
        for (j, n) in next.iter().enumerate() {
            if matches[j].is_some() || !keyless(&next_selectors[j]) {
                continue;
            }
            let found = (0..prev.len()).find(|&i| {
                !used[i]
                    && keyless(&prev_selectors[i])
                    && prev[i].name() == n.name()
                    && (!pass_requires_same_content || same_component(&prev[i], n))
            });
            if let Some(i) = found {
                used[i] = true;
                matches[j] = Some(i);
            }
        }
    }
    ChildMatching {
        prev_selectors,
        next_selectors,
        matches,
    }
}

/// Same name, properties (content, in order) and children; ignores field ids and raw bytes.
pub(crate) fn same_component(a: &Component, b: &Component) -> bool {
    a.name() == b.name()
        && a.props.len() == b.props.len()
        && a.children.len() == b.children.len()
        && a.props.iter().zip(&b.props).all(|(x, y)| x.same_content(y))
        && a.children.iter().zip(&b.children).all(|(x, y)| same_component(x, y))
}

/// The selector of every child of one parent, in order.
///
/// A child whose identity key is missing, unusable in a path (`[` or `]` in
/// it) or shared with a same-named sibling is keyless; a keyless child is
/// `NAME` when it is its name's only keyless child, else `NAME[n]` (1-based).
pub(crate) fn selectors(children: &[Component]) -> Vec<ComponentSelector> {
    let keys: Vec<Option<(&'static str, String)>> = children.iter().map(identity_key).collect();
    let mut key_counts: HashMap<(&ComponentName, &str, &str), u32> = HashMap::new();
    for (child, key) in children.iter().zip(&keys) {
        if let Some((name, value)) = key {
            *key_counts.entry((child.name(), name, value)).or_default() += 1;
        }
    }
    let keys: Vec<Option<(&'static str, String)>> = children
        .iter()
        .zip(keys.iter())
        .map(|(child, key)| {
            key.clone()
                .filter(|(name, value)| key_counts[&(child.name(), *name, value.as_str())] == 1)
        })
        .collect();
    let mut keyless_totals: HashMap<&ComponentName, u32> = HashMap::new();
    for (child, key) in children.iter().zip(&keys) {
        if key.is_none() {
            *keyless_totals.entry(child.name()).or_default() += 1;
        }
    }
    let mut seen: HashMap<&ComponentName, u32> = HashMap::new();
    children
        .iter()
        .zip(keys)
        .map(|(child, key)| {
            let key = match key {
                Some((name, value)) => SelectorKey::Prop {
                    name: name.to_owned(),
                    value,
                },
                None => {
                    let n = seen.entry(child.name()).or_default();
                    *n += 1;
                    if keyless_totals[child.name()] == 1 {
                        SelectorKey::None
                    } else {
                        SelectorKey::Index(*n)
                    }
                }
            };
            ComponentSelector {
                name: child.name().clone(),
                key,
            }
        })
        .collect()
}

/// The property that identifies a component among its siblings, and its text.
fn identity_key(component: &Component) -> Option<(&'static str, String)> {
    let (name, prop) = if let Some(prop) = component.prop(&PropName::RecurrenceId) {
        ("RECURRENCE-ID", prop)
    } else {
        match component.name() {
            ComponentName::VTimezone => ("TZID", component.prop(&PropName::TzId)?),
            // Masters share their UID with their overrides: position tells them apart.
            ComponentName::VEvent | ComponentName::VTodo | ComponentName::VJournal | ComponentName::VFreeBusy => {
                return None;
            }
            _ => ("UID", component.prop(&PropName::Uid)?),
        }
    };
    let text = key_text(prop.value())?;
    (!text.is_empty() && !text.contains(['[', ']'])).then_some((name, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::universal::{Date, DateTimeValue, Param, Params, Time, Value};

    fn tel(types: &[&str], number: &str) -> Prop {
        let params = Params::new(vec![Param::new(
            ParamName::Type,
            types.iter().map(|t| t.to_string()).collect(),
        )]);
        Prop::new(PropName::Tel, Value::Text(number.into())).with_params(params)
    }

    fn override_at(day: u8) -> Component {
        let mut c = Component::new(ComponentName::VEvent);
        let date = Date {
            year: Some(2024),
            month: Some(1),
            day: Some(day),
        };
        let time = Time {
            hour: 9,
            minute: 0,
            second: 0,
            utc: true,
            offset_minutes: None,
        };
        c.props.push(Prop::new(
            PropName::RecurrenceId,
            Value::DateTimes(vec![DateTimeValue::DateTime { date, time }]),
        ));
        c
    }

    #[test]
    fn props_match_identical_then_same_type_set_then_same_name() {
        let prev = [tel(&["work"], "1"), tel(&["home"], "2"), tel(&["cell"], "3")];
        let next = [tel(&["cell"], "3"), tel(&["HOME"], "22"), tel(&["fax"], "4")];
        assert_eq!(
            match_props(&prev, &next),
            [PropMatch::Same(2), PropMatch::Changed(1), PropMatch::Changed(0)]
        );
    }

    #[test]
    fn name_ranks_count_earlier_same_named_props_in_both_representations() {
        let small = [tel(&["a"], "1"), tel(&["b"], "2"), tel(&["c"], "3")];
        assert_eq!(name_ranks(&small), [0, 1, 2]);
        let mut many: Vec<Prop> = (0..40)
            .map(|i| Prop::new(PropName::Other(format!("X-{}", i % 20)), Value::Raw(i.to_string())))
            .collect();
        many.push(tel(&[], "9"));
        let ranks = name_ranks(&many);
        assert_eq!((ranks[0], ranks[19], ranks[20], ranks[39], ranks[40]), (0, 0, 1, 1, 0));
    }

    #[test]
    fn rfc5545_3_8_4_4_overrides_are_selected_by_recurrence_id() {
        let mut master = Component::new(ComponentName::VEvent);
        master.props.push(Prop::new(PropName::Summary, Value::Text("m".into())));
        let s = selectors(&[master, override_at(5)]);
        assert_eq!(s[0].key, SelectorKey::None);
        assert_eq!(
            s[1].key,
            SelectorKey::Prop {
                name: "RECURRENCE-ID".into(),
                value: "20240105T090000Z".into()
            }
        );
    }

    #[test]
    fn duplicate_keys_fall_back_to_positions() {
        let s = selectors(&[override_at(5), override_at(5)]);
        assert_eq!(s[0].key, SelectorKey::Index(1));
        assert_eq!(s[1].key, SelectorKey::Index(2));
    }

    #[test]
    fn removing_the_first_of_two_keyless_alarms_matches_the_second_by_content() {
        let alarm = |text: &str| {
            let mut c = Component::new(ComponentName::VAlarm);
            c.props.push(Prop::new(PropName::Description, Value::Text(text.into())));
            c
        };
        let m = match_children(&[alarm("a"), alarm("b")], &[alarm("b")]);
        assert_eq!(m.matches, [Some(1)]);
        assert_eq!(m.prev_selectors[1].key, SelectorKey::Index(2));
        assert_eq!(m.next_selectors[0].key, SelectorKey::None);
    }
}
