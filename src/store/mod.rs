//! Persistence: application objects, the change log, accounts and leases,
//! behind traits split by capability ([`ObjectStore`], [`ChangeLog`],
//! [`Accounts`], [`Locks`], and for WebDAV [`DeadProperties`],
//! [`PlainResources`], [`ResourceLocks`], [`Transfers`]), implemented once with sqlx for SQLite (the
//! embedded default) and PostgreSQL (scale-out) — see [`SqlStore`].
//!
//! Owns: tables, transactions, durability. Every write that returns `Ok` is
//! committed. Must not know: formats (records arrive as universal
//! [`Record`]s), the delta engine, HTTP.

mod error;
mod sql;
mod types;

use std::future::Future;

pub use error::StoreError;
pub use sql::SqlStore;
pub use types::*;

use crate::universal::{CollectionId, DeviceId, ObjectName, Seq, Timestamp, TxId, Uid};

/// Application objects: current state, original bytes, version, ETag, tombstones.
pub trait ObjectStore {
    /// The object at `name`, including a tombstone.
    fn object(
        &self,
        collection: &CollectionId,
        name: &ObjectName,
    ) -> impl Future<Output = Result<Option<StoredObject>, StoreError>> + Send;

    /// The live object with this UID.
    fn object_by_uid(
        &self,
        collection: &CollectionId,
        uid: &Uid,
    ) -> impl Future<Output = Result<Option<StoredObject>, StoreError>> + Send;

    /// The live objects with these UIDs (a push batch's targets); UIDs
    /// without a live object are left out.
    fn objects_by_uid(
        &self,
        collection: &CollectionId,
        uids: &[Uid],
    ) -> impl Future<Output = Result<Vec<StoredObject>, StoreError>> + Send;

    /// Several objects by name (multiget); missing names are left out.
    fn objects(
        &self,
        collection: &CollectionId,
        names: &[ObjectName],
    ) -> impl Future<Output = Result<Vec<StoredObject>, StoreError>> + Send;

    /// The live objects among `names`, as summaries (no bodies): what a
    /// report that asks for no data needs. Missing names are left out.
    fn summaries(
        &self,
        collection: &CollectionId,
        names: &[ObjectName],
    ) -> impl Future<Output = Result<Vec<ObjectSummary>, StoreError>> + Send;

    /// The live objects among `names` as summaries with the bytes as
    /// written, their records not decoded: what a report serving data as
    /// stored needs. Missing names are left out.
    fn bodies(
        &self,
        collection: &CollectionId,
        names: &[ObjectName],
    ) -> impl Future<Output = Result<Vec<StoredBody>, StoreError>> + Send;

    /// Up to `limit` live objects' summaries with names after `after`,
    /// ordered by name: a listing read in pages, so a response over a large
    /// collection is streamed without holding every summary.
    fn list_objects_after(
        &self,
        collection: &CollectionId,
        after: Option<&ObjectName>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ObjectSummary>, StoreError>> + Send;

    /// Up to `limit` live objects with names after `after`, ordered by
    /// name, whose [`TimeSpan`] meets `window` (edges included): the
    /// candidates of a time-range query, read in pages. Objects whose span
    /// is unknown are always among them. The spans are read from an index,
    /// so objects outside the window cost no body reads.
    fn objects_meeting(
        &self,
        collection: &CollectionId,
        window: TimeSpan,
        after: Option<&ObjectName>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredObject>, StoreError>> + Send;

    /// The names and spans of the live objects [`objects_meeting`]
    /// would return, read from the span index alone: a query decides the
    /// objects whose span is exact ([`TimeSpan::exact`]) without reading
    /// them.
    ///
    /// [`objects_meeting`]: ObjectStore::objects_meeting
    fn spans_meeting(
        &self,
        collection: &CollectionId,
        window: TimeSpan,
        after: Option<&ObjectName>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(ObjectName, TimeSpan)>, StoreError>> + Send;

    /// Up to `limit` live objects with names after `after`, ordered by
    /// name, whose [`ObjectWrite::search_text`] contains at least one of
    /// `needles` (exact substring): the candidates of a text-match query,
    /// read in pages. Objects without a search text are always among them;
    /// no needles, no objects.
    fn objects_containing(
        &self,
        collection: &CollectionId,
        needles: &[String],
        after: Option<&ObjectName>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredObject>, StoreError>> + Send;

    /// Up to `limit` live objects' names with their search texts, names
    /// after `after`, ordered by name: those whose text contains one of
    /// `needles` (exact substring) and those without a text, or every one
    /// when `needles` is `None`. No body or record is read, so a query
    /// decided on search texts reads only what it answers with.
    fn search_texts(
        &self,
        collection: &CollectionId,
        needles: Option<&[String]>,
        after: Option<&ObjectName>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(ObjectName, Option<String>)>, StoreError>> + Send;

    /// Every live object's summary (no bodies), ordered by name.
    fn list_objects(
        &self,
        collection: &CollectionId,
    ) -> impl Future<Output = Result<Vec<ObjectSummary>, StoreError>> + Send;

    /// The objects written after `since`, live or deleted (only live ones
    /// with `live_only`), each once in write order, at most `limit`: what a
    /// sync-collection report lists. Unlike the change log this never
    /// expires (tombstones stay) and a member edited many times counts once.
    /// Fails with [`StoreError::FuturePosition`] past the latest position
    /// and [`StoreError::TokenExpired`] before the oldest usable one.
    fn members_since(
        &self,
        collection: &CollectionId,
        since: Seq,
        limit: u32,
        live_only: bool,
    ) -> impl Future<Output = Result<MembersSince, StoreError>> + Send;

    /// How many live objects the collection holds (the per-collection limit).
    fn count_objects(&self, collection: &CollectionId) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Writes one object version and its change-log row in one transaction.
    /// Fails with [`StoreError::VersionMismatch`] when the stored version is
    /// not the expected one, [`StoreError::DuplicateTransaction`] when the
    /// txid was already applied, [`StoreError::UidConflict`] when another
    /// live object holds the UID, [`StoreError::Locked`] when another
    /// holder's lease on the collection is live at the transaction's time.
    fn commit(&self, write: ObjectWrite) -> impl Future<Output = Result<Seq, StoreError>> + Send;

    /// Writes many objects in one transaction (import). All or nothing.
    fn commit_batch(&self, writes: Vec<ObjectWrite>) -> impl Future<Output = Result<Vec<Seq>, StoreError>> + Send;
}

/// The change log: positions, "what changed since", retention.
pub trait ChangeLog {
    /// The collection's latest position (its CTag and sync token).
    fn current_seq(&self, collection: &CollectionId) -> impl Future<Output = Result<Seq, StoreError>> + Send;

    /// Up to `limit` log rows after `since`, oldest first. Reads only rows
    /// after `since` (an index range scan): O(changes), never O(collection).
    fn changes_since(
        &self,
        collection: &CollectionId,
        since: Seq,
        limit: u32,
    ) -> impl Future<Output = Result<ChangesSince, StoreError>> + Send;

    /// The position at which a transaction id was applied, if it was.
    fn find_transaction(
        &self,
        collection: &CollectionId,
        txid: &TxId,
    ) -> impl Future<Output = Result<Option<Seq>, StoreError>> + Send;

    /// The positions at which any of these transaction ids were applied
    /// (a push batch's retries); ids never applied are left out.
    fn find_transactions(
        &self,
        collection: &CollectionId,
        txids: &[TxId],
    ) -> impl Future<Output = Result<Vec<(TxId, Seq)>, StoreError>> + Send;

    /// Every retained log row of one object, oldest first, and the base
    /// kept when its older rows were pruned, read as of one moment (to
    /// rebuild an earlier version for a three-way merge).
    fn object_history(
        &self,
        collection: &CollectionId,
        name: &ObjectName,
    ) -> impl Future<Output = Result<ObjectHistory, StoreError>> + Send;

    /// Deletes log rows every active device has read past and that are
    /// older than `before`; returns how many went. For each object losing
    /// rows, `rebase` turns its previous base and those rows into the base
    /// to keep (its record after the last of them), or `None` to keep none
    /// (a tombstone); the bases are written in the prune's transaction, so
    /// no merge ever sees the rows gone without their base.
    fn prune<F>(
        &self,
        collection: &CollectionId,
        before: Timestamp,
        rebase: F,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send
    where
        F: Fn(Pruning<'_>) -> Option<ObjectBase> + Send + Sync;

    /// Records how far a device has read a collection's log.
    fn set_cursor(
        &self,
        device: &DeviceId,
        collection: &CollectionId,
        seq: Seq,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn cursor(
        &self,
        device: &DeviceId,
        collection: &CollectionId,
    ) -> impl Future<Output = Result<Option<Seq>, StoreError>> + Send;
}

/// Users, devices, collections and grants.
pub trait Accounts {
    fn create_user(&self, user: &User) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn user(&self, name: &str) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;
    fn list_users(&self) -> impl Future<Output = Result<Vec<User>, StoreError>> + Send;
    fn set_password_hash(&self, name: &str, hash: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn delete_user(&self, name: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Stores a new app password; [`StoreError::AlreadyExists`] when the
    /// user has an active one with the same label, [`StoreError::NotFound`]
    /// when the user does not exist.
    fn create_app_password(&self, password: &AppPassword) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every app password of `user`, revoked ones too, oldest first.
    fn list_app_passwords(&self, user: &str) -> impl Future<Output = Result<Vec<AppPassword>, StoreError>> + Send;
    /// Revokes the active app password of `user` whose id or label is
    /// `id_or_label`; [`StoreError::NotFound`] when there is none.
    fn revoke_app_password(
        &self,
        user: &str,
        id_or_label: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn create_device(&self, device: &Device) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn device(&self, id: &DeviceId) -> impl Future<Output = Result<Option<Device>, StoreError>> + Send;
    fn list_devices(&self, user: &str) -> impl Future<Output = Result<Vec<Device>, StoreError>> + Send;
    fn revoke_device(&self, id: &DeviceId, at: Timestamp) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Creates a collection. Its change log starts at a position reserved
    /// above every position handed out before, so a collection made again
    /// at the id of a deleted one refuses the positions (sync tokens,
    /// device cursors) handed out for its predecessor as expired, and its
    /// CTag never repeats one of the predecessor's. Position 0 ("from the
    /// beginning") stays valid until the log is pruned.
    fn create_collection(&self, collection: &Collection) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn collection(&self, id: &CollectionId) -> impl Future<Output = Result<Option<Collection>, StoreError>> + Send;
    fn list_collections(&self, owner: &str) -> impl Future<Output = Result<Vec<Collection>, StoreError>> + Send;
    fn update_collection(&self, collection: &Collection) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn delete_collection(&self, id: &CollectionId) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn set_grant(
        &self,
        collection: &CollectionId,
        user: &str,
        access: Access,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn revoke_grant(
        &self,
        collection: &CollectionId,
        user: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// What `user` may do with `collection`: owners write, grantees as granted.
    fn access(
        &self,
        collection: &CollectionId,
        user: &str,
    ) -> impl Future<Output = Result<Option<Access>, StoreError>> + Send;
}

/// Dead properties of collections and their members (RFC 4918 §4.2).
pub trait DeadProperties {
    /// The dead properties of one resource (`""`: the collection), by name.
    fn dead_properties(
        &self,
        collection: &CollectionId,
        resource: &str,
    ) -> impl Future<Output = Result<Vec<DeadProperty>, StoreError>> + Send;

    /// Every dead property of a collection and its members (Depth 1 PROPFIND).
    fn dead_properties_in(
        &self,
        collection: &CollectionId,
    ) -> impl Future<Output = Result<Vec<DeadProperty>, StoreError>> + Send;

    /// Sets (insert or replace) and removes properties of one resource in
    /// one transaction: all or nothing (RFC 4918 §9.2). `remove` names
    /// (namespace, name) pairs; removing an absent property is no error.
    fn update_dead_properties(
        &self,
        collection: &CollectionId,
        resource: &str,
        set: &[DeadProperty],
        remove: &[(String, String)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes every dead property of one resource (it was deleted).
    fn clear_dead_properties(
        &self,
        collection: &CollectionId,
        resource: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Opaque resources of plain WebDAV collections.
pub trait PlainResources {
    /// The resource at `name`.
    fn plain_resource(
        &self,
        collection: &CollectionId,
        name: &ObjectName,
    ) -> impl Future<Output = Result<Option<PlainResource>, StoreError>> + Send;

    /// Every resource of a collection, ordered by name.
    fn plain_resources(
        &self,
        collection: &CollectionId,
    ) -> impl Future<Output = Result<Vec<PlainResource>, StoreError>> + Send;

    /// Creates or replaces a resource; true when it was created.
    fn put_plain_resource(&self, resource: &PlainResource) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes a resource; false when there was none.
    fn delete_plain_resource(
        &self,
        collection: &CollectionId,
        name: &ObjectName,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// COPY and MOVE (RFC 4918 §9.8–9.9) of collections and plain resources.
pub trait Transfers {
    /// Takes the steps of `transfer` in order, in one transaction: all or
    /// nothing. `copies` turns the objects a step copies or removes (read
    /// inside the transaction, so no write slips between the read and the
    /// copy) into the writes that do it, each with its change-log row, in
    /// the order given: the objects of an address book or calendar being
    /// copied into the writes creating them in the new collection, one
    /// object copied or moved into the writes replacing the destination
    /// and removing a moved source. Another holder's live lease on a
    /// collection written refuses the transfer.
    ///
    /// A collection created here starts its change log at a position
    /// reserved above every position handed out before, like every new
    /// collection ([`Accounts::create_collection`]).
    fn transfer<F>(&self, transfer: &Transfer, copies: F) -> impl Future<Output = Result<(), StoreError>> + Send
    where
        F: Fn(Copying<'_>) -> Vec<ObjectWrite> + Send + Sync;
}

/// Collection leases: one writer at a time, across processes sharing a database.
pub trait Locks {
    /// Takes the lease, or renews it when `holder` already has it. Another
    /// holder's unexpired lease gives [`StoreError::Locked`].
    fn acquire(
        &self,
        collection: &CollectionId,
        holder: &str,
        ttl_ms: i64,
        now: Timestamp,
    ) -> impl Future<Output = Result<Lease, StoreError>> + Send;

    /// Extends a lease `holder` holds; [`StoreError::NotFound`] when it does not.
    fn renew(
        &self,
        collection: &CollectionId,
        holder: &str,
        ttl_ms: i64,
        now: Timestamp,
    ) -> impl Future<Output = Result<Lease, StoreError>> + Send;

    /// Releases `holder`'s lease; false when it held none.
    fn release(&self, collection: &CollectionId, holder: &str)
    -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The unexpired lease on a collection, if any.
    fn lease(
        &self,
        collection: &CollectionId,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<Lease>, StoreError>> + Send;

    /// Every unexpired lease.
    fn list_leases(&self, now: Timestamp) -> impl Future<Output = Result<Vec<Lease>, StoreError>> + Send;

    /// Releases whatever lease a collection has (administrators).
    fn force_release(&self, collection: &CollectionId) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// WebDAV locks beside the collection leases (RFC 4918 §6): shared locks
/// and locks on single resources. A lease and a lock on the same collection
/// exclude each other, whoever holds them.
pub trait ResourceLocks {
    /// Writes `lock` unless `check` refuses it. `check` sees every live lock
    /// and lease in the space of the collection's owner, read in the same
    /// transaction, which is serialised with every other lock write in that
    /// space and with lease acquisition on the collection; so two
    /// conflicting locks cannot both be created. [`StoreError::NotFound`]
    /// when the collection does not exist.
    fn create_resource_lock<F>(
        &self,
        lock: &ResourceLock,
        now: Timestamp,
        check: F,
    ) -> impl Future<Output = Result<(), StoreError>> + Send
    where
        F: FnOnce(&SpaceLocks) -> Result<(), StoreError> + Send;

    /// Every live lock and lease on the collections `owner` owns.
    fn space_locks(&self, owner: &str, now: Timestamp) -> impl Future<Output = Result<SpaceLocks, StoreError>> + Send;

    /// A collection and whether its owner's space holds any live lock or
    /// lease at `now`, read together (a write's lookup and its lock check
    /// in one statement; most spaces hold none).
    fn collection_in_space(
        &self,
        id: &CollectionId,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<(Collection, bool)>, StoreError>> + Send;

    /// Moves a live lock's expiry; [`StoreError::NotFound`] when it is gone.
    fn refresh_resource_lock(
        &self,
        token: &str,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> impl Future<Output = Result<ResourceLock, StoreError>> + Send;

    /// Removes one lock; false when there was none.
    fn delete_resource_lock(&self, token: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Removes the locks rooted at one resource (it was deleted or moved
    /// away: RFC 4918 §7.6, §9.9.4); returns how many went.
    fn delete_resource_locks_at(
        &self,
        collection: &CollectionId,
        resource: &str,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}
