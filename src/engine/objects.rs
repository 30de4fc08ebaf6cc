//! The application object store: each object's current version with its
//! original bytes, written through the store together with the change
//! transaction that leads to it (DESIGN.md "Application object store").
//!
//! Ways in:
//! - [`Engine::put_object`] / [`Engine::delete_object`]: a whole new version
//!   (a CardDAV/CalDAV PUT or DELETE). The engine aligns field ids with the
//!   previous version, diffs, and logs the field-level changes.
//! - [`Engine::apply_transaction`] (in `push.rs`): field-level changes a
//!   device pushed against a base version, merged when the object moved on.
//! - [`Engine::transfer`]: a COPY or MOVE of collections or of one object;
//!   the objects of a copied address book or calendar are created anew in
//!   the copy, a copied or moved object anew at its destination.
//!
//! What the log records for a version is always `diff(previous, stored)`,
//! so replaying the log from a create reproduces every version.
//!
//! The engine knows no formats: when it must produce bytes for a merged
//! record it asks the caller's [`ObjectRenderer`].

use crate::store::{
    ChangeLog, ChangesSince, Collection, Copying, Expected, ObjectCopy, ObjectStore, ObjectWrite, StoredObject,
    TimeSpan, Transfer, Transfers,
};
use crate::universal::{
    Action, Change, ChangeTransaction, CollectionId, DeviceId, ETag, FieldPath, ObjectName, Op, Record, Seq, Timestamp,
    TxId, Uid, Version,
};

use super::merge::Conflict;
use super::{EngineError, align_ids, diff};

/// Produces stored bytes for records the engine built (merges, pushes).
pub trait ObjectRenderer: Send + Sync {
    /// The bytes and media type to store for `record`; `content_type` is
    /// the media type of the version it replaces (or the collection's
    /// default for a new object), so a vCard 3.0 object stays 3.0.
    fn render(&self, record: &Record, content_type: &str) -> Result<(Vec<u8>, String), String>;

    /// The resource name for an object created by a push (`<uid>.vcf`).
    fn object_name(&self, record: &Record) -> ObjectName;
}

/// A conditional request's precondition (RFC 7232).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    None,
    /// `If-Match`: the current ETag must be this one.
    IfMatch(ETag),
    /// `If-None-Match: *`: there must be no current object.
    IfNoneMatchAny,
}

/// A new version of an object, as bytes a client sent and their record.
#[derive(Debug, Clone)]
pub struct PutObject {
    pub collection: CollectionId,
    pub name: ObjectName,
    pub record: Record,
    pub original: Vec<u8>,
    pub content_type: String,
    pub precondition: Precondition,
    /// Who writes (a device id, or `dav:<user>` for DAV clients).
    pub origin: DeviceId,
    pub at: Timestamp,
}

/// What a write did.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub name: ObjectName,
    pub version: Version,
    pub etag: ETag,
    /// The change-log position, or `None` when nothing changed.
    pub seq: Option<Seq>,
    pub created: bool,
    /// Same-field conflicts resolved on the way (pushes only).
    pub conflicts: Vec<Conflict>,
    /// The push was applied before (same txid): nothing was done again.
    pub duplicate: bool,
}

/// The strong ETag of stored bytes: a BLAKE3 digest, so equal bytes give
/// equal ETags across processes and restarts.
pub fn etag_of(bytes: &[u8]) -> ETag {
    ETag(blake3::hash(bytes).to_hex()[..32].to_owned())
}

/// When a record's events happen ([`TimeSpan`]): computed by the caller,
/// which knows calendar semantics, and stored with every version.
pub type SpanOf = fn(&Record) -> TimeSpan;

/// The text a record is searched by ([`ObjectWrite::search_text`]):
/// computed by the caller, which knows what its queries match.
pub type SearchTextOf = fn(&Record) -> Option<String>;

/// The engine over a store.
#[derive(Debug, Clone)]
pub struct Engine<S> {
    pub(super) store: S,
    spans: SpanOf,
    search_texts: SearchTextOf,
}

impl<S> Engine<S> {
    /// An engine that stores no spans ([`TimeSpan::UNKNOWN`]: every object
    /// is a candidate of every time-range query).
    pub fn new(store: S) -> Self {
        Engine {
            store,
            spans: |_| TimeSpan::UNKNOWN,
            search_texts: |_| None,
        }
    }

    /// Stores `spans(record)` with every version written from now on.
    pub fn with_spans(self, spans: SpanOf) -> Self {
        Engine { spans, ..self }
    }

    /// Stores `search_texts(record)` with every version written from now on.
    pub fn with_search_texts(self, search_texts: SearchTextOf) -> Self {
        Engine { search_texts, ..self }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// `write` with the span and search text of its record; a tombstone has neither.
    pub(super) fn indexed(&self, mut write: ObjectWrite) -> ObjectWrite {
        if write.transaction.op == Op::Delete {
            write.span = TimeSpan::UNKNOWN;
            write.search_text = None;
        } else {
            write.span = (self.spans)(&write.record);
            write.search_text = (self.search_texts)(&write.record);
        }
        write
    }
}

impl<S: ObjectStore + ChangeLog + Sync> Engine<S> {
    /// Stores a new version of an object (create or replace).
    pub async fn put_object(&self, put: PutObject) -> Result<Written, EngineError> {
        let uid = Uid(put.record.uid().ok_or(EngineError::MissingUid)?.to_owned());
        let current = self.store.object(&put.collection, &put.name).await?;
        let live = current.as_ref().filter(|o| !o.deleted);
        check_precondition(&put.precondition, live)?;
        let etag = etag_of(&put.original);
        let (op, expected, version, changes, record) = match live {
            Some(prev) => {
                if prev.uid != uid {
                    return Err(EngineError::UidChanged {
                        current: prev.uid.clone(),
                    });
                }
                let mut next = put.record;
                align_ids(&prev.record, &mut next);
                let changes = diff(&prev.record, &next);
                if changes.is_empty() && prev.original == put.original {
                    return Ok(unchanged(prev));
                }
                (
                    Op::Update,
                    Expected::Version(prev.version),
                    Version(prev.version.0 + 1),
                    changes,
                    next,
                )
            }
            None => {
                let version = Version(current.as_ref().map_or(1, |tomb| tomb.version.0 + 1));
                (
                    Op::Create,
                    Expected::Absent,
                    version,
                    create_changes(&put.record),
                    put.record,
                )
            }
        };
        let write = ObjectWrite {
            expected,
            name: put.name.clone(),
            etag: etag.clone(),
            content_type: put.content_type,
            original: put.original,
            record,
            transaction: transaction(
                &put.collection,
                uid,
                op,
                expected,
                version,
                &put.origin,
                put.at,
                changes,
            ),
            conflicts: None,
            writer: put.origin.0.clone(),
            span: TimeSpan::UNKNOWN,
            search_text: None,
        };
        let seq = self
            .store
            .commit(self.indexed(write))
            .await
            .map_err(precondition_on_race)?;
        Ok(Written {
            name: put.name,
            version,
            etag,
            seq: Some(seq),
            created: op == Op::Create,
            conflicts: Vec::new(),
            duplicate: false,
        })
    }

    /// Deletes an object, keeping a tombstone with its last state.
    pub async fn delete_object(
        &self,
        collection: &CollectionId,
        name: &ObjectName,
        precondition: &Precondition,
        origin: &DeviceId,
        at: Timestamp,
    ) -> Result<Seq, EngineError> {
        let current = self.store.object(collection, name).await?;
        let prev = current
            .filter(|o| !o.deleted)
            .ok_or_else(|| EngineError::NotFound(format!("{collection}/{name}")))?;
        check_precondition(precondition, Some(&prev))?;
        self.store
            .commit(removal(prev, origin, at))
            .await
            .map_err(precondition_on_race)
    }

    /// The log rows after `since`, at most `limit`.
    pub async fn changes_since(
        &self,
        collection: &CollectionId,
        since: Seq,
        limit: u32,
    ) -> Result<ChangesSince, EngineError> {
        Ok(self.store.changes_since(collection, since, limit).await?)
    }
}

impl<S: Transfers + Sync> Engine<S> {
    /// Takes the steps of a COPY or MOVE in one store transaction. Each
    /// object of a copied address book or calendar becomes a new object of
    /// the copy (version 1, a create in the copy's change log), so a sync
    /// client of the destination sees it like any new object; so does a
    /// copied or moved object at its destination, and a moved object is
    /// deleted at its source.
    pub async fn transfer(&self, transfer: &Transfer) -> Result<(), EngineError> {
        let (at, origin) = (transfer.at, &transfer.origin);
        let copies = |copying: Copying<'_>| -> Vec<ObjectWrite> {
            let writes = match copying {
                Copying::Collection { to, objects } => {
                    objects.into_iter().map(|o| copy_write(to, o, origin, at)).collect()
                }
                Copying::Object(copy) => object_copy_writes(*copy, origin, at),
            };
            writes.into_iter().map(|w| self.indexed(w)).collect()
        };
        Ok(self.store.transfer(transfer, copies).await?)
    }
}

/// The write creating a copy of `object` in the collection `to`.
fn copy_write(to: &Collection, object: StoredObject, origin: &DeviceId, at: Timestamp) -> ObjectWrite {
    let name = object.name.clone();
    creation(&to.id, name, object, Version(1), origin, at)
}

/// The writes of one object copied or moved, in order: the live object at
/// the destination goes (it may hold another UID, which a new version
/// could not change); a moved source goes, before the copy is made, so
/// that within one collection its UID is free; then the copy is created
/// over the destination's tombstone, its version after the tombstone's.
fn object_copy_writes(copy: ObjectCopy, origin: &DeviceId, at: Timestamp) -> Vec<ObjectWrite> {
    let mut writes = Vec::new();
    let mut tombstone = copy.replaced.as_ref().map(|o| o.version);
    if let Some(live) = copy.replaced.filter(|o| !o.deleted) {
        let gone = removal(live, origin, at);
        tombstone = Some(gone.transaction.new_version);
        writes.push(gone);
    }
    if copy.moved {
        writes.push(removal(copy.source.clone(), origin, at));
    }
    let version = Version(tombstone.map_or(1, |v| v.0 + 1));
    let (collection, name) = copy.to;
    writes.push(creation(&collection, name, copy.source, version, origin, at));
    writes
}

/// The write creating `object`'s content at `name` in `collection`.
fn creation(
    collection: &CollectionId,
    name: ObjectName,
    object: StoredObject,
    version: Version,
    origin: &DeviceId,
    at: Timestamp,
) -> ObjectWrite {
    let changes = create_changes(&object.record);
    ObjectWrite {
        expected: Expected::Absent,
        name,
        etag: object.etag,
        content_type: object.content_type,
        original: object.original,
        transaction: transaction(
            collection,
            object.uid,
            Op::Create,
            Expected::Absent,
            version,
            origin,
            at,
            changes,
        ),
        record: object.record,
        conflicts: None,
        writer: origin.0.clone(),
        span: TimeSpan::UNKNOWN,
        search_text: None,
    }
}

/// The write deleting the live object `prev`, its tombstone keeping its last state.
fn removal(prev: StoredObject, origin: &DeviceId, at: Timestamp) -> ObjectWrite {
    let expected = Expected::Version(prev.version);
    let version = Version(prev.version.0 + 1);
    let changes = vec![Change {
        path: root_path(),
        action: Action::Remove,
        prop: None,
        component: None,
    }];
    ObjectWrite {
        expected,
        name: prev.name,
        etag: prev.etag,
        content_type: prev.content_type,
        original: prev.original,
        transaction: transaction(
            &prev.collection,
            prev.uid,
            Op::Delete,
            expected,
            version,
            origin,
            at,
            changes,
        ),
        record: prev.record,
        conflicts: None,
        writer: origin.0.clone(),
        span: TimeSpan::UNKNOWN,
        search_text: None,
    }
}

fn check_precondition(precondition: &Precondition, live: Option<&StoredObject>) -> Result<(), EngineError> {
    let failed = || EngineError::PreconditionFailed {
        current: live.map(|o| o.etag.clone()),
    };
    match (precondition, live) {
        (Precondition::IfNoneMatchAny, Some(_)) => Err(failed()),
        (Precondition::IfMatch(_), None) => Err(failed()),
        (Precondition::IfMatch(tag), Some(o)) if *tag != o.etag => Err(failed()),
        _ => Ok(()),
    }
}

/// A concurrent writer got there first: to the client, the precondition it
/// relied on (the version it read) no longer holds.
pub(super) fn precondition_on_race(error: crate::store::StoreError) -> EngineError {
    match error {
        crate::store::StoreError::VersionMismatch { .. } => EngineError::PreconditionFailed { current: None },
        other => other.into(),
    }
}

pub(super) fn unchanged(current: &StoredObject) -> Written {
    Written {
        name: current.name.clone(),
        version: current.version,
        etag: current.etag.clone(),
        seq: None,
        created: false,
        conflicts: Vec::new(),
        duplicate: false,
    }
}

/// The path of the record's root component.
pub(super) fn root_path() -> FieldPath {
    FieldPath {
        components: Vec::new(),
        field: None,
    }
}

/// A create logs the whole record as one added root component, without raw bytes.
pub(super) fn create_changes(record: &Record) -> Vec<Change> {
    let mut clean = record.clone();
    clean.clear_raw();
    vec![Change {
        path: root_path(),
        action: Action::Add,
        prop: None,
        component: Some(clean.root),
    }]
}

pub(super) fn conflicts_json(conflicts: &[Conflict]) -> Option<serde_json::Value> {
    (!conflicts.is_empty()).then(|| serde_json::to_value(conflicts).expect("conflicts serialize"))
}

#[allow(clippy::too_many_arguments)]
fn transaction(
    collection: &CollectionId,
    uid: Uid,
    op: Op,
    expected: Expected,
    version: Version,
    origin: &DeviceId,
    at: Timestamp,
    changes: Vec<Change>,
) -> ChangeTransaction {
    ChangeTransaction {
        txid: TxId(format!("{origin}:{}", uuid::Uuid::new_v4())),
        collection: collection.clone(),
        uid,
        op,
        base_version: match expected {
            Expected::Absent => None,
            Expected::Version(v) => Some(v),
        },
        new_version: version,
        origin: origin.clone(),
        at,
        changes,
    }
}
