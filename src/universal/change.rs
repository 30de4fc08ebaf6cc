//! Change transactions: the universal, application-independent difference
//! between two versions of one application object (DESIGN.md).
//!
//! ```json
//! { "txid": "d6c1…", "collection": "alice/addressbooks/contacts", "uid": "1234", "op": "update",
//!   "base_version": 3, "new_version": 4, "origin": "alice-phone", "at": 1764259200000,
//!   "changes": [ { "path": "#5", "action": "set",
//!                  "prop": { "id": 5, "name": "TEL", "params": [{"name": "TYPE", "values": ["work"]}],
//!                            "value": { "type": "text", "value": "+1 555 0100" } } } ] }
//! ```

use serde::{Deserialize, Serialize};

use super::field_id::FieldPath;
use super::ids::{CollectionId, DeviceId, Timestamp, TxId, Uid, Version};
use super::record::{Component, Prop};

/// What a transaction does to its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Create,
    Update,
    Delete,
}

/// What one change does to its field or component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A new property (`prop`) or sub-component (`component`) at `path`.
    Add,
    /// The property at `path` now reads `prop`.
    Set,
    /// The property or sub-component at `path` is gone.
    Remove,
}

/// One field-level change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub path: FieldPath,
    pub action: Action,
    /// The new property, for `add` and `set` of a field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prop: Option<Prop>,
    /// The new sub-component, for `add` of a component (an override occurrence, an alarm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Component>,
}

/// A change transaction: every change one origin made to one object at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeTransaction {
    pub txid: TxId,
    pub collection: CollectionId,
    pub uid: Uid,
    pub op: Op,
    /// The version the origin saw before its change (absent on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<Version>,
    pub new_version: Version,
    pub origin: DeviceId,
    pub at: Timestamp,
    #[serde(default)]
    pub changes: Vec<Change>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::universal::{FieldId, PropName, Value};

    #[test]
    fn change_transaction_json_round_trips() {
        let tx = ChangeTransaction {
            txid: TxId::from("t1"),
            collection: CollectionId::from("alice/contacts"),
            uid: Uid::from("1234"),
            op: Op::Update,
            base_version: Some(Version(3)),
            new_version: Version(4),
            origin: DeviceId::from("phone"),
            at: Timestamp(1_764_259_200_000),
            changes: vec![Change {
                path: FieldPath::root_field(FieldId(5)),
                action: Action::Set,
                prop: Some(Prop::new(PropName::Tel, Value::Text("+1 555 0100".into())).with_id(FieldId(5))),
                component: None,
            }],
        };
        let json = serde_json::to_string(&tx).unwrap();
        assert!(json.contains(r##""path":"#5","action":"set""##), "{json}");
        let back: ChangeTransaction = serde_json::from_str(&json).unwrap();
        assert_eq!(back, tx);
    }
}
