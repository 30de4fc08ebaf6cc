//! An object's earlier versions, rebuilt by replaying its change log
//! forward: from its create, or, once retention pruned the create, from the
//! base the prune kept ([`ObjectBase`]: the record after the last pruned
//! row). Owns the pruning that keeps those bases ([`Engine::prune`]), so a
//! device that saw a version the log no longer holds rows for still gets a
//! three-way merge rather than a resync.

use crate::store::{ChangeLog, LoggedChange, ObjectBase, ObjectHistory, ObjectStore, Pruning};
use crate::universal::{Change, CollectionId, ObjectName, Op, Record, Timestamp, Version};

use super::{Engine, EngineError, apply};

impl<S: ObjectStore + ChangeLog + Sync> Engine<S> {
    /// Rebuilds the version `version` of an object; `None` when neither
    /// its log nor its base reaches back that far.
    pub(super) async fn version_at(
        &self,
        collection: &CollectionId,
        name: &ObjectName,
        version: Version,
    ) -> Result<Option<Record>, EngineError> {
        let history = self.store.object_history(collection, name).await?;
        version_in(history, version)
    }
}

impl<S: ChangeLog + Sync> Engine<S> {
    /// Prunes a collection's log rows past retention (`before`, and what
    /// every active device has read: [`ChangeLog::prune`]), keeping in the
    /// same transaction each live object's record after its last pruned
    /// row. Returns how many rows went.
    pub async fn prune(&self, collection: &CollectionId, before: Timestamp) -> Result<u64, EngineError> {
        Ok(self.store.prune(collection, before, rebase).await?)
    }
}

/// The version `version` of the object `history` describes: the base when
/// it is that version, else the rows replayed from the base (when not
/// later) or from the last create before it.
fn version_in(history: ObjectHistory, version: Version) -> Result<Option<Record>, EngineError> {
    let mut at = history.base.filter(|b| b.version <= version);
    for row in &history.changes {
        if at.as_ref().is_some_and(|b| b.version == version) {
            break;
        }
        at = step(at, row)?;
    }
    Ok(at.filter(|b| b.version == version).map(|b| b.record))
}

/// The base to keep after the rows `pruning` removes: the record after the
/// last of them; none for a tombstone, nor when they cannot be replayed
/// (no create and no earlier base: the create went before bases were kept).
fn rebase(pruning: Pruning<'_>) -> Option<ObjectBase> {
    pruning
        .rows
        .iter()
        .try_fold(pruning.base, |at, row| step(at, row).ok())
        .flatten()
}

/// The state after `row`, from the state `at` before it (`None`: unknown,
/// or deleted).
fn step(at: Option<ObjectBase>, row: &LoggedChange) -> Result<Option<ObjectBase>, EngineError> {
    let t = &row.transaction;
    let record = match (t.op, at) {
        (Op::Create, _) => created(&t.changes),
        (Op::Update, Some(before)) => Some(apply(&before.record, &t.changes)?),
        (Op::Update, None) | (Op::Delete, _) => None,
    };
    Ok(record.map(|record| ObjectBase {
        version: t.new_version,
        record,
    }))
}

/// The record a logged create holds (one added root component).
fn created(changes: &[Change]) -> Option<Record> {
    match changes {
        [
            Change {
                component: Some(root), ..
            },
        ] => Some(Record::new(root.clone(), None)),
        _ => None,
    }
}
