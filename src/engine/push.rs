//! Pushed change transactions: field-level changes a device made against a
//! base version. Idempotent by txid; when the object moved on since the base,
//! the base is rebuilt by replaying the object's log (from its create, or
//! from the base retention kept: `history.rs`) and the two lines of edits
//! are three-way merged ([`merge`]), with the conflicts logged beside the
//! change.

use crate::store::{ChangeLog, Expected, ObjectStore, ObjectWrite, StoredObject, TimeSpan};
use crate::universal::{Action, Change, ChangeTransaction, ETag, ObjectName, Op, Record, Seq, Version};

use super::merge::{Conflict, ConflictValue, MergeRule, merge};
use super::objects::{conflicts_json, create_changes, precondition_on_race, root_path, unchanged};
use super::{ChangeDefect, Engine, EngineError, ObjectRenderer, Written, align_ids, apply, diff, etag_of};

impl<S: ObjectStore + ChangeLog + Sync> Engine<S> {
    /// Applies a pushed change transaction: idempotent by txid; merged field
    /// by field when the object changed since the transaction's base.
    pub async fn apply_transaction(
        &self,
        tx: &ChangeTransaction,
        default_content_type: &str,
        renderer: &dyn ObjectRenderer,
    ) -> Result<Written, EngineError> {
        // A retried push may race its first attempt; the commit's own txid
        // check settles that, this one spares the work.
        if let Some(seq) = self.store.find_transaction(&tx.collection, &tx.txid).await? {
            return self.already_applied(tx, seq).await;
        }
        let current = self.store.object_by_uid(&tx.collection, &tx.uid).await?;
        match (tx.op, current) {
            (Op::Create, None) => self.push_create(tx, default_content_type, renderer).await,
            (Op::Create, Some(existing)) => Err(EngineError::UidConflict {
                existing: existing.name,
            }),
            (Op::Update, Some(current)) => self.push_update(tx, current, renderer).await,
            (Op::Delete, Some(current)) => self.push_delete(tx, current).await,
            (Op::Update | Op::Delete, None) => Err(EngineError::NotFound(format!("{} in {}", tx.uid, tx.collection))),
        }
    }

    async fn already_applied(&self, tx: &ChangeTransaction, seq: Seq) -> Result<Written, EngineError> {
        let current = self.store.object_by_uid(&tx.collection, &tx.uid).await?;
        let (name, version, etag) = match current {
            Some(o) => (o.name, o.version, o.etag),
            None => (ObjectName(String::new()), tx.new_version, ETag(String::new())),
        };
        Ok(Written {
            name,
            version,
            etag,
            seq: Some(seq),
            created: false,
            conflicts: Vec::new(),
            duplicate: true,
        })
    }

    async fn push_create(
        &self,
        tx: &ChangeTransaction,
        content_type: &str,
        renderer: &dyn ObjectRenderer,
    ) -> Result<Written, EngineError> {
        let record = created_record(tx)?;
        let name = renderer.object_name(&record);
        let tomb = self.store.object(&tx.collection, &name).await?;
        self.commit_planned(create_write(
            tx,
            record,
            name,
            tomb.map(|t| t.version),
            content_type,
            renderer,
        )?)
        .await
    }

    async fn commit_planned(&self, planned: Planned) -> Result<Written, EngineError> {
        match planned {
            Planned::Write(write, mut written) => {
                let write = self.indexed(*write);
                written.seq = Some(self.store.commit(write).await.map_err(precondition_on_race)?);
                Ok(written)
            }
            Planned::Done(written) => Ok(written),
        }
    }

    async fn push_update(
        &self,
        tx: &ChangeTransaction,
        current: StoredObject,
        renderer: &dyn ObjectRenderer,
    ) -> Result<Written, EngineError> {
        let base = update_base(tx, &current)?;
        let (next, conflicts) = if base == current.version {
            (apply(&current.record, &tx.changes)?, Vec::new())
        } else {
            let base_record = self
                .version_at(&current.collection, &current.name, base)
                .await?
                .ok_or_else(|| EngineError::BaseUnavailable {
                    uid: tx.uid.clone(),
                    given: base,
                })?;
            let theirs = apply(&base_record, &tx.changes)?;
            let merged = merge(&base_record, &current.record, &theirs)?;
            (merged.record, merged.conflicts)
        };
        self.commit_planned(update_write(tx, &current, next, conflicts, renderer)?)
            .await
    }

    /// Edit beats delete: a delete made against an older version than the
    /// current one is refused, and the refusal is reported as a conflict.
    async fn push_delete(&self, tx: &ChangeTransaction, current: StoredObject) -> Result<Written, EngineError> {
        self.commit_planned(delete_write(tx, &current)?).await
    }
}

/// What a pushed transaction comes to before anything is committed.
pub(super) enum Planned {
    /// This write, and its result once committed (`seq` filled in then).
    Write(Box<ObjectWrite>, Written),
    /// Nothing to write: this is the result.
    Done(Written),
}

/// The record a create transaction carries: one added root component whose UID is the transaction's.
pub(super) fn created_record(tx: &ChangeTransaction) -> Result<Record, EngineError> {
    let root = match tx.changes.as_slice() {
        [
            Change {
                action: Action::Add,
                component: Some(root),
                path,
                ..
            },
        ] if path.components.is_empty() && path.field.is_none() => root,
        _ => {
            return Err(EngineError::InvalidChange {
                path: root_path(),
                defect: ChangeDefect::MissingComponent,
            });
        }
    };
    let record = Record::new(root.clone(), None);
    if record.uid() != Some(tx.uid.as_str()) {
        return Err(EngineError::MissingUid);
    }
    Ok(record)
}

/// The write of a pushed create at `name`, whose tombstone (if any) is at `tomb`.
pub(super) fn create_write(
    tx: &ChangeTransaction,
    record: Record,
    name: ObjectName,
    tomb: Option<Version>,
    content_type: &str,
    renderer: &dyn ObjectRenderer,
) -> Result<Planned, EngineError> {
    let version = Version(tomb.map_or(1, |t| t.0 + 1));
    let (original, content_type) = renderer.render(&record, content_type).map_err(EngineError::Render)?;
    let etag = etag_of(&original);
    let mut logged = tx.clone();
    logged.new_version = version;
    logged.base_version = None;
    logged.changes = create_changes(&record);
    let written = Written {
        name: name.clone(),
        version,
        etag: etag.clone(),
        seq: None,
        created: true,
        conflicts: Vec::new(),
        duplicate: false,
    };
    let write = ObjectWrite {
        expected: Expected::Absent,
        name,
        etag,
        content_type,
        original,
        record,
        transaction: logged,
        conflicts: None,
        writer: tx.origin.0.clone(),
        span: TimeSpan::UNKNOWN,
        search_text: None,
    };
    Ok(Planned::Write(Box::new(write), written))
}

/// The base version of a pushed update, checked against the current one.
pub(super) fn update_base(tx: &ChangeTransaction, current: &StoredObject) -> Result<Version, EngineError> {
    let base = tx.base_version.ok_or_else(|| EngineError::InvalidChange {
        path: root_path(),
        defect: ChangeDefect::MissingBase,
    })?;
    if base > current.version {
        return Err(EngineError::FutureBase {
            given: base,
            current: current.version,
        });
    }
    Ok(base)
}

/// The write that replaces `current` by `next` (logged as their diff), or
/// nothing when `next` changes nothing.
pub(super) fn update_write(
    tx: &ChangeTransaction,
    current: &StoredObject,
    mut next: Record,
    conflicts: Vec<Conflict>,
    renderer: &dyn ObjectRenderer,
) -> Result<Planned, EngineError> {
    align_ids(&current.record, &mut next);
    let changes = diff(&current.record, &next);
    if changes.is_empty() {
        let mut written = unchanged(current);
        written.conflicts = conflicts;
        return Ok(Planned::Done(written));
    }
    let (original, content_type) = renderer
        .render(&next, &current.content_type)
        .map_err(EngineError::Render)?;
    let etag = etag_of(&original);
    let version = Version(current.version.0 + 1);
    let mut logged = tx.clone();
    logged.base_version = Some(current.version);
    logged.new_version = version;
    logged.changes = changes;
    let write = ObjectWrite {
        expected: Expected::Version(current.version),
        name: current.name.clone(),
        etag: etag.clone(),
        content_type,
        original,
        record: next,
        transaction: logged,
        conflicts: conflicts_json(&conflicts),
        writer: tx.origin.0.clone(),
        span: TimeSpan::UNKNOWN,
        search_text: None,
    };
    let written = Written {
        name: current.name.clone(),
        version,
        etag,
        seq: None,
        created: false,
        conflicts,
        duplicate: false,
    };
    Ok(Planned::Write(Box::new(write), written))
}

/// The write of a pushed delete of `current` — logged under the pushed
/// txid, so a retried delete is recognised as applied — or nothing, with
/// a conflict in the result, when the object was edited since the delete's base (edit
/// beats delete, reported as a conflict).
pub(super) fn delete_write(tx: &ChangeTransaction, current: &StoredObject) -> Result<Planned, EngineError> {
    let base = tx.base_version.unwrap_or(current.version);
    if base > current.version {
        return Err(EngineError::FutureBase {
            given: base,
            current: current.version,
        });
    }
    if base < current.version {
        let conflict = Conflict {
            path: root_path(),
            rule: MergeRule::EditBeatsDelete,
            kept: ConflictValue::Component(current.record.root.clone()),
            lost: ConflictValue::Removed,
        };
        let mut written = unchanged(current);
        written.conflicts = vec![conflict];
        return Ok(Planned::Done(written));
    }
    let version = Version(current.version.0 + 1);
    let mut logged = tx.clone();
    logged.base_version = Some(current.version);
    logged.new_version = version;
    logged.changes = vec![Change {
        path: root_path(),
        action: Action::Remove,
        prop: None,
        component: None,
    }];
    let write = ObjectWrite {
        expected: Expected::Version(current.version),
        name: current.name.clone(),
        etag: current.etag.clone(),
        content_type: current.content_type.clone(),
        original: current.original.clone(),
        record: current.record.clone(),
        transaction: logged,
        conflicts: None,
        writer: tx.origin.0.clone(),
        span: TimeSpan::UNKNOWN,
        search_text: None,
    };
    let written = Written {
        name: current.name.clone(),
        version,
        etag: current.etag.clone(),
        seq: None,
        created: false,
        conflicts: Vec::new(),
        duplicate: false,
    };
    Ok(Planned::Write(Box::new(write), written))
}
