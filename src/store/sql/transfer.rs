//! [`Transfers`] on SQL: the steps of a COPY or MOVE in one transaction.
//! Rows are copied inside the database (`INSERT … SELECT`); only the
//! objects of address books and calendars pass through the caller, which
//! builds their new versions and change-log rows (one object's copy or
//! move: [`object_copy`](super::object_copy)).

use sqlx::{Any, Transaction};

use super::SqlStore;
use super::accounts::insert_collection;
use super::object_copy::copy_object;
use super::objects::{advance_position, lock_collection, write_object};
use super::rows::{self, OBJECT_COLUMNS};
use crate::store::{Collection, Copying, ObjectWrite, StoreError, StoredObject, Transfer, TransferStep, Transfers};
use crate::universal::{CollectionId, ObjectName, Timestamp};

impl Transfers for SqlStore {
    async fn transfer<F>(&self, transfer: &Transfer, copies: F) -> Result<(), StoreError>
    where
        F: Fn(Copying<'_>) -> Vec<ObjectWrite> + Send + Sync,
    {
        let mut tx = self.pool.begin().await?;
        for step in &transfer.steps {
            match step {
                TransferStep::DeleteCollection(id) => delete_collection(&mut tx, id, transfer).await?,
                TransferStep::DeleteResource { collection, name } => delete_resource(&mut tx, collection, name).await?,
                TransferStep::CopyCollection {
                    from,
                    to,
                    members,
                    moved,
                } => {
                    create_copy(&mut tx, from, to).await?;
                    copy_dead_properties(&mut tx, from, &to.id, *members).await?;
                    if *members {
                        copy_plain_resources(&mut tx, from, &to.id, (!moved).then_some(transfer.at)).await?;
                        let objects = live_objects(&mut tx, from).await?;
                        let writes = copies(Copying::Collection { to, objects });
                        copy_objects(&mut tx, &to.id, &writes, transfer.at).await?;
                    }
                    if *moved {
                        copy_grants(&mut tx, from, &to.id).await?;
                    }
                }
                TransferStep::CopyResource { from, to, moved } => {
                    copy_resource(&mut tx, from, to, (!moved).then_some(transfer.at)).await?;
                }
                TransferStep::CopyObject { from, to, moved } => {
                    copy_object(&mut tx, transfer, (from, to), *moved, &copies).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Deletes a collection unless another holder's lease is live on it (a
/// device in a sync session).
async fn delete_collection(
    tx: &mut Transaction<'_, Any>,
    id: &CollectionId,
    transfer: &Transfer,
) -> Result<(), StoreError> {
    lock_collection(tx, id.as_str(), transfer.origin.as_str(), transfer.at).await?;
    let done = sqlx::query("DELETE FROM collections WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("collection {id}")));
    }
    Ok(())
}

async fn delete_resource(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    name: &ObjectName,
) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM plain_resources WHERE collection_id = $1 AND name = $2")
        .bind(collection.as_str())
        .bind(name.as_str())
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("resource {name} in {collection}")));
    }
    forget_resource(tx, collection, name).await
}

/// Removes the dead properties of a resource that went and the locks
/// rooted at it (RFC 4918 §9.6, §9.9.4).
pub(super) async fn forget_resource(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    name: &ObjectName,
) -> Result<(), StoreError> {
    for table in ["dead_properties", "resource_locks"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE collection_id = $1 AND resource = $2"
        ))
        .bind(collection.as_str())
        .bind(name.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Locks the source row (writers of the source wait for the copy), then
/// creates the new collection (its log starting at a reserved position).
async fn create_copy(tx: &mut Transaction<'_, Any>, from: &CollectionId, to: &Collection) -> Result<(), StoreError> {
    let source = sqlx::query("UPDATE collections SET last_seq = last_seq WHERE id = $1")
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?;
    if source.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("collection {from}")));
    }
    insert_collection(tx, to).await
}

/// The collection's own dead properties, and with `members` its members'.
async fn copy_dead_properties(
    tx: &mut Transaction<'_, Any>,
    from: &CollectionId,
    to: &CollectionId,
    members: bool,
) -> Result<(), StoreError> {
    let which = if members { "" } else { " AND resource = ''" };
    sqlx::query(&format!(
        "INSERT INTO dead_properties (collection_id, resource, namespace, name, xml) \
         SELECT $1, resource, namespace, name, xml FROM dead_properties WHERE collection_id = $2{which}"
    ))
    .bind(to.as_str())
    .bind(from.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every plain resource; `modified`: their new modification time (a copy),
/// or `None` to keep it (a move).
async fn copy_plain_resources(
    tx: &mut Transaction<'_, Any>,
    from: &CollectionId,
    to: &CollectionId,
    modified: Option<Timestamp>,
) -> Result<(), StoreError> {
    let modified_at = if modified.is_some() { "$3" } else { "modified_at" };
    let sql = format!(
        "INSERT INTO plain_resources (collection_id, name, content_type, body, etag, modified_at) \
         SELECT $1, name, content_type, body, etag, {modified_at} FROM plain_resources WHERE collection_id = $2"
    );
    let mut insert = sqlx::query(&sql).bind(to.as_str()).bind(from.as_str());
    if let Some(at) = modified {
        insert = insert.bind(at.0);
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}

async fn live_objects(tx: &mut Transaction<'_, Any>, from: &CollectionId) -> Result<Vec<StoredObject>, StoreError> {
    let sql = format!("SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND deleted = 0 ORDER BY name");
    let found = sqlx::query(&sql).bind(from.as_str()).fetch_all(&mut **tx).await?;
    found.iter().map(rows::object).collect()
}

/// The new objects with their change-log rows, as `ObjectStore::commit_batch` writes them.
async fn copy_objects(
    tx: &mut Transaction<'_, Any>,
    to: &CollectionId,
    writes: &[ObjectWrite],
    at: Timestamp,
) -> Result<(), StoreError> {
    let Some(first) = writes.first() else { return Ok(()) };
    lock_collection(tx, to.as_str(), &first.writer, at).await?;
    let mut latest = None;
    for write in writes {
        if write.transaction.collection != *to {
            return Err(StoreError::Corrupt(format!(
                "a copy into {to} writes into {}",
                write.transaction.collection
            )));
        }
        latest = Some(write_object(tx, write).await?);
    }
    if let Some(seq) = latest {
        advance_position(tx, to.as_str(), seq.0).await?;
    }
    Ok(())
}

async fn copy_grants(tx: &mut Transaction<'_, Any>, from: &CollectionId, to: &CollectionId) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO grants (collection_id, user_name, access) \
         SELECT $1, user_name, access FROM grants WHERE collection_id = $2",
    )
    .bind(to.as_str())
    .bind(from.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Creates or replaces one plain resource from another, dead properties
/// included (those of a replaced resource go).
async fn copy_resource(
    tx: &mut Transaction<'_, Any>,
    from: &(CollectionId, ObjectName),
    to: &(CollectionId, ObjectName),
    modified: Option<Timestamp>,
) -> Result<(), StoreError> {
    let modified_at = if modified.is_some() { "$5" } else { "modified_at" };
    // The WHERE keeps SQLite from reading ON CONFLICT as a join constraint.
    let sql = format!(
        "INSERT INTO plain_resources (collection_id, name, content_type, body, etag, modified_at) \
         SELECT $1, $2, content_type, body, etag, {modified_at} FROM plain_resources WHERE collection_id = $3 AND name = $4 \
         ON CONFLICT (collection_id, name) DO UPDATE SET content_type = excluded.content_type, body = excluded.body, \
         etag = excluded.etag, modified_at = excluded.modified_at"
    );
    let mut insert = sqlx::query(&sql)
        .bind(to.0.as_str())
        .bind(to.1.as_str())
        .bind(from.0.as_str())
        .bind(from.1.as_str());
    if let Some(at) = modified {
        insert = insert.bind(at.0);
    }
    if insert.execute(&mut **tx).await?.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("resource {} in {}", from.1, from.0)));
    }
    replace_dead_properties(tx, from, to).await
}

/// Gives `to` the dead properties of `from` (those it had go).
pub(super) async fn replace_dead_properties(
    tx: &mut Transaction<'_, Any>,
    from: &(CollectionId, ObjectName),
    to: &(CollectionId, ObjectName),
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM dead_properties WHERE collection_id = $1 AND resource = $2")
        .bind(to.0.as_str())
        .bind(to.1.as_str())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO dead_properties (collection_id, resource, namespace, name, xml) \
         SELECT $1, $2, namespace, name, xml FROM dead_properties WHERE collection_id = $3 AND resource = $4",
    )
    .bind(to.0.as_str())
    .bind(to.1.as_str())
    .bind(from.0.as_str())
    .bind(from.1.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
