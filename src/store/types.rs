//! The rows the store reads and writes, as typed values.

use serde::{Deserialize, Serialize};

use crate::universal::{
    Change, ChangeTransaction, CollectionId, DeviceId, ETag, ObjectName, Op, Record, Seq, Timestamp, TxId, Uid, Version,
};

/// A user account. The password hash is argon2id (PHC string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub password_hash: String,
    pub created_at: Timestamp,
}

/// A registered device; its token is stored only as an argon2id hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: DeviceId,
    pub user: String,
    pub name: String,
    pub token_hash: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// An app password: a separate secret for one client of a user, stored
/// only as an argon2id hash (PHC string), revocable on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPassword {
    /// Random id, shown in listings and used to revoke.
    pub id: String,
    pub user: String,
    /// What the user called it ("iPhone", "Thunderbird at work").
    pub label: String,
    pub password_hash: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl AppPassword {
    /// Not revoked.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// What a collection holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CollectionKind {
    AddressBook,
    Calendar,
    /// A plain WebDAV collection of opaque resources.
    Plain,
}

impl CollectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionKind::AddressBook => "addressbook",
            CollectionKind::Calendar => "calendar",
            CollectionKind::Plain => "plain",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "addressbook" => Some(CollectionKind::AddressBook),
            "calendar" => Some(CollectionKind::Calendar),
            "plain" => Some(CollectionKind::Plain),
            _ => None,
        }
    }
}

/// An address book or calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// `owner/name`.
    pub id: CollectionId,
    pub owner: String,
    pub name: String,
    pub kind: CollectionKind,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub color: Option<String>,
    /// Calendar component set (`VEVENT,VTODO`), when restricted.
    pub components: Option<String>,
    pub created_at: Timestamp,
}

impl Collection {
    pub fn new(owner: &str, name: &str, kind: CollectionKind, created_at: Timestamp) -> Self {
        Collection {
            id: CollectionId(format!("{owner}/{name}")),
            owner: owner.to_owned(),
            name: name.to_owned(),
            kind,
            display_name: None,
            description: None,
            color: None,
            components: None,
            created_at,
        }
    }
}

/// Read or read-write access to a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            _ => None,
        }
    }
}

/// One stored object version (or tombstone).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredObject {
    pub collection: CollectionId,
    pub name: ObjectName,
    pub uid: Uid,
    pub version: Version,
    pub etag: ETag,
    /// The media type the original bytes are in (`text/vcard; version=3.0`).
    pub content_type: String,
    /// The bytes as the client wrote them.
    pub original: Vec<u8>,
    pub record: Record,
    pub deleted: bool,
    pub modified_seq: Seq,
    pub modified_at: Timestamp,
}

/// A live object without its bodies (listings, PROPFIND).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSummary {
    pub name: ObjectName,
    pub uid: Uid,
    pub version: Version,
    pub etag: ETag,
    pub content_type: String,
    pub size: u64,
    pub modified_seq: Seq,
    /// When this version was written (DAV `getlastmodified`).
    pub modified_at: Timestamp,
}

/// What the writer expects to find before its write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// No live object at that name (create; a tombstone may be there).
    Absent,
    /// Exactly this version.
    Version(Version),
}

/// One object version to write, with its change-log entry.
#[derive(Debug, Clone)]
pub struct ObjectWrite {
    pub expected: Expected,
    pub name: ObjectName,
    pub etag: ETag,
    pub content_type: String,
    pub original: Vec<u8>,
    /// The new state (for a delete: the last state, kept in the tombstone).
    pub record: Record,
    /// The transaction: collection, uid, op, versions, origin, time, changes.
    pub transaction: ChangeTransaction,
    /// Values that lost a merge conflict, as JSON, so nothing is lost.
    pub conflicts: Option<serde_json::Value>,
    /// Who writes: a live lease on the collection held by anyone else
    /// refuses the write.
    pub writer: String,
}

/// One row of the change log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedChange {
    pub seq: Seq,
    pub object: ObjectName,
    pub transaction: ChangeTransaction,
    pub conflicts: Option<serde_json::Value>,
}

impl LoggedChange {
    pub fn txid(&self) -> &TxId {
        &self.transaction.txid
    }

    pub fn op(&self) -> Op {
        self.transaction.op
    }

    pub fn changes(&self) -> &[Change] {
        &self.transaction.changes
    }
}

/// The answer to "what changed since": the rows, and where to continue.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangesSince {
    pub changes: Vec<LoggedChange>,
    /// The position to ask from next time: the last row returned, or the
    /// collection's latest position when nothing is left.
    pub next: Seq,
    /// More rows wait after `next` (the limit was reached).
    pub more: bool,
}

/// A collection lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub collection: CollectionId,
    pub holder: String,
    pub acquired_at: Timestamp,
    pub expires_at: Timestamp,
}

/// The scope of a [`ResourceLock`] (RFC 4918 §6.2): an exclusive lock
/// conflicts with every other lock on the resources it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockScope {
    Exclusive,
    Shared,
}

/// A WebDAV write lock (RFC 4918 §6) on a collection (`resource` empty) or
/// one member: what a collection [`Lease`] cannot express — shared locks,
/// and locks on one resource of a plain collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceLock {
    /// The lock token (`opaquelocktoken:…`), unique.
    pub token: String,
    pub collection: CollectionId,
    /// The member's name, or `""` for the collection itself.
    pub resource: String,
    pub scope: LockScope,
    /// Depth infinity: a collection lock also covers its members and
    /// nested collections.
    pub deep: bool,
    /// The user who took it; only they may use its token.
    pub principal: String,
    /// The `DAV:owner` the client supplied, as XML.
    pub owner: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A lock or lease with the name and kind of its collection, so that
/// callers can place it in the collection tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<T> {
    pub collection_name: String,
    pub collection_kind: CollectionKind,
    pub item: T,
}

/// Every live lock and lease in one user's space.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpaceLocks {
    pub locks: Vec<Placed<ResourceLock>>,
    pub leases: Vec<Placed<Lease>>,
}

/// A dead property (RFC 4918 §4.2) of a collection or one of its members:
/// the property element as XML, kept as the client wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadProperty {
    /// The member's name, or `""` for the collection itself.
    pub resource: String,
    /// The property's namespace URI and local name.
    pub namespace: String,
    pub name: String,
    /// The whole property element, serialized.
    pub xml: String,
}

/// An opaque resource of a plain WebDAV collection: bytes and a media type,
/// read by no adapter and logged in no change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainResource {
    pub collection: CollectionId,
    pub name: ObjectName,
    pub content_type: String,
    pub body: Vec<u8>,
    pub etag: ETag,
    pub modified_at: Timestamp,
}
