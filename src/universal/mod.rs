//! The universal record model: one application-independent representation of
//! contacts and calendar objects, whatever format they came in.
//!
//! Owns: the record tree ([`Record`], [`Component`], [`Prop`], [`Param`]),
//! names ([`PropName`], ...), typed values ([`Value`]), field ids and paths,
//! change transactions, and the identifier newtypes. It serializes to JSON —
//! the "universal format" documented in `docs/universal-format.md`.
//!
//! Must not know: any wire format (that is `adapters`), storage, HTTP.

mod change;
mod field_id;
mod ids;
mod name;
mod record;
mod value;

pub use change::{Action, Change, ChangeTransaction, Op};
pub use field_id::{ComponentSelector, FieldId, FieldPath, FieldPathError, SelectorKey};
pub use ids::{CollectionId, DeviceId, ETag, ObjectName, Seq, Timestamp, TxId, Uid, Version};
pub use name::{ComponentName, ParamName, PropName};
pub use record::{Component, Diagnostic, Param, Params, Prop, Record, SourceFormat};
pub use value::{Date, DateTimeValue, Duration, PeriodEnd, Recur, Time, Value};
