//! Unit tests of the engine over small hand-built records; the laws over
//! generated and real-world records are in `tests/engine_*.rs`.

use super::*;
use crate::universal::{
    Action, Change, Component, ComponentName, Date, DateTimeValue, FieldId, FieldPath, Param, ParamName, Params, Prop,
    PropName, Record, Recur, SourceFormat, Time, Value,
};

fn text(name: PropName, value: &str) -> Prop {
    Prop::new(name, Value::Text(value.into()))
}

fn typed(prop: Prop, types: &[&str]) -> Prop {
    prop.with_params(Params::new(vec![Param::new(
        ParamName::Type,
        types.iter().map(|t| t.to_string()).collect(),
    )]))
}

fn contact(tels: &[(&str, &str)]) -> Record {
    let mut root = Component::new(ComponentName::VCard);
    root.props.push(text(PropName::Version, "4.0"));
    root.props.push(text(PropName::Fn, "Jane Doe"));
    for (kind, number) in tels {
        root.props.push(typed(text(PropName::Tel, number), &[kind]));
    }
    Record::new(root, Some(SourceFormat::VCard40))
}

fn utc(day: u8, hour: u8) -> Value {
    let date = Date {
        year: Some(2024),
        month: Some(1),
        day: Some(day),
    };
    let time = Time {
        hour,
        minute: 0,
        second: 0,
        utc: true,
        offset_minutes: None,
    };
    Value::DateTimes(vec![DateTimeValue::DateTime { date, time }])
}

fn event(overrides: &[(u8, &str)]) -> Record {
    let mut root = Component::new(ComponentName::VCalendar);
    root.props.push(text(PropName::Version, "2.0"));
    let mut master = Component::new(ComponentName::VEvent);
    master.props.push(text(PropName::Uid, "ev1"));
    master.props.push(Prop::new(PropName::DtStart, utc(1, 9)));
    master.props.push(text(PropName::Summary, "Standup"));
    let rule = Recur {
        parts: vec![("FREQ".into(), "DAILY".into()), ("COUNT".into(), "10".into())],
    };
    master.props.push(Prop::new(PropName::RRule, Value::Recur(rule)));
    root.children.push(master);
    for (day, summary) in overrides {
        let mut o = Component::new(ComponentName::VEvent);
        o.props.push(text(PropName::Uid, "ev1"));
        o.props.push(Prop::new(PropName::RecurrenceId, utc(*day, 9)));
        o.props.push(Prop::new(PropName::DtStart, utc(*day, 10)));
        o.props.push(text(PropName::Summary, summary));
        root.children.push(o);
    }
    Record::new(root, Some(SourceFormat::ICalendar))
}

fn aligned(prev: &Record, mut next: Record) -> Record {
    align_ids(prev, &mut next);
    next
}

#[test]
fn rfc6350_6_4_1_changed_work_number_is_one_set_on_its_field() {
    let a = contact(&[("work", "+1 555 0100"), ("home", "+1 555 0199")]);
    let b = contact(&[("work", "+1 555 0142"), ("home", "+1 555 0199")]);
    let changes = diff(&a, &b);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].action, Action::Set);
    assert_eq!(changes[0].path.to_string(), "#3");
    assert_eq!(apply(&a, &changes).unwrap(), aligned(&a, b));
}

#[test]
fn moved_and_renumbered_properties_keep_their_ids_and_yield_no_change() {
    let a = contact(&[("work", "1"), ("home", "2")]);
    let b = contact(&[("home", "2"), ("work", "1")]);
    assert!(diff(&a, &b).is_empty());
    let b = aligned(&a, b);
    assert_eq!(b.root.props[2].id(), FieldId(4));
    assert_eq!(b.root.props[3].id(), FieldId(3));
}

#[test]
fn reordered_params_and_rrule_parts_are_no_change() {
    let a = event(&[]);
    let mut b = a.clone();
    let master = &mut b.root.children[0];
    let rule = Recur {
        parts: vec![("count".into(), "10".into()), ("freq".into(), "daily".into())],
    };
    master.props[3].set_value(Value::Recur(rule));
    let params = Params::new(vec![
        Param::new(ParamName::Language, vec!["en".into()]),
        Param::new(ParamName::AltRep, vec!["cid:x".into()]),
    ]);
    let swapped = Params::new(params.iter().rev().cloned().collect());
    let mut a2 = a.clone();
    *a2.root.children[0].props[2].params_mut() = params;
    *master.props[2].params_mut() = swapped;
    assert!(diff(&a, &a).is_empty());
    assert!(diff(&a2, &b).is_empty(), "{:?}", diff(&a2, &b));
}

#[test]
fn rfc5545_3_8_4_4_one_changed_occurrence_is_one_change_under_its_override() {
    let a = event(&[(3, "Late standup"), (5, "Moved")]);
    let b = event(&[(3, "Late standup"), (5, "Moved again")]);
    let changes = diff(&a, &b);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(
        changes[0].path.to_string(),
        "VEVENT[RECURRENCE-ID=20240105T090000Z]/#13"
    );
    assert_eq!(apply(&a, &changes).unwrap(), aligned(&a, b));
}

#[test]
fn new_override_is_one_add_and_removed_override_one_remove() {
    let a = event(&[(3, "x")]);
    let b = event(&[(3, "x"), (7, "y")]);
    let changes = diff(&a, &b);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].action, changes[0].path.to_string()),
        (Action::Add, "VEVENT[RECURRENCE-ID=20240107T090000Z]".into())
    );
    assert!(changes[0].component.is_some());
    assert_eq!(apply(&a, &changes).unwrap(), aligned(&a, b.clone()));
    let back = diff(&b, &a);
    assert_eq!(back.len(), 1);
    assert_eq!(
        (back[0].action, back[0].path.to_string()),
        (Action::Remove, "VEVENT[RECURRENCE-ID=20240107T090000Z]".into())
    );
    assert_eq!(apply(&b, &back).unwrap(), a);
}

#[test]
fn added_fields_get_fresh_ids_above_the_previous_maximum() {
    let a = contact(&[("work", "1")]);
    let b = contact(&[("work", "1"), ("home", "2")]);
    let changes = diff(&a, &b);
    assert_eq!(changes[0].path, FieldPath::root_field(FieldId(4)));
    assert_eq!(aligned(&a, b).root.props[3].id(), FieldId(4));
}

#[test]
fn apply_names_the_unknown_field_or_component() {
    let a = event(&[]);
    let err = apply(
        &a,
        &[Change {
            path: "VEVENT/#99".parse().unwrap(),
            action: Action::Remove,
            prop: None,
            component: None,
        }],
    );
    assert_eq!(err.unwrap_err().to_string(), "no field at VEVENT/#99");
    let err = apply(
        &a,
        &[Change {
            path: "VEVENT[RECURRENCE-ID=19990101]/#2".parse().unwrap(),
            action: Action::Remove,
            prop: None,
            component: None,
        }],
    );
    assert!(matches!(err, Err(EngineError::UnknownComponent { .. })), "{err:?}");
    let err = apply(
        &a,
        &[Change {
            path: "#1".parse().unwrap(),
            action: Action::Set,
            prop: None,
            component: None,
        }],
    );
    assert!(
        matches!(
            err,
            Err(EngineError::InvalidChange {
                defect: ChangeDefect::MissingProp,
                ..
            })
        ),
        "{err:?}"
    );
    let dup = Change {
        path: "#2".parse().unwrap(),
        action: Action::Add,
        prop: Some(text(PropName::Note, "n")),
        component: None,
    };
    assert!(matches!(
        apply(&a, &[dup]),
        Err(EngineError::InvalidChange {
            defect: ChangeDefect::DuplicateFieldId,
            ..
        })
    ));
}

#[test]
fn merge_keeps_edits_to_different_fields() {
    let base = contact(&[("work", "1"), ("home", "2")]);
    let ours = contact(&[("work", "10"), ("home", "2")]);
    let theirs = contact(&[("work", "1"), ("home", "20")]);
    let merged = merge(&base, &ours, &theirs).unwrap();
    assert!(merged.conflicts.is_empty());
    assert_eq!(merged.record, contact(&[("work", "10"), ("home", "20")]));
}

#[test]
fn merge_same_field_theirs_wins_and_ours_is_recorded_as_lost() {
    let base = contact(&[("work", "1")]);
    let ours = contact(&[("work", "ours")]);
    let theirs = contact(&[("work", "theirs")]);
    let merged = merge(&base, &ours, &theirs).unwrap();
    assert_eq!(merged.record, contact(&[("work", "theirs")]));
    let [conflict] = merged.conflicts.as_slice() else {
        panic!("{:?}", merged.conflicts)
    };
    assert_eq!(conflict.rule, MergeRule::TheirsWins);
    assert!(matches!(&conflict.lost, ConflictValue::Prop(p) if p.value().as_text() == Some("ours")));
    assert!(matches!(&conflict.kept, ConflictValue::Prop(p) if p.value().as_text() == Some("theirs")));
}

#[test]
fn merge_edit_beats_delete_for_fields_and_overrides() {
    let base = contact(&[("work", "1"), ("home", "2")]);
    let ours = contact(&[("home", "2")]);
    let theirs = contact(&[("work", "11"), ("home", "2")]);
    for (x, y) in [(&ours, &theirs), (&theirs, &ours)] {
        let merged = merge(&base, x, y).unwrap();
        assert_eq!(merged.record, contact(&[("work", "11"), ("home", "2")]));
        assert_eq!(merged.conflicts[0].rule, MergeRule::EditBeatsDelete);
        assert_eq!(merged.conflicts[0].lost, ConflictValue::Removed);
    }
    let base = event(&[(3, "x")]);
    let removed = event(&[]);
    let edited = event(&[(3, "edited")]);
    let merged = merge(&base, &removed, &edited).unwrap();
    assert_eq!(merged.record, aligned(&base, edited));
    assert!(
        matches!(&merged.conflicts[0].kept, ConflictValue::Component(c) if c.props[3].value().as_text() == Some("edited"))
    );
}

#[test]
fn merge_adds_on_both_sides_are_all_kept_with_distinct_ids() {
    let base = contact(&[("work", "1")]);
    let ours = contact(&[("work", "1"), ("home", "2")]);
    let theirs = contact(&[("work", "1"), ("cell", "3"), ("home", "2")]);
    let merged = merge(&base, &ours, &theirs).unwrap();
    assert!(merged.conflicts.is_empty());
    let ids: Vec<u32> = merged.record.root.props.iter().map(|p| p.id().0).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(merged.record.root.props.len(), 5, "the equal home number is added once");
}

fn with_version(mut record: Record, version: Option<&str>) -> Record {
    record.root.props.retain(|p| p.name() != &PropName::Version);
    if let Some(v) = version {
        record.root.props.insert(0, text(PropName::Version, v));
    }
    Record::new(record.root, record.source)
}

#[test]
fn rfc6350_6_7_9_vcard_version_is_serialization_not_contact_data() {
    let v21 = with_version(contact(&[("work", "1")]), Some("2.1"));
    let v30 = with_version(contact(&[("work", "1")]), Some("3.0"));
    let bare = with_version(contact(&[("work", "1")]), None);
    for (a, b) in [(&v21, &v30), (&v30, &v21), (&bare, &v30), (&v30, &bare)] {
        assert!(diff(a, b).is_empty(), "{:?}", diff(a, b));
    }
    // A change that does name VERSION (from an older peer) leaves the target's.
    let set = Change {
        path: FieldPath::root_field(FieldId(1)),
        action: Action::Set,
        prop: Some(text(PropName::Version, "3.0").with_id(FieldId(1))),
        component: None,
    };
    assert_eq!(apply(&v21, &[set]).unwrap(), v21);
    // An iCalendar VERSION (RFC 5545 §3.7.4) names the model: still data.
    let mut ical = event(&[]);
    ical.root.props[0].set_value(Value::Text("3.0".into()));
    assert_eq!(diff(&event(&[]), &ical).len(), 1);
}

#[test]
fn a_skipped_new_vcard_version_keeps_diff_and_align_ids_numbering_in_step() {
    let bare = with_version(contact(&[("work", "1")]), None);
    let mut next = with_version(contact(&[("work", "1")]), Some("3.0"));
    next.root.props.push(text(PropName::Note, "new"));
    let changes = diff(&bare, &next);
    assert_eq!(changes.len(), 1, "{changes:?}");
    let aligned = aligned(&bare, next);
    let note = aligned.root.props.iter().find(|p| p.name() == &PropName::Note).unwrap();
    assert_eq!(changes[0].path.field, Some(note.id()));
}

#[test]
fn merge_removing_one_of_two_identical_fields_spares_the_one_the_other_side_edited() {
    let mut base = contact(&[("work", "1")]);
    base.root.props.push(text(PropName::Note, "same"));
    base.root.props.push(text(PropName::Note, "same"));
    let base = Record::new(base.root, base.source);
    // Ours edits the second NOTE; theirs deletes the first: one NOTE is left,
    // and by content alone it could be either.
    let mut ours = base.clone();
    ours.root.props[4].set_value(Value::Text("edited".into()));
    let mut theirs = base.clone();
    theirs.root.props.remove(3);
    for (x, y) in [(&ours, &theirs), (&theirs, &ours)] {
        let merged = merge(&base, x, y).unwrap();
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        let notes: Vec<_> = merged.record.root.props_named(&PropName::Note).collect();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].value().as_text(), Some("edited"));
    }
}

#[test]
fn merge_removing_one_of_two_identical_alarms_spares_the_one_the_other_side_edited() {
    let alarm = || {
        let mut c = Component::new(ComponentName::VAlarm);
        c.props.push(text(PropName::Action, "DISPLAY"));
        c.props.push(text(PropName::Description, "ping"));
        c
    };
    let mut base = event(&[]);
    base.root.children[0].children = vec![alarm(), alarm()];
    let base = Record::new(base.root, base.source);
    let mut ours = base.clone();
    ours.root.children[0].children[1].props[1].set_value(Value::Text("edited".into()));
    let mut theirs = base.clone();
    theirs.root.children[0].children.remove(0);
    for (x, y) in [(&ours, &theirs), (&theirs, &ours)] {
        let merged = merge(&base, x, y).unwrap();
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        let alarms = &merged.record.root.children[0].children;
        assert_eq!(alarms.len(), 1);
        assert_eq!(alarms[0].props[1].value().as_text(), Some("edited"));
    }
}

#[test]
fn merge_twin_rule_needs_an_untouched_twin() {
    // Both copies touched (one edited, one removed by the same side that
    // removes): no twin to stand in, so edit beats delete as before.
    let mut base = contact(&[]);
    base.root.props.push(text(PropName::Note, "same"));
    base.root.props.push(text(PropName::Note, "same"));
    let base = Record::new(base.root, base.source);
    let mut ours = base.clone();
    ours.root.props[2].set_value(Value::Text("edited".into()));
    let mut theirs = base.clone();
    theirs.root.props.truncate(2);
    let merged = merge(&base, &ours, &theirs).unwrap();
    assert_eq!(merged.conflicts.len(), 1, "{:?}", merged.conflicts);
    assert_eq!(merged.conflicts[0].rule, MergeRule::EditBeatsDelete);
    let notes: Vec<_> = merged.record.root.props_named(&PropName::Note).collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].value().as_text(), Some("edited"));
}

#[test]
fn editing_the_first_of_two_identical_fields_is_a_set_on_the_first() {
    let mut base = contact(&[("home", "1"), ("home", "2")]);
    base.root.props.push(text(PropName::Note, "same"));
    base.root.props.push(text(PropName::Note, "same"));
    let base = Record::new(base.root, base.source);
    // Another field's removal shifts the second NOTE into the first's place.
    let mut next = base.clone();
    next.root.props.remove(2);
    next.root.props[3].set_value(Value::Text("edited".into()));
    let changes = diff(&base, &next);
    let set = changes.iter().find(|c| c.action == Action::Set).unwrap();
    assert_eq!(set.path.field, Some(base.root.props[4].id()), "{changes:?}");
    // So a merge with an edit of the second NOTE keeps both edits.
    let mut ours = base.clone();
    ours.root.props[5].set_value(Value::Text("ours".into()));
    let merged = merge(&base, &ours, &next).unwrap();
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    let notes: Vec<_> = merged
        .record
        .root
        .props_named(&PropName::Note)
        .filter_map(|p| p.value().as_text())
        .collect();
    assert_eq!(notes, ["edited", "ours"]);
}
