//! [`ResourceLocks`] on SQL: one row per WebDAV lock. Creating one is a
//! transaction that first touches the owner's user row (serialising lock
//! writes within one space, where a deep lock on a collection meets locks
//! on nested collections) and then the collection row (serialising it with
//! lease acquisition, see `locks.rs`), reads the live locks and leases,
//! lets the caller decide, and inserts.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::SqlStore;
use super::rows::{self, COLLECTION_COLUMNS};
use crate::store::{Collection, Home, Lease, LockScope, Placed, ResourceLock, ResourceLocks, SpaceLocks, StoreError};
use crate::universal::{CollectionId, Timestamp};

const COLUMNS: &str =
    "l.token, l.collection_id, l.resource, l.scope, l.depth, l.principal, l.owner_xml, l.created_at, l.expires_at";

fn lock(row: &AnyRow) -> Result<ResourceLock, StoreError> {
    let scope: String = row.try_get("scope")?;
    let depth: String = row.try_get("depth")?;
    Ok(ResourceLock {
        token: row.try_get("token")?,
        collection: CollectionId(row.try_get("collection_id")?),
        resource: row.try_get("resource")?,
        scope: match scope.as_str() {
            "exclusive" => LockScope::Exclusive,
            "shared" => LockScope::Shared,
            other => return Err(StoreError::Corrupt(format!("lock scope {other:?}"))),
        },
        deep: depth == "infinity",
        principal: row.try_get("principal")?,
        owner: row.try_get("owner_xml")?,
        created_at: Timestamp(row.try_get("created_at")?),
        expires_at: Timestamp(row.try_get("expires_at")?),
    })
}

fn home(row: &AnyRow) -> Result<Home, StoreError> {
    let home: String = row.try_get("collection_home")?;
    Home::parse(&home).ok_or_else(|| StoreError::Corrupt(format!("collection home {home:?}")))
}

/// 1 when the space of the owner `owner` (an SQL expression) holds a live
/// lock or lease at `now` (a parameter), else 0.
fn space_held(owner: &str, now: &str) -> String {
    format!(
        "CASE WHEN EXISTS (SELECT 1 FROM resource_locks l JOIN collections c ON c.id = l.collection_id \
         WHERE c.owner = {owner} AND l.expires_at > {now}) OR EXISTS (SELECT 1 FROM locks k JOIN collections c \
         ON c.id = k.collection_id WHERE c.owner = {owner} AND k.expires_at > {now}) THEN 1 ELSE 0 END"
    )
}

/// Every live lock and lease in `owner`'s space, on any connection.
async fn read_space(conn: &mut AnyConnection, owner: &str, now: Timestamp) -> Result<SpaceLocks, StoreError> {
    // Most spaces hold no lock at all: one statement says so, instead of
    // two that read nothing (every write checks its space).
    let any: i64 = sqlx::query(&format!("SELECT {} AS held", space_held("$1", "$2")))
        .bind(owner)
        .bind(now.0)
        .fetch_one(&mut *conn)
        .await?
        .try_get("held")?;
    if any == 0 {
        return Ok(SpaceLocks::default());
    }
    let sql = format!(
        "SELECT c.name AS collection_name, c.home AS collection_home, {COLUMNS} FROM resource_locks l JOIN collections c ON c.id = l.collection_id \
         WHERE c.owner = $1 AND l.expires_at > $2 ORDER BY c.home, c.name, l.resource, l.created_at"
    );
    let rows = sqlx::query(&sql).bind(owner).bind(now.0).fetch_all(&mut *conn).await?;
    let locks = rows
        .iter()
        .map(|row| {
            Ok(Placed {
                collection_name: row.try_get("collection_name")?,
                collection_home: home(row)?,
                item: lock(row)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let rows = sqlx::query(
        "SELECT c.name AS collection_name, c.home AS collection_home, k.collection_id, k.holder, k.acquired_at, k.expires_at \
         FROM locks k JOIN collections c ON c.id = k.collection_id WHERE c.owner = $1 AND k.expires_at > $2 ORDER BY c.home, c.name",
    )
    .bind(owner)
    .bind(now.0)
    .fetch_all(&mut *conn)
    .await?;
    let leases = rows
        .iter()
        .map(|row| {
            Ok(Placed {
                collection_name: row.try_get("collection_name")?,
                collection_home: home(row)?,
                item: Lease {
                    collection: CollectionId(row.try_get("collection_id")?),
                    holder: row.try_get("holder")?,
                    acquired_at: Timestamp(row.try_get("acquired_at")?),
                    expires_at: Timestamp(row.try_get("expires_at")?),
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(SpaceLocks { locks, leases })
}

impl ResourceLocks for SqlStore {
    async fn create_resource_lock<F>(&self, new: &ResourceLock, now: Timestamp, check: F) -> Result<(), StoreError>
    where
        F: FnOnce(&SpaceLocks) -> Result<(), StoreError> + Send,
    {
        let mut tx = self.pool.begin().await?;
        let owner = sqlx::query(
            "UPDATE users SET created_at = created_at WHERE name = (SELECT owner FROM collections WHERE id = $1) RETURNING name",
        )
        .bind(new.collection.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(owner) = owner else {
            return Err(StoreError::NotFound(format!("collection {}", new.collection)));
        };
        let owner: String = owner.try_get("name")?;
        sqlx::query("UPDATE collections SET last_seq = last_seq WHERE id = $1")
            .bind(new.collection.as_str())
            .execute(&mut *tx)
            .await?;
        check(&read_space(&mut tx, &owner, now).await?)?;
        sqlx::query("DELETE FROM resource_locks WHERE expires_at <= $1")
            .bind(now.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO resource_locks (token, collection_id, resource, scope, depth, principal, owner_xml, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new.token.as_str())
        .bind(new.collection.as_str())
        .bind(new.resource.as_str())
        .bind(match new.scope {
            LockScope::Exclusive => "exclusive",
            LockScope::Shared => "shared",
        })
        .bind(if new.deep { "infinity" } else { "0" })
        .bind(new.principal.as_str())
        .bind(new.owner.as_deref())
        .bind(new.created_at.0)
        .bind(new.expires_at.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::AlreadyExists(format!("lock token {}", new.token))
            }
            _ => StoreError::Backend(e),
        })?;
        tx.commit().await?;
        Ok(())
    }

    async fn space_locks(&self, owner: &str, now: Timestamp) -> Result<SpaceLocks, StoreError> {
        let mut conn = self.pool.acquire().await?;
        read_space(&mut conn, owner, now).await
    }

    async fn collection_in_space(
        &self,
        id: &CollectionId,
        now: Timestamp,
    ) -> Result<Option<(Collection, bool)>, StoreError> {
        let sql = format!(
            "SELECT {COLLECTION_COLUMNS}, {} AS held FROM collections AS target WHERE id = $1",
            space_held("target.owner", "$2")
        );
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .bind(now.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| Ok((rows::collection(&row)?, row.try_get::<i64, _>("held")? != 0)))
            .transpose()
    }

    async fn refresh_resource_lock(
        &self,
        token: &str,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<ResourceLock, StoreError> {
        let row = sqlx::query(
            "UPDATE resource_locks SET expires_at = $2 WHERE token = $1 AND expires_at > $3 \
             RETURNING token, collection_id, resource, scope, depth, principal, owner_xml, created_at, expires_at",
        )
        .bind(token)
        .bind(expires_at.0)
        .bind(now.0)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => lock(&row),
            None => Err(StoreError::NotFound(format!("lock {token}"))),
        }
    }

    async fn delete_resource_lock(&self, token: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM resource_locks WHERE token = $1")
            .bind(token)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_resource_locks_at(&self, collection: &CollectionId, resource: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM resource_locks WHERE collection_id = $1 AND resource = $2")
            .bind(collection.as_str())
            .bind(resource)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
