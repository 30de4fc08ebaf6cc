//! The delta engine's laws over every record of the real-world corpus
//! (`../shared/fixtures/realworld`), parsed by the vCard and iCalendar
//! adapters: what real clients write, not only what our generator builds.

mod common;
mod engine_support;

use std::sync::OnceLock;

use engine_support::edit::{EditOp, EditSpec, mutate, perform, plan};
use engine_support::{Rng, canonical, content, renumbered, reserialized};
use pimgate::adapters::vcard::VCardVersion;
use pimgate::adapters::{ical, vcard};
use pimgate::engine::{MergeRule, align_ids, apply, diff, merge};
use pimgate::universal::{Record, SourceFormat};

/// Edits tried per corpus record and law.
const EDITS_PER_RECORD: u64 = 6;

/// Every record of every well-formed vCard and iCalendar corpus file, named `file#n`.
fn corpus_records() -> &'static [(String, Record)] {
    static RECORDS: OnceLock<Vec<(String, Record)>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let mut out = Vec::new();
        for kind in ["vcard", "ical"] {
            for file in common::corpus(kind) {
                let parsed = if kind == "vcard" {
                    vcard::parse(&file.bytes())
                } else {
                    ical::parse(&file.bytes())
                };
                // Which files must parse is asserted by corpus_vcard / corpus_ical
                // (two .ics labelled real-world are fuzzer output with no VCALENDAR).
                if let Ok(records) = parsed {
                    out.extend(
                        records
                            .into_iter()
                            .enumerate()
                            .map(|(i, r)| (format!("{}#{}", file.name, i + 1), r)),
                    );
                }
            }
        }
        assert!(out.len() > 100, "only {} corpus records", out.len());
        out
    })
}

/// The record rendered in its own format and parsed again.
fn rerendered(record: &Record) -> Record {
    let bytes = match record.source {
        Some(SourceFormat::VCard40) => vcard::render(record, VCardVersion::V4),
        Some(SourceFormat::ICalendar) => ical::render(record),
        _ => vcard::render(record, VCardVersion::V3),
    };
    let bytes = bytes.unwrap_or_else(|e| panic!("render: {e}"));
    let parsed = if record.is_contact() {
        vcard::parse(&bytes)
    } else {
        ical::parse(&bytes)
    };
    let mut records = parsed.unwrap_or_else(|e| panic!("re-parse: {e}"));
    assert_eq!(records.len(), 1, "one record renders to one record");
    records.remove(0)
}

fn aligned(prev: &Record, next: &Record) -> Record {
    let mut next = next.clone();
    align_ids(prev, &mut next);
    next
}

/// Runs `law` over every corpus record and reports every failure by name.
fn check_all(law: impl Fn(&Record, u64) -> Result<(), String>) {
    let mut failures = Vec::new();
    for (index, (name, record)) in corpus_records().iter().enumerate() {
        for edit in 0..EDITS_PER_RECORD {
            if let Err(why) = law(record, (index as u64) << 8 | edit) {
                failures.push(format!("{name} (edit {edit}): {why}"));
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} records break the law:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_diff_of_unchanged_and_reserialized_records_is_empty() {
    check_all(|a, _| {
        for (what, b) in [
            ("itself", a.clone()),
            ("renumbered", renumbered(a)),
            ("reserialized", reserialized(a)),
            ("re-rendered", rerendered(a)),
        ] {
            let changes = diff(a, &b);
            if !changes.is_empty() {
                return Err(format!("diff with {what} is {changes:?}"));
            }
        }
        Ok(())
    });
}

#[test]
fn corpus_apply_of_diff_reproduces_edits() {
    check_all(|a, seed| {
        for spec in [EditSpec::IN_PLACE, EditSpec::ANY] {
            let b = renumbered(&perform(a, &plan(a, &mut Rng::new(seed), spec)));
            let changes = diff(a, &b);
            let applied = apply(a, &changes).map_err(|e| e.to_string())?;
            if canonical(&applied) != canonical(&aligned(a, &b)) {
                return Err(format!("apply(diff) differs for {spec:?}: {changes:?}"));
            }
        }
        Ok(())
    });
}

#[test]
fn corpus_merge_of_edits_to_different_fields_keeps_both() {
    check_all(|base, seed| {
        let ours_spec = EditSpec {
            parity: Some(0),
            remove_components: false,
            ..EditSpec::IN_PLACE
        };
        let theirs_spec = EditSpec {
            parity: Some(1),
            remove_components: false,
            keep_identity: true,
            ..EditSpec::ANY
        };
        let ours_ops = plan(base, &mut Rng::new(seed), ours_spec);
        let theirs_ops: Vec<EditOp> = plan(base, &mut Rng::new(!seed), theirs_spec)
            .into_iter()
            .filter(|op| !matches!(op, EditOp::AddComponent { .. }))
            .collect();
        let (ours, theirs) = (
            renumbered(&perform(base, &ours_ops)),
            renumbered(&perform(base, &theirs_ops)),
        );
        let merged = merge(base, &ours, &theirs).map_err(|e| e.to_string())?;
        if !merged.conflicts.is_empty() {
            return Err(format!("conflicts {:?}", merged.conflicts));
        }
        let again = merge(base, &ours, &theirs).map_err(|e| e.to_string())?;
        if serde_json::to_string(&again.record).unwrap() != serde_json::to_string(&merged.record).unwrap() {
            return Err("merge is not deterministic".into());
        }
        let both = perform(&perform(base, &ours_ops), &theirs_ops);
        (content(&merged.record) == content(&both))
            .then_some(())
            .ok_or_else(|| "merged record lost an edit".into())
    });
}

#[test]
fn corpus_merge_conflict_keeps_theirs_and_records_ours() {
    check_all(|base, seed| {
        let mut rng = Rng::new(seed);
        let Some(EditOp::SetValue { id, value }) = plan(base, &mut rng, EditSpec::IN_PLACE)
            .into_iter()
            .find(|op| matches!(op, EditOp::SetValue { .. }))
        else {
            return Ok(());
        };
        let other = mutate(&value, &mut rng);
        let ours = renumbered(&perform(base, &[EditOp::SetValue { id, value }]));
        let theirs = renumbered(&perform(base, &[EditOp::SetValue { id, value: other }]));
        let merged = merge(base, &ours, &theirs).map_err(|e| e.to_string())?;
        let ok = canonical(&merged.record) == canonical(&aligned(base, &theirs))
            && merged.conflicts.len() == 1
            && merged.conflicts[0].rule == MergeRule::TheirsWins;
        ok.then_some(())
            .ok_or_else(|| format!("conflicts {:?}", merged.conflicts))
    });
}
