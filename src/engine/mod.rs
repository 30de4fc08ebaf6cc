//! The delta engine: field-level differences between versions of one
//! application object, in the universal change format, and their inverse
//! and three-way combination (DESIGN.md "Delta engine").
//!
//! Owns: [`diff`] (two versions → [`Change`]s), [`align_ids`] (stable field
//! ids across versions), [`apply`] (a version plus changes → the next
//! version) and [`merge`] (three-way, field by field, with recorded
//! conflicts), the engine's error type, and [`Engine`]: the application
//! object store over the [`crate::store`] traits (put, delete, apply a pushed
//! transaction with a three-way merge, apply a pushed batch in one store
//! transaction, read the change log, prune it keeping each object's base).
//!
//! Laws (property-tested in `tests/engine_laws.rs` over generated records and
//! in `tests/engine_corpus.rs` over the real-world corpus):
//! - `diff(a, a)` is empty, and so is the diff against any re-serialization
//!   of `a` (parameters reordered, RRULE parts reordered, ids renumbered);
//! - after `align_ids(a, &mut b)`, `apply(a, &diff(a, &b)) == b` up to the
//!   order of properties and siblings, and exactly when `b` placed its new
//!   fields where [`apply`] does (after the last same-named one);
//! - the VERSION of a VCARD root is serialization, not data: `diff` never
//!   reports it and `apply` keeps the target's;
//! - merging edits to different fields keeps both; a same-field conflict is
//!   resolved by the rules in [`merge`]'s module (theirs wins; edit beats
//!   delete) and the losing value is recorded; merge is deterministic.
//!
//! Must not know: any wire format (adapters) or HTTP. Uses
//! [`crate::universal`] and the [`crate::store`] traits.
//!
//! [`Change`]: crate::universal::Change

mod apply;
mod batch;
mod diff;
mod error;
mod history;
mod key_text;
mod matching;
mod merge;
mod objects;
mod push;

pub use apply::apply;
pub use batch::BatchOutcome;
pub use diff::{align_ids, diff};
pub use error::{ChangeDefect, EngineError};
pub use merge::{Conflict, ConflictValue, MergeRule, Merged, merge};
pub use objects::{Engine, ObjectRenderer, Precondition, PutObject, SearchTextOf, SpanOf, Written, etag_of};

#[cfg(test)]
mod tests;
