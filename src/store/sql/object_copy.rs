//! One object of an address book or calendar copied or moved, as a step of
//! a transfer ([`TransferStep::CopyObject`](crate::store::TransferStep)):
//! both collections are locked, the source and what is at the destination
//! are read, the caller turns them into writes, and those are committed
//! with the dead properties and locks that go along — in the transfer's
//! transaction, so a MOVE never leaves a copy without removing its source
//! (nor removes a replaced destination without making the copy).

use sqlx::{Any, Transaction};

use super::commit::commit_batch;
use super::objects::lock_collection;
use super::rows::{self, OBJECT_COLUMNS};
use super::transfer::{forget_resource, replace_dead_properties};
use crate::store::{Copying, ObjectCopy, ObjectWrite, StoreError, StoredObject, Transfer};
use crate::universal::{CollectionId, ObjectName};

/// Copies (or with `moved` moves) the live object at `ends.0` to `ends.1`.
pub(super) async fn copy_object<F>(
    tx: &mut Transaction<'_, Any>,
    transfer: &Transfer,
    ends: (&(CollectionId, ObjectName), &(CollectionId, ObjectName)),
    moved: bool,
    copies: &F,
) -> Result<(), StoreError>
where
    F: Fn(Copying<'_>) -> Vec<ObjectWrite> + Send + Sync,
{
    let (from, to) = ends;
    // One order for every transfer, so two crossing moves cannot deadlock.
    let mut collections = vec![&from.0, &to.0];
    collections.sort();
    collections.dedup();
    for collection in collections {
        lock_collection(tx, collection.as_str(), transfer.origin.as_str(), transfer.at).await?;
    }
    let source = object_at(tx, from)
        .await?
        .filter(|o| !o.deleted)
        .ok_or_else(|| StoreError::NotFound(format!("object {} in {}", from.1, from.0)))?;
    let replaced = object_at(tx, to).await?;
    let writes = copies(Copying::Object(Box::new(ObjectCopy {
        source,
        to: to.clone(),
        replaced,
        moved,
    })));
    if let Some(stray) = writes
        .iter()
        .find(|w| w.transaction.collection != from.0 && w.transaction.collection != to.0)
    {
        return Err(StoreError::Corrupt(format!(
            "a copy from {} to {} writes into {}",
            from.0, to.0, stray.transaction.collection
        )));
    }
    commit_batch(tx, &writes).await?;
    replace_dead_properties(tx, from, to).await?;
    if moved {
        forget_resource(tx, &from.0, &from.1).await?;
    }
    Ok(())
}

/// The object row at a name, a tombstone included.
async fn object_at(
    tx: &mut Transaction<'_, Any>,
    at: &(CollectionId, ObjectName),
) -> Result<Option<StoredObject>, StoreError> {
    let sql = format!("SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND name = $2");
    let row = sqlx::query(&sql)
        .bind(at.0.as_str())
        .bind(at.1.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(rows::object).transpose()
}
