//! The store's error enum. Backends map constraint names to variants.

use crate::universal::{ObjectName, Seq, Timestamp, Version};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("already exists: {0}")]
    AlreadyExists(String),
    /// The object changed since the writer read it.
    #[error("version mismatch: expected {expected:?}, found {found:?}")]
    VersionMismatch {
        expected: Option<Version>,
        found: Option<Version>,
    },
    /// The transaction id was applied before, at `seq`.
    #[error("transaction already applied at position {seq}")]
    DuplicateTransaction { seq: Seq },
    /// Another live object in the collection has this UID.
    #[error("UID already used by {existing}")]
    UidConflict { existing: ObjectName },
    /// The position is older than the retained log.
    #[error("position {given} is older than the retained change log (oldest usable: {oldest})")]
    TokenExpired { given: Seq, oldest: Seq },
    /// The position is ahead of the log: it was never handed out.
    #[error("position {given} is ahead of the change log (latest: {latest})")]
    FuturePosition { given: Seq, latest: Seq },
    #[error("collection is locked by {holder} until {until}")]
    Locked { holder: String, until: Timestamp },
    /// Stored data that does not decode (a bug or a damaged database).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Backend(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
