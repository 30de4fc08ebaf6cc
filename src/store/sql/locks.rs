//! [`Locks`] on SQL: leases live in the database, so every server process
//! sharing it sees them; an expired lease is simply overwritten. Taking a
//! lease touches the collection row first (as object writes do), which
//! serialises it with the creation of WebDAV resource locks on the same
//! collection (`resource_locks.rs`): a lease and a live resource lock on
//! one collection exclude each other.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::SqlStore;
use crate::store::{Lease, Locks, StoreError};
use crate::universal::{CollectionId, Timestamp};

fn lease(row: &AnyRow) -> Result<Lease, StoreError> {
    Ok(Lease {
        collection: CollectionId(row.try_get("collection_id")?),
        holder: row.try_get("holder")?,
        acquired_at: Timestamp(row.try_get("acquired_at")?),
        expires_at: Timestamp(row.try_get("expires_at")?),
    })
}

const LEASE_COLUMNS: &str = "collection_id, holder, acquired_at, expires_at";

impl SqlStore {
    /// One statement: insert, or take over when expired or already ours.
    /// Atomic on both backends, so two processes cannot both win. `None`
    /// when another holder's lease is live.
    async fn try_acquire(
        &self,
        collection: &CollectionId,
        holder: &str,
        ttl_ms: i64,
        now: Timestamp,
    ) -> Result<Option<Lease>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let touched = sqlx::query("UPDATE collections SET last_seq = last_seq WHERE id = $1")
            .bind(collection.as_str())
            .execute(&mut *tx)
            .await?;
        if touched.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("collection {collection}")));
        }
        refuse_under_resource_lock(&mut tx, collection, now).await?;
        let row = sqlx::query(&format!(
            "INSERT INTO locks (collection_id, holder, token, acquired_at, expires_at) VALUES ($1, $2, $2, $3, $4) \
             ON CONFLICT (collection_id) DO UPDATE SET holder = excluded.holder, token = excluded.token, \
             acquired_at = CASE WHEN locks.holder = excluded.holder AND locks.expires_at > $3 THEN locks.acquired_at ELSE excluded.acquired_at END, \
             expires_at = excluded.expires_at \
             WHERE locks.expires_at <= $3 OR locks.holder = excluded.holder \
             RETURNING {LEASE_COLUMNS}"
        ))
        .bind(collection.as_str())
        .bind(holder)
        .bind(now.0)
        .bind(now.0 + ttl_ms)
        .fetch_optional(&mut *tx)
        .await?;
        let taken = row.as_ref().map(lease).transpose()?;
        tx.commit().await?;
        Ok(taken)
    }
}

/// [`StoreError::Locked`] when a live WebDAV resource lock sits on the
/// collection or one of its members: a lease is exclusive.
async fn refuse_under_resource_lock(
    conn: &mut AnyConnection,
    collection: &CollectionId,
    now: Timestamp,
) -> Result<(), StoreError> {
    let held = sqlx::query(
        "SELECT principal, expires_at FROM resource_locks WHERE collection_id = $1 AND expires_at > $2 \
         ORDER BY expires_at DESC LIMIT 1",
    )
    .bind(collection.as_str())
    .bind(now.0)
    .fetch_optional(&mut *conn)
    .await?;
    match held {
        Some(row) => Err(StoreError::Locked {
            holder: format!("dav:{}", row.try_get::<String, _>("principal")?),
            until: Timestamp(row.try_get("expires_at")?),
        }),
        None => Ok(()),
    }
}

impl Locks for SqlStore {
    async fn acquire(
        &self,
        collection: &CollectionId,
        holder: &str,
        ttl_ms: i64,
        now: Timestamp,
    ) -> Result<Lease, StoreError> {
        loop {
            if let Some(lease) = self.try_acquire(collection, holder, ttl_ms, now).await? {
                return Ok(lease);
            }
            // Someone else holds it; unless it was released in between, say who.
            if let Some(held) = self.lease(collection, now).await? {
                return Err(StoreError::Locked {
                    holder: held.holder,
                    until: held.expires_at,
                });
            }
        }
    }

    async fn renew(
        &self,
        collection: &CollectionId,
        holder: &str,
        ttl_ms: i64,
        now: Timestamp,
    ) -> Result<Lease, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE locks SET expires_at = $3 WHERE collection_id = $1 AND holder = $2 AND expires_at > $4 RETURNING {LEASE_COLUMNS}"
        ))
        .bind(collection.as_str())
        .bind(holder)
        .bind(now.0 + ttl_ms)
        .bind(now.0)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => lease(&row),
            None => Err(StoreError::NotFound(format!("lease of {holder} on {collection}"))),
        }
    }

    async fn release(&self, collection: &CollectionId, holder: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM locks WHERE collection_id = $1 AND holder = $2")
            .bind(collection.as_str())
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn lease(&self, collection: &CollectionId, now: Timestamp) -> Result<Option<Lease>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LEASE_COLUMNS} FROM locks WHERE collection_id = $1 AND expires_at > $2"
        ))
        .bind(collection.as_str())
        .bind(now.0)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(lease).transpose()
    }

    async fn list_leases(&self, now: Timestamp) -> Result<Vec<Lease>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {LEASE_COLUMNS} FROM locks WHERE expires_at > $1 ORDER BY collection_id"
        ))
        .bind(now.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(lease).collect()
    }

    async fn force_release(&self, collection: &CollectionId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM locks WHERE collection_id = $1")
            .bind(collection.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
