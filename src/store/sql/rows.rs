//! Decoding rows into the store's types.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::store::{
    AppPassword, Collection, CollectionKind, Device, Home, LoggedChange, ObjectSummary, StoreError, StoredObject, User,
};
use crate::universal::{
    ChangeTransaction, CollectionId, DeviceId, ETag, ObjectName, Op, Record, Seq, Timestamp, TxId, Uid, Version,
};

pub(super) const OBJECT_COLUMNS: &str =
    "collection_id, name, uid, version, etag, format, original, record, deleted, modified_seq, modified_at, created_at";

pub(super) fn object(row: &AnyRow) -> Result<StoredObject, StoreError> {
    let record_json: String = row.try_get("record")?;
    let record: Record =
        serde_json::from_str(&record_json).map_err(|e| StoreError::Corrupt(format!("stored record: {e}")))?;
    Ok(StoredObject {
        collection: CollectionId(row.try_get("collection_id")?),
        name: ObjectName(row.try_get("name")?),
        uid: Uid(row.try_get("uid")?),
        version: Version(row.try_get::<i64, _>("version")? as u64),
        etag: ETag(row.try_get("etag")?),
        content_type: row.try_get("format")?,
        original: row.try_get("original")?,
        record,
        deleted: row.try_get::<i64, _>("deleted")? != 0,
        modified_seq: Seq(row.try_get("modified_seq")?),
        modified_at: Timestamp(row.try_get("modified_at")?),
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

pub(super) fn summary(row: &AnyRow) -> Result<ObjectSummary, StoreError> {
    Ok(ObjectSummary {
        name: ObjectName(row.try_get("name")?),
        uid: Uid(row.try_get("uid")?),
        version: Version(row.try_get::<i64, _>("version")? as u64),
        etag: ETag(row.try_get("etag")?),
        content_type: row.try_get("format")?,
        size: row.try_get::<i64, _>("size")? as u64,
        modified_seq: Seq(row.try_get("modified_seq")?),
        modified_at: Timestamp(row.try_get("modified_at")?),
        created_at: Some(Timestamp(row.try_get("created_at")?)),
    })
}

pub(super) const CHANGE_COLUMNS: &str =
    "seq, collection_id, object_name, uid, op, txid, origin, base_version, new_version, at, changes, conflicts";

/// How the log's `op` column spells an operation ([`change`] reads it back).
pub(super) fn op_column(op: Op) -> &'static str {
    match op {
        Op::Create => "create",
        Op::Update => "update",
        Op::Delete => "delete",
    }
}

pub(super) fn change(row: &AnyRow) -> Result<LoggedChange, StoreError> {
    let corrupt = |what: &str, e: &dyn std::fmt::Display| StoreError::Corrupt(format!("change log {what}: {e}"));
    let op = match row.try_get::<String, _>("op")?.as_str() {
        "create" => Op::Create,
        "update" => Op::Update,
        "delete" => Op::Delete,
        other => return Err(corrupt("op", &other)),
    };
    let changes: String = row.try_get("changes")?;
    let conflicts: Option<String> = row.try_get("conflicts")?;
    Ok(LoggedChange {
        seq: Seq(row.try_get("seq")?),
        object: ObjectName(row.try_get("object_name")?),
        transaction: ChangeTransaction {
            txid: TxId(row.try_get("txid")?),
            collection: CollectionId(row.try_get("collection_id")?),
            uid: Uid(row.try_get("uid")?),
            op,
            base_version: row
                .try_get::<Option<i64>, _>("base_version")?
                .map(|v| Version(v as u64)),
            new_version: Version(row.try_get::<i64, _>("new_version")? as u64),
            origin: DeviceId(row.try_get("origin")?),
            at: Timestamp(row.try_get("at")?),
            changes: serde_json::from_str(&changes).map_err(|e| corrupt("changes", &e))?,
        },
        conflicts: conflicts
            .map(|c| serde_json::from_str(&c))
            .transpose()
            .map_err(|e| corrupt("conflicts", &e))?,
    })
}

pub(super) fn user(row: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        name: row.try_get("name")?,
        password_hash: row.try_get("password_hash")?,
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

pub(super) const APP_PASSWORD_COLUMNS: &str = "id, user_name, label, password_hash, created_at, revoked_at";

pub(super) fn app_password(row: &AnyRow) -> Result<AppPassword, StoreError> {
    Ok(AppPassword {
        id: row.try_get("id")?,
        user: row.try_get("user_name")?,
        label: row.try_get("label")?,
        password_hash: row.try_get("password_hash")?,
        created_at: Timestamp(row.try_get("created_at")?),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(Timestamp),
    })
}

pub(super) fn device(row: &AnyRow) -> Result<Device, StoreError> {
    Ok(Device {
        id: DeviceId(row.try_get("id")?),
        user: row.try_get("user_name")?,
        name: row.try_get("name")?,
        token_hash: row.try_get("token_hash")?,
        created_at: Timestamp(row.try_get("created_at")?),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(Timestamp),
    })
}

pub(super) const COLLECTION_COLUMNS: &str =
    "id, owner, home, name, kind, display_name, description, color, components, created_at";

pub(super) fn collection(row: &AnyRow) -> Result<Collection, StoreError> {
    let kind: String = row.try_get("kind")?;
    let home: String = row.try_get("home")?;
    Ok(Collection {
        id: CollectionId(row.try_get("id")?),
        owner: row.try_get("owner")?,
        home: Home::parse(&home).ok_or_else(|| StoreError::Corrupt(format!("collection home {home:?}")))?,
        name: row.try_get("name")?,
        kind: CollectionKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("collection kind {kind:?}")))?,
        display_name: row.try_get("display_name")?,
        description: row.try_get("description")?,
        color: row.try_get("color")?,
        components: row.try_get("components")?,
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

/// Maps a unique-constraint violation to `AlreadyExists(what)`; other errors pass through.
pub(super) fn unique_violation(error: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::AlreadyExists(what()),
        _ => StoreError::Backend(error),
    }
}
