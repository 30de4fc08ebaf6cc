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

/// The two namespaces a user's collections live in, as the DAV URLs show
/// them (`/dav/addressbooks/USER/NAME/`, `/dav/calendars/USER/NAME/`): an
/// address book and a calendar may share a name, as on most servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Home {
    AddressBooks,
    Calendars,
}

impl Home {
    pub fn as_str(self) -> &'static str {
        match self {
            Home::AddressBooks => "addressbooks",
            Home::Calendars => "calendars",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "addressbooks" => Some(Home::AddressBooks),
            "calendars" => Some(Home::Calendars),
            _ => None,
        }
    }

    /// The kind a collection created in this home gets by default.
    pub fn default_kind(self) -> CollectionKind {
        match self {
            Home::AddressBooks => CollectionKind::AddressBook,
            Home::Calendars => CollectionKind::Calendar,
        }
    }

    /// Whether a collection of `kind` may be made in this home: address
    /// books in the address book home, calendars in the calendar home,
    /// plain collections in either.
    pub fn admits(self, kind: CollectionKind) -> bool {
        kind == CollectionKind::Plain || kind == self.default_kind()
    }

    /// The home a collection of `kind` belongs in; plain WebDAV collections
    /// may be made in either and default to the calendar home.
    pub fn of_kind(kind: CollectionKind) -> Self {
        match kind {
            CollectionKind::AddressBook => Home::AddressBooks,
            CollectionKind::Calendar | CollectionKind::Plain => Home::Calendars,
        }
    }

    /// The id of `owner`'s collection `name` in this home: `owner/HOME/name`.
    pub fn collection_id(self, owner: &str, name: &str) -> CollectionId {
        CollectionId(format!("{owner}/{}/{name}", self.as_str()))
    }
}

/// Reads a collection id as users type it (`alice/addressbooks/contacts`),
/// with an error that shows the expected form.
pub fn parse_collection_id(text: &str) -> Result<CollectionId, String> {
    let mut parts = text.splitn(3, '/');
    match (parts.next(), parts.next().and_then(Home::parse), parts.next()) {
        (Some(owner), Some(home), Some(name)) if !owner.is_empty() && !name.is_empty() => {
            Ok(home.collection_id(owner, name))
        }
        _ => Err(format!(
            "{text:?} is not a collection: write OWNER/addressbooks/NAME or OWNER/calendars/NAME"
        )),
    }
}

/// An address book, calendar or plain WebDAV collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// `owner/HOME/name` ([`Home::collection_id`]).
    pub id: CollectionId,
    pub owner: String,
    pub home: Home,
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
    /// A collection in the home its kind belongs in.
    pub fn new(owner: &str, name: &str, kind: CollectionKind, created_at: Timestamp) -> Self {
        Self::in_home(owner, Home::of_kind(kind), name, kind, created_at)
    }

    /// A collection in `home` (plain collections may live in either).
    pub fn in_home(owner: &str, home: Home, name: &str, kind: CollectionKind, created_at: Timestamp) -> Self {
        Collection {
            id: home.collection_id(owner, name),
            owner: owner.to_owned(),
            home,
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
    /// When the object at this name was created (a create over a
    /// tombstone starts anew); DAV `creationdate`.
    pub created_at: Timestamp,
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
    /// When the object was created (DAV `creationdate`); `None` for plain
    /// resources, which do not keep it.
    pub created_at: Option<Timestamp>,
}

/// A live object's summary and its bytes as written, without its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBody {
    pub summary: ObjectSummary,
    pub original: Vec<u8>,
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
    /// When the object's events happen, for [`ObjectStore::objects_meeting`](super::ObjectStore::objects_meeting);
    /// [`TimeSpan::UNKNOWN`] for tombstones and anything without a span.
    pub span: TimeSpan,
    /// The case-folded text of the record's property values, for
    /// [`ObjectStore::objects_containing`](super::ObjectStore::objects_containing);
    /// `None` for tombstones and records nobody searches by text.
    pub search_text: Option<String>,
}

/// When a calendar object's events happen, in UTC seconds, both bounds
/// inclusive: every occurrence a VEVENT time-range can test lies within.
/// A `None` bound is open: unknown, or (an end) a series without end. The
/// store keeps it beside the object so a time-range query reads only the
/// objects whose span meets its range; the caller computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeSpan {
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// The object's one occurrence is exactly this span (both bounds
    /// known): from `start` to `end`, or the instant `start` when they are
    /// equal. The caller says what that means for a range; the store keeps
    /// it beside the span.
    pub exact: bool,
}

impl TimeSpan {
    /// Not known: the object is a candidate for every range.
    pub const UNKNOWN: TimeSpan = TimeSpan {
        start: None,
        end: None,
        exact: false,
    };

    /// A window (or a hull) from `start` to `end`.
    pub const fn between(start: Option<i64>, end: Option<i64>) -> TimeSpan {
        TimeSpan {
            start,
            end,
            exact: false,
        }
    }

    /// Whether the two share an instant (edges included, open bounds reach everything).
    pub fn meets(&self, other: &TimeSpan) -> bool {
        let before = |a: Option<i64>, b: Option<i64>| a.zip(b).is_none_or(|(a, b)| a <= b);
        before(self.start, other.end) && before(other.start, self.end)
    }
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

/// An object's record at a version whose log rows retention pruned: where
/// replaying the object's log starts once its create is gone.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectBase {
    pub version: Version,
    pub record: Record,
}

/// What the log still knows of one object: the base kept when its older
/// rows were pruned, and the rows after it, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectHistory {
    pub base: Option<ObjectBase>,
    pub changes: Vec<LoggedChange>,
}

/// One object whose log rows a prune removes, handed to the caller
/// ([`ChangeLog::prune`](super::ChangeLog::prune)) inside the prune's
/// transaction: the base kept by an earlier prune and the rows going now,
/// oldest first.
#[derive(Debug)]
pub struct Pruning<'a> {
    pub base: Option<ObjectBase>,
    pub rows: &'a [LoggedChange],
}

/// The members written after a position (a DAV sync-collection's answer):
/// each object once, in write order, and where to continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembersSince {
    pub members: Vec<ChangedMember>,
    /// The position to ask from next time.
    pub next: Seq,
    /// More members wait after `next` (the limit was reached).
    pub more: bool,
}

/// A member written after a position: live, with its summary as of the
/// read, or removed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedMember {
    Live(ObjectSummary),
    Removed(ObjectName),
}

impl ChangedMember {
    pub fn name(&self) -> &ObjectName {
        match self {
            ChangedMember::Live(summary) => &summary.name,
            ChangedMember::Removed(name) => name,
        }
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
    pub collection_home: Home,
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

/// A COPY or MOVE of collections and plain resources (RFC 4918 §9.8–9.9):
/// steps the store takes in order, in one transaction, so that a failure
/// leaves source and destination as they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub steps: Vec<TransferStep>,
    /// When the copies were made (their modification time, their log rows).
    pub at: Timestamp,
    /// Who transfers: the origin of the copies' log rows. Another holder's
    /// live lease on a collection the transfer deletes refuses it.
    pub origin: DeviceId,
}

/// One step of a [`Transfer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferStep {
    /// Removes a collection with everything in it: members, change log
    /// and object bases, dead properties, grants, locks. Nested
    /// collections are steps of their own.
    DeleteCollection(CollectionId),
    /// Removes a plain resource with its dead properties and the locks
    /// rooted at it.
    DeleteResource { collection: CollectionId, name: ObjectName },
    /// Creates `to` as a copy of the collection `from`: its dead
    /// properties and, with `members`, its plain resources, its objects
    /// (as new versions with their own change-log rows, so no object base
    /// comes along) and their dead properties. Locks never come along
    /// (RFC 4918 §7.6).
    CopyCollection {
        from: CollectionId,
        to: Collection,
        members: bool,
        /// A MOVE: grants and modification times come along.
        moved: bool,
    },
    /// Creates or replaces the plain resource `to` with the bytes, media
    /// type and dead properties of `from`.
    CopyResource {
        from: (CollectionId, ObjectName),
        to: (CollectionId, ObjectName),
        /// A MOVE: the modification time comes along.
        moved: bool,
    },
    /// Copies the live object `from` of an address book or calendar to
    /// `to` (a name in a collection of the same kind), replacing what is
    /// there, with its dead properties; a MOVE also removes the source
    /// with its dead properties and the locks rooted at it. The writes
    /// come from the caller ([`Copying::Object`]).
    CopyObject {
        from: (CollectionId, ObjectName),
        to: (CollectionId, ObjectName),
        moved: bool,
    },
}

/// What a [`Transfer`] read inside its transaction, for the caller to turn
/// into object writes (new versions with their change-log rows).
#[derive(Debug)]
pub enum Copying<'a> {
    /// The live objects of an address book or calendar copied to `to`:
    /// each becomes a new object there.
    Collection {
        to: &'a Collection,
        objects: Vec<StoredObject>,
    },
    /// One object copied or moved ([`TransferStep::CopyObject`]).
    Object(Box<ObjectCopy>),
}

/// One object copied or moved, as the transfer found it.
#[derive(Debug)]
pub struct ObjectCopy {
    /// The live object copied.
    pub source: StoredObject,
    /// The collection and name the copy goes to.
    pub to: (CollectionId, ObjectName),
    /// What is at `to`: a live object the copy replaces, or a tombstone.
    pub replaced: Option<StoredObject>,
    /// A MOVE: the source goes.
    pub moved: bool,
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
