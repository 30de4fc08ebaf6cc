//! Retention on SQL: a collection's log rows pruned, each object that loses
//! rows keeping its record after the last of them in `object_bases` (built
//! by the caller's `rebase`, written in the prune's transaction), and those
//! bases read back beside an object's remaining rows.

use std::collections::HashMap;

use sqlx::{Any, Row, Transaction};

use super::rows::{self, CHANGE_COLUMNS};
use super::{Backend, IN_CHUNK, SqlStore};
use crate::store::{LoggedChange, ObjectBase, ObjectHistory, Pruning, StoreError};
use crate::universal::{CollectionId, ObjectName, Record, Timestamp, Version};

/// Bases per multi-row upsert: 4 parameters each, under SQLite's
/// historical limit of 999 bound parameters.
const BASE_CHUNK: usize = 200;

/// Deletes the log rows every active device has read past and older than
/// `before`, keeping the bases `rebase` makes of them; see `ChangeLog::prune`.
pub(super) async fn prune<F>(
    store: &SqlStore,
    collection: &CollectionId,
    before: Timestamp,
    rebase: F,
) -> Result<u64, StoreError>
where
    F: Fn(Pruning<'_>) -> Option<ObjectBase> + Send + Sync,
{
    let mut tx = store.pool.begin().await?;
    let locked = sqlx::query("UPDATE collections SET last_seq = last_seq WHERE id = $1")
        .bind(collection.as_str())
        .execute(&mut *tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("collection {collection}")));
    }
    // Active (unrevoked) devices hold the log back at their cursor.
    let row = sqlx::query(
        "SELECT MIN(c.seq) AS min_seq FROM device_cursors c JOIN devices d ON d.id = c.device_id \
         WHERE c.collection_id = $1 AND d.revoked_at IS NULL",
    )
    .bind(collection.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let held_at: Option<i64> = row.try_get("min_seq")?;
    let row = sqlx::query("SELECT MAX(seq) AS horizon FROM changes WHERE collection_id = $1 AND at < $2 AND seq <= $3")
        .bind(collection.as_str())
        .bind(before.0)
        .bind(held_at.unwrap_or(i64::MAX))
        .fetch_one(&mut *tx)
        .await?;
    let Some(horizon) = row.try_get::<Option<i64>, _>("horizon")? else {
        return Ok(0);
    };
    keep_bases(&mut tx, collection, horizon, &rebase).await?;
    let deleted = sqlx::query("DELETE FROM changes WHERE collection_id = $1 AND seq <= $2")
        .bind(collection.as_str())
        .bind(horizon)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("UPDATE collections SET pruned_seq = $2 WHERE id = $1 AND pruned_seq < $2")
        .bind(collection.as_str())
        .bind(horizon)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(deleted)
}

/// Rebases every object with rows at or below `horizon`, a chunk of
/// objects at a time, so memory holds one chunk's rows however old the log.
async fn keep_bases<F>(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    horizon: i64,
    rebase: &F,
) -> Result<(), StoreError>
where
    F: Fn(Pruning<'_>) -> Option<ObjectBase> + Send + Sync,
{
    let names: Vec<String> =
        sqlx::query("SELECT DISTINCT object_name FROM changes WHERE collection_id = $1 AND seq <= $2")
            .bind(collection.as_str())
            .bind(horizon)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get("object_name"))
            .collect::<Result<_, _>>()?;
    for chunk in names.chunks(IN_CHUNK) {
        let pruned = pruned_rows(tx, collection, horizon, chunk).await?;
        let mut bases = read_bases(tx, collection, chunk).await?;
        let mut keep = Vec::new();
        let mut gone = Vec::new();
        for rows in pruned.chunk_by(|a, b| a.object == b.object) {
            let name = rows[0].object.clone();
            let base = bases.remove(&name);
            match rebase(Pruning { base, rows }) {
                Some(base) => keep.push((name, base)),
                None => gone.push(name),
            }
        }
        write_bases(tx, collection, &keep).await?;
        delete_bases(tx, collection, &gone).await?;
    }
    Ok(())
}

/// The rows at or below `horizon` of the objects `names`, grouped by object, oldest first.
async fn pruned_rows(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    horizon: i64,
    names: &[String],
) -> Result<Vec<LoggedChange>, StoreError> {
    let sql = format!(
        "SELECT {CHANGE_COLUMNS} FROM changes WHERE collection_id = $1 AND seq <= $2 AND object_name IN ({}) \
         ORDER BY object_name, seq",
        placeholders(3, names.len())
    );
    let mut query = sqlx::query(&sql).bind(collection.as_str()).bind(horizon);
    for name in names {
        query = query.bind(name.as_str());
    }
    query.fetch_all(&mut **tx).await?.iter().map(rows::change).collect()
}

async fn read_bases(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    names: &[String],
) -> Result<HashMap<ObjectName, ObjectBase>, StoreError> {
    let sql = format!(
        "SELECT name, version, record FROM object_bases WHERE collection_id = $1 AND name IN ({})",
        placeholders(2, names.len())
    );
    let mut query = sqlx::query(&sql).bind(collection.as_str());
    for name in names {
        query = query.bind(name.as_str());
    }
    let mut bases = HashMap::new();
    for row in query.fetch_all(&mut **tx).await? {
        bases.insert(ObjectName(row.try_get("name")?), base(&row)?);
    }
    Ok(bases)
}

async fn write_bases(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    bases: &[(ObjectName, ObjectBase)],
) -> Result<(), StoreError> {
    for chunk in bases.chunks(BASE_CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${}, ${})", 4 * i + 1, 4 * i + 2, 4 * i + 3, 4 * i + 4))
            .collect();
        let sql = format!(
            "INSERT INTO object_bases (collection_id, name, version, record) VALUES {} \
             ON CONFLICT (collection_id, name) DO UPDATE SET version = excluded.version, record = excluded.record",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (name, base) in chunk {
            let record = serde_json::to_string(&base.record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            query = query
                .bind(collection.as_str())
                .bind(name.as_str())
                .bind(base.version.0 as i64)
                .bind(record);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn delete_bases(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    names: &[ObjectName],
) -> Result<(), StoreError> {
    for chunk in names.chunks(IN_CHUNK) {
        let sql = format!(
            "DELETE FROM object_bases WHERE collection_id = $1 AND name IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(collection.as_str());
        for name in chunk {
            query = query.bind(name.as_str());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// One object's remaining log rows and its base, read in one transaction.
pub(super) async fn object_history(
    store: &SqlStore,
    collection: &CollectionId,
    name: &ObjectName,
) -> Result<ObjectHistory, StoreError> {
    let mut tx = store.pool.begin().await?;
    if store.backend == Backend::Postgres {
        // One snapshot for both reads: a prune committing between them
        // would leave rows gone that the base read before it does not
        // cover. (SQLite's WAL reader keeps one snapshot per transaction.)
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut *tx)
            .await?;
    }
    let sql =
        format!("SELECT {CHANGE_COLUMNS} FROM changes WHERE collection_id = $1 AND object_name = $2 ORDER BY seq");
    let changes = sqlx::query(&sql)
        .bind(collection.as_str())
        .bind(name.as_str())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(rows::change)
        .collect::<Result<_, _>>()?;
    let base = sqlx::query("SELECT version, record FROM object_bases WHERE collection_id = $1 AND name = $2")
        .bind(collection.as_str())
        .bind(name.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(base)
        .transpose()?;
    tx.commit().await?;
    Ok(ObjectHistory { base, changes })
}

fn base(row: &sqlx::any::AnyRow) -> Result<ObjectBase, StoreError> {
    let record: String = row.try_get("record")?;
    let record: Record =
        serde_json::from_str(&record).map_err(|e| StoreError::Corrupt(format!("object base record: {e}")))?;
    Ok(ObjectBase {
        version: Version(row.try_get::<i64, _>("version")? as u64),
        record,
    })
}

/// `$first, $first+1, …` for `count` parameters.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
