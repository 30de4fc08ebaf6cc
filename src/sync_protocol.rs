//! The native sync API's wire types (`/sync/v1`, documented in
//! `docs/sync-api.yaml`): the JSON bodies the server (`server::sync_api`)
//! answers and the device agent (`client`) sends. Shared by both so the two
//! sides cannot drift; knows no HTTP library (paths and limits only).
//!
//! Transactions travel in the universal change format
//! (`docs/universal-format.md`); conflicts in the engine's [`Conflict`] form.

use serde::{Deserialize, Serialize};

use crate::engine::Conflict;
use crate::universal::{
    ChangeTransaction, CollectionId, Component, DeviceId, ETag, ObjectName, Seq, Timestamp, TxId, Uid, Version,
};

/// Every path of the API starts here.
pub const PREFIX: &str = "/sync/v1";
/// Transactions one push may carry; more is refused whole with 413.
pub const MAX_BATCH: usize = 1000;
/// Log rows one pull returns at most (and by default).
pub const MAX_PULL: u32 = 1000;
/// The longest a pull may wait for a change (`wait`, seconds).
pub const MAX_WAIT_SECS: u64 = 60;
/// A session's lease when the device names none (seconds).
pub const DEFAULT_LEASE_SECS: u64 = 30;
/// The longest lease a device may ask for (seconds).
pub const MAX_LEASE_SECS: u64 = 600;
/// What a device token starts with; the device id follows, then the secret.
pub const TOKEN_PREFIX: &str = "pgd";

/// `POST /devices`: register a named device of the authenticated user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterDevice {
    pub name: String,
}

/// The new device and its token: the only time the token is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCreated {
    pub id: DeviceId,
    pub name: String,
    pub token: String,
}

/// One device in a listing (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: DeviceId,
    pub name: String,
    pub created_at: Timestamp,
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
}

/// `GET /devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceList {
    pub devices: Vec<DeviceInfo>,
}

/// `POST` / `PUT …/session`: open or keep alive a write session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSession {
    /// Lease length (default [`DEFAULT_LEASE_SECS`], at most [`MAX_LEASE_SECS`]).
    #[serde(default)]
    pub ttl_secs: Option<u64>,
}

/// The lease a session holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub collection: CollectionId,
    pub holder: String,
    pub expires_at: Timestamp,
}

/// `POST …/push`: transactions applied in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub transactions: Vec<ChangeTransaction>,
}

/// What one pushed transaction did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResult {
    pub txid: TxId,
    pub uid: Uid,
    pub name: ObjectName,
    /// The object's version after the transaction.
    pub version: Version,
    pub etag: ETag,
    /// The log position written, `None` when nothing changed.
    #[serde(default)]
    pub seq: Option<Seq>,
    pub created: bool,
    /// The txid was applied before: nothing was done again.
    pub duplicate: bool,
    /// Same-field conflicts the server resolved (`docs/merge-rules.md`).
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

/// `200` answer to a push: one result per transaction, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

/// One change-log row in a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PulledChange {
    pub seq: Seq,
    pub object: ObjectName,
    pub transaction: ChangeTransaction,
    /// Values that lost a merge at this position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflicts: Option<serde_json::Value>,
}

/// `GET …/changes`: rows after the cursor, and where to continue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<PulledChange>,
    pub cursor: Seq,
    pub more: bool,
}

/// One live object in a snapshot (full resynchronisation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotObject {
    pub name: ObjectName,
    pub uid: Uid,
    pub version: Version,
    pub root: Component,
}

/// `GET …/objects`: every live object and the cursor to pull from afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub objects: Vec<SnapshotObject>,
    pub cursor: Seq,
}

/// Every 4xx/5xx body: a message, a machine-readable code, and the details
/// that code carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub code: ErrorCode,
    /// `locked`: who holds the lease and until when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
    /// A push stopped at this transaction (0-based) with this txid …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txid: Option<TxId>,
    /// … after applying these (the transactions before it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied: Vec<PushResult>,
}

impl ApiError {
    pub fn new(code: ErrorCode, error: impl Into<String>) -> Self {
        ApiError {
            error: error.into(),
            code,
            holder: None,
            until: None,
            index: None,
            txid: None,
            applied: Vec::new(),
        }
    }
}

/// Machine-readable error kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    /// Another holder's lease is live (423).
    Locked,
    /// The device holds no session on the collection (409).
    NoSession,
    /// The transaction cannot apply (unknown field id, malformed change) (422).
    InvalidChange,
    /// The base version is ahead of the object (409).
    FutureBase,
    /// The UID is taken, or an update/delete names no object (409).
    Conflict,
    /// The cursor or base version is past retention: resynchronise (410).
    ResyncNeeded,
    TooLarge,
    Internal,
}
