//! The engine layer's error type (STYLE G8): what can go wrong when a change
//! list meets a record, and when a write meets the stored state.

use crate::store::StoreError;
use crate::universal::{ETag, FieldPath, ObjectName, Seq, Timestamp, Uid, Version};

/// Why the engine refused a change list or a write.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The path names a field id that its component does not hold.
    #[error("no field at {path}")]
    UnknownField { path: FieldPath },
    /// A component selector on the path matches no sub-component.
    #[error("no component at {path}")]
    UnknownComponent { path: FieldPath },
    /// The change is malformed for its action (see [`ChangeDefect`]).
    #[error("invalid change at {path}: {defect}")]
    InvalidChange { path: FieldPath, defect: ChangeDefect },
    /// The object has no UID (RFC 6350 §6.7.6, RFC 5545 §3.8.4.7): it cannot be addressed.
    #[error("the object has no UID")]
    MissingUid,
    /// If-Match / If-None-Match did not hold (RFC 7232 §3.1, §3.2).
    #[error("precondition failed (current ETag: {current:?})")]
    PreconditionFailed { current: Option<ETag> },
    #[error("not found: {0}")]
    NotFound(String),
    /// Another object of the collection has this UID (RFC 6352 §6.3.2.1, RFC 4791 §5.3.2.1).
    #[error("UID already used by {existing}")]
    UidConflict { existing: ObjectName },
    /// A write would change the UID of an existing object.
    #[error("the UID of an existing object cannot change (it is {current})")]
    UidChanged { current: Uid },
    /// Another holder's lease on the collection is live.
    #[error("collection locked by {holder} until {until}")]
    Locked { holder: String, until: Timestamp },
    /// The position is older than the retained change log: resynchronise fully.
    #[error("position {given} is older than the retained change log (oldest usable: {oldest})")]
    TokenExpired { given: Seq, oldest: Seq },
    /// The position was never handed out.
    #[error("position {given} is ahead of the change log (latest: {latest})")]
    FuturePosition { given: Seq, latest: Seq },
    /// A transaction's base version is newer than the object.
    #[error("base version {given} is ahead of the object's version {current}")]
    FutureBase { given: Version, current: Version },
    /// The base version a transaction was made against is no longer in the
    /// retained log, so it cannot be merged: resynchronise the object.
    #[error("base version {given} of {uid} is no longer retained; resynchronise")]
    BaseUnavailable { uid: Uid, given: Version },
    /// The merged record could not be written back in its format.
    #[error("cannot render the merged object: {0}")]
    Render(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for EngineError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::UidConflict { existing } => EngineError::UidConflict { existing },
            StoreError::Locked { holder, until } => EngineError::Locked { holder, until },
            StoreError::TokenExpired { given, oldest } => EngineError::TokenExpired { given, oldest },
            StoreError::FuturePosition { given, latest } => EngineError::FuturePosition { given, latest },
            StoreError::NotFound(what) => EngineError::NotFound(what),
            other => EngineError::Store(other),
        }
    }
}

/// What is wrong with one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChangeDefect {
    #[error("an add or set of a field carries no property")]
    MissingProp,
    #[error("an add of a component carries no component")]
    MissingComponent,
    #[error("a set must name a field id")]
    SetWithoutField,
    #[error("the property's field id differs from the path's")]
    IdMismatch,
    #[error("the field id is already in use in the record")]
    DuplicateFieldId,
    #[error("the added component does not match the path's selector")]
    SelectorMismatch,
    #[error("a component with this selector already exists")]
    DuplicateComponent,
    #[error("the record's root component cannot be added or removed")]
    RootComponent,
    #[error("an update must name the base version it was made against")]
    MissingBase,
}

impl EngineError {
    pub(crate) fn invalid(path: &FieldPath, defect: ChangeDefect) -> Self {
        EngineError::InvalidChange {
            path: path.clone(),
            defect,
        }
    }
}
