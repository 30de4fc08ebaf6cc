//! The delta engine's laws (DESIGN.md "Delta engine"), property-tested over
//! generated realistic contacts and calendar objects (`engine_support`).

mod engine_support;

use engine_support::edit::{EditOp, EditSpec, mutate, perform, plan};
use engine_support::{Rng, alarm, canonical, contact, content, record, renumbered, reserialized};
use pimgate::engine::{ConflictValue, MergeRule, align_ids, apply, diff, merge};
use pimgate::universal::{Action, ComponentName, Date, DateTimeValue, Prop, PropName, Record, Time, Value};
use proptest::prelude::*;

/// `base` edited by a client and parsed afresh (ids 1..n, no raw bytes).
fn edited(base: &Record, rng: &mut Rng, spec: EditSpec) -> (Vec<EditOp>, Record) {
    let ops = plan(base, rng, spec);
    let next = renumbered(&perform(base, &ops));
    (ops, next)
}

fn aligned(prev: &Record, next: &Record) -> Record {
    let mut next = next.clone();
    align_ids(prev, &mut next);
    next
}

/// `record` as a client writing vCard `version` would send it (`None`: no VERSION line).
fn in_vcard_version(record: &Record, version: Option<&str>) -> Record {
    let mut record = renumbered(record);
    record.root.props.retain(|p| p.name() != &PropName::Version);
    if let Some(v) = version {
        record
            .root
            .props
            .insert(0, Prop::new(PropName::Version, Value::Text(v.into())));
    }
    renumbered(&record)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// RFC 6350 §6.7.9: a vCard's VERSION is how it was serialized, not
    /// contact data. `diff` never reports it and `apply` keeps the target's,
    /// so a client that re-serializes a card in another version (alongside
    /// real edits) changes only what it edited.
    #[test]
    fn vcard_version_is_not_contact_data(seed in any::<u64>(), edit in any::<u64>(), v in 0usize..3) {
        let a = contact(&mut Rng::new(seed));
        let version = [Some("2.1"), Some("3.0"), None][v];
        prop_assert!(diff(&a, &in_vcard_version(&a, version)).is_empty());
        let (_, b) = edited(&a, &mut Rng::new(edit), EditSpec::IN_PLACE);
        let b_other_version = in_vcard_version(&b, version);
        let changes = diff(&a, &b_other_version);
        prop_assert_eq!(&changes, &diff(&a, &b));
        let applied = apply(&a, &changes).unwrap();
        prop_assert_eq!(applied.root.prop(&PropName::Version), a.root.prop(&PropName::Version));
        prop_assert_eq!(&applied, &aligned(&a, &b));
    }

    #[test]
    fn diff_of_a_record_with_itself_is_empty(seed in any::<u64>()) {
        let a = record(seed);
        prop_assert!(diff(&a, &a).is_empty());
        prop_assert!(diff(&a, &renumbered(&a)).is_empty());
    }

    #[test]
    fn diff_of_an_equivalent_reserialization_is_empty(seed in any::<u64>()) {
        let a = record(seed);
        let b = reserialized(&a);
        prop_assert!(diff(&a, &b).is_empty(), "{:#?}", diff(&a, &b));
        prop_assert_eq!(aligned(&a, &b), a);
    }

    #[test]
    fn apply_of_diff_gives_the_in_place_edit_exactly(seed in any::<u64>(), edit in any::<u64>()) {
        let a = record(seed);
        let (ops, b) = edited(&a, &mut Rng::new(edit), EditSpec::IN_PLACE);
        let changes = diff(&a, &b);
        let b = aligned(&a, &b);
        let applied = apply(&a, &changes).unwrap();
        prop_assert_eq!(&applied, &b, "ops {:#?}\nchanges {:#?}", ops, changes);
        prop_assert!(diff(&b, &applied).is_empty());
    }

    #[test]
    fn apply_of_diff_gives_any_edit_up_to_order(seed in any::<u64>(), edit in any::<u64>()) {
        let a = record(seed);
        let (ops, b) = edited(&a, &mut Rng::new(edit), EditSpec::ANY);
        let changes = diff(&a, &b);
        let b = aligned(&a, &b);
        let applied = apply(&a, &changes).unwrap();
        prop_assert_eq!(canonical(&applied), canonical(&b), "ops {:#?}\nchanges {:#?}", ops, changes);
    }

    #[test]
    fn align_ids_keeps_unchanged_fields_ids_and_is_idempotent(seed in any::<u64>(), edit in any::<u64>()) {
        let a = record(seed);
        let (_, b) = edited(&a, &mut Rng::new(edit), EditSpec::ANY);
        let once = aligned(&a, &b);
        prop_assert_eq!(&aligned(&a, &once), &once);
        // Every field of `a` that `b` holds unchanged keeps its id.
        let mut kept = Vec::new();
        once.root.walk(&mut |c| kept.extend(c.props.iter().map(|p| (p.id(), serde_json::to_string(p.value()).unwrap()))));
        a.root.walk(&mut |c| for p in &c.props {
            let value = serde_json::to_string(p.value()).unwrap();
            if let Some((id, _)) = kept.iter().find(|(id, v)| *id == p.id() && *v == value) {
                assert_eq!(*id, p.id());
            }
        });
        let max = a.max_field_id();
        let changes = diff(&a, &b);
        for change in changes.iter().filter(|c| c.action == Action::Add && c.prop.is_some()) {
            prop_assert!(change.path.field.unwrap() > max, "added field reuses an id: {}", change.path);
        }
    }

    #[test]
    fn one_edited_field_is_one_set(seed in any::<u64>(), edit in any::<u64>()) {
        let a = record(seed);
        let mut rng = Rng::new(edit);
        let ops: Vec<EditOp> = plan(&a, &mut rng, EditSpec::IN_PLACE).into_iter().filter(|op| matches!(op, EditOp::SetValue { .. })).take(1).collect();
        prop_assume!(!ops.is_empty());
        let EditOp::SetValue { id, .. } = &ops[0] else { unreachable!() };
        let changes = diff(&a, &renumbered(&perform(&a, &ops)));
        prop_assert_eq!(changes.len(), 1, "{:#?}", changes);
        prop_assert_eq!((changes[0].action, changes[0].path.field), (Action::Set, Some(*id)));
    }

    #[test]
    fn merge_of_edits_to_different_fields_keeps_both(seed in any::<u64>(), x in any::<u64>(), y in any::<u64>()) {
        let base = record(seed);
        let ours_spec = EditSpec { parity: Some(0), remove_components: false, ..EditSpec::IN_PLACE };
        // Theirs may move fields and put new ones anywhere, but a changed
        // RECURRENCE-ID is a new occurrence (and so an edit of ours inside it a conflict).
        let theirs_spec = EditSpec { parity: Some(1), remove_components: false, keep_identity: true, ..EditSpec::ANY };
        let (ours_ops, ours) = edited(&base, &mut Rng::new(x), ours_spec);
        let theirs_ops: Vec<EditOp> = plan(&base, &mut Rng::new(y), theirs_spec)
            .into_iter()
            .filter(|op| !matches!(op, EditOp::AddComponent { .. }))
            .collect();
        let theirs = renumbered(&perform(&base, &theirs_ops));
        let merged = merge(&base, &ours, &theirs).unwrap();
        prop_assert!(merged.conflicts.is_empty(), "{:#?}", merged.conflicts);
        let both = perform(&perform(&base, &ours_ops), &theirs_ops);
        prop_assert_eq!(content(&merged.record), content(&both));
    }

    #[test]
    fn merge_is_deterministic_and_symmetric_without_adds(seed in any::<u64>(), x in any::<u64>(), y in any::<u64>()) {
        let base = record(seed);
        let no_adds = |ops: Vec<EditOp>| -> Vec<EditOp> {
            ops.into_iter().filter(|op| !matches!(op, EditOp::AddProp { .. } | EditOp::AddComponent { .. } | EditOp::MoveProp { .. })).collect()
        };
        let ours = renumbered(&perform(&base, &no_adds(plan(&base, &mut Rng::new(x), EditSpec::ANY))));
        let theirs = renumbered(&perform(&base, &no_adds(plan(&base, &mut Rng::new(y), EditSpec::ANY))));
        let one = merge(&base, &ours, &theirs).unwrap();
        let again = merge(&base.clone(), &ours.clone(), &theirs.clone()).unwrap();
        prop_assert_eq!(serde_json::to_string(&one.record).unwrap(), serde_json::to_string(&again.record).unwrap());
        prop_assert_eq!(&one.conflicts, &again.conflicts);
        let swapped = merge(&base, &theirs, &ours).unwrap();
        // Only same-field conflicts depend on the order, by rule (theirs wins),
        // and the numbering of added sub-components (ours first).
        if one.conflicts.iter().all(|c| c.rule != MergeRule::TheirsWins) {
            prop_assert_eq!(content(&one.record), content(&swapped.record));
        }
        prop_assert_eq!(one.conflicts.len(), swapped.conflicts.len());
    }

    #[test]
    fn merge_conflict_keeps_theirs_and_records_ours(seed in any::<u64>(), edit in any::<u64>()) {
        let base = record(seed);
        let mut rng = Rng::new(edit);
        let Some(EditOp::SetValue { id, value }) = plan(&base, &mut rng, EditSpec::IN_PLACE).into_iter().find(|op| matches!(op, EditOp::SetValue { .. })) else {
            return Ok(());
        };
        let other = engine_support::edit::mutate(&value, &mut rng);
        let ours = renumbered(&perform(&base, &[EditOp::SetValue { id, value: value.clone() }]));
        let theirs = renumbered(&perform(&base, &[EditOp::SetValue { id, value: other.clone() }]));
        let merged = merge(&base, &ours, &theirs).unwrap();
        prop_assert_eq!(&merged.record, &aligned(&base, &theirs));
        prop_assert_eq!(merged.conflicts.len(), 1);
        let conflict = &merged.conflicts[0];
        prop_assert_eq!(conflict.rule, MergeRule::TheirsWins);
        prop_assert!(matches!(&conflict.lost, ConflictValue::Prop(p) if *p.value() == value && p.id() == id));
        prop_assert!(matches!(&conflict.kept, ConflictValue::Prop(p) if *p.value() == other));
    }
}

/// The conflict laws set one field to `mutate(v)` on one side and
/// `mutate(mutate(v))` on the other: that must never be `v` again (a
/// UTC-OFFSET of 0 once went 0 → +0030 → 0, and theirs "changed" nothing).
#[test]
fn mutating_twice_never_restores_the_original() {
    let day = Date {
        year: Some(9000),
        month: Some(1),
        day: Some(1),
    };
    let time = Time {
        hour: 23,
        minute: 0,
        second: 0,
        utc: true,
        offset_minutes: None,
    };
    let mut values = vec![
        Value::UtcOffset(0),
        Value::UtcOffset(-1800),
        Value::UtcOffset(14 * 3600),
        Value::DateTimes(vec![DateTimeValue::Date(day)]),
        Value::DateTimes(vec![DateTimeValue::Time(time)]),
        Value::Integer(-1),
    ];
    for seed in 0..64 {
        record(seed)
            .root
            .walk(&mut |c| values.extend(c.props.iter().map(|p| p.value().clone())));
    }
    let mut rng = Rng::new(1);
    for value in &values {
        let once = mutate(value, &mut rng);
        let twice = mutate(&once, &mut rng);
        assert!(
            once != *value && twice != *value && twice != once,
            "{value:?} → {once:?} → {twice:?}"
        );
    }
}

/// `canonical` orders siblings by their JSON; raw bytes (which equality
/// ignores) must not reach that order, or an unchanged alarm that kept its
/// BEGIN/END bytes sorts apart from its freshly parsed twin.
#[test]
fn canonical_form_ignores_raw_bytes() {
    let mut seed = 0;
    let a = loop {
        let r = record(seed);
        if r.root.children.iter().any(|c| c.name() == &ComponentName::VEvent) {
            break r;
        }
        seed += 1;
    };
    let mut with_raw = renumbered(&a);
    let event = with_raw
        .root
        .children
        .iter_mut()
        .find(|c| c.name() == &ComponentName::VEvent)
        .unwrap();
    let mut empty = alarm(5, "x", None);
    empty.props.clear();
    empty.set_raw_delimiters(Some("BEGIN:VALARM\r\n".into()), Some("END:VALARM\r\n".into()));
    event.children.push(empty);
    event.children.push(alarm(10, "y", None));
    let mut without_raw = with_raw.clone();
    without_raw.clear_raw();
    assert_eq!(canonical(&with_raw), canonical(&without_raw));
}
