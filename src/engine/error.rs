//! The engine layer's error type (STYLE G8): what can go wrong when a change
//! list meets a record. Store-level variants (precondition failed, locked,
//! token expired, ...) join this enum when the store lands.

use crate::universal::FieldPath;

/// Why the engine refused a change list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
}

impl EngineError {
    pub(crate) fn invalid(path: &FieldPath, defect: ChangeDefect) -> Self {
        EngineError::InvalidChange {
            path: path.clone(),
            defect,
        }
    }
}
