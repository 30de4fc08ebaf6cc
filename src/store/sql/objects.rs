//! [`ObjectStore`] on SQL: objects and their change-log rows, written together.

use sqlx::Row;

use super::rows::{self, OBJECT_COLUMNS};
use super::{IN_CHUNK, SqlStore};
use crate::store::{ObjectStore, ObjectSummary, ObjectWrite, StoreError, StoredObject};
use crate::universal::{CollectionId, ObjectName, Seq, Uid};

impl ObjectStore for SqlStore {
    async fn object(&self, collection: &CollectionId, name: &ObjectName) -> Result<Option<StoredObject>, StoreError> {
        let sql = format!("SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND name = $2");
        let row = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(name.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::object).transpose()
    }

    async fn object_by_uid(&self, collection: &CollectionId, uid: &Uid) -> Result<Option<StoredObject>, StoreError> {
        let sql = format!("SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND uid = $2 AND deleted = 0");
        let row = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(uid.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::object).transpose()
    }

    async fn objects_by_uid(&self, collection: &CollectionId, uids: &[Uid]) -> Result<Vec<StoredObject>, StoreError> {
        let mut found = Vec::with_capacity(uids.len());
        for chunk in uids.chunks(IN_CHUNK) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND deleted = 0 AND uid IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(collection.as_str());
            for uid in chunk {
                query = query.bind(uid.as_str());
            }
            for row in query.fetch_all(&self.pool).await? {
                found.push(rows::object(&row)?);
            }
        }
        Ok(found)
    }

    async fn objects(&self, collection: &CollectionId, names: &[ObjectName]) -> Result<Vec<StoredObject>, StoreError> {
        let mut found = Vec::with_capacity(names.len());
        for chunk in names.chunks(IN_CHUNK) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND name IN ({}) ORDER BY name",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(collection.as_str());
            for name in chunk {
                query = query.bind(name.as_str());
            }
            for row in query.fetch_all(&self.pool).await? {
                found.push(rows::object(&row)?);
            }
        }
        Ok(found)
    }

    async fn list_objects(&self, collection: &CollectionId) -> Result<Vec<ObjectSummary>, StoreError> {
        let sql = "SELECT name, uid, version, etag, format, LENGTH(original) AS size, modified_seq, modified_at \
                   FROM objects WHERE collection_id = $1 AND deleted = 0 ORDER BY name";
        let rows = sqlx::query(sql).bind(collection.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(rows::summary).collect()
    }

    async fn count_objects(&self, collection: &CollectionId) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM objects WHERE collection_id = $1 AND deleted = 0")
            .bind(collection.as_str())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? as u64)
    }

    async fn commit(&self, write: ObjectWrite) -> Result<Seq, StoreError> {
        Ok(self.commit_batch(vec![write]).await?[0])
    }

    /// One transaction (see [`super::commit`]).
    async fn commit_batch(&self, writes: Vec<ObjectWrite>) -> Result<Vec<Seq>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let seqs = super::commit::commit_batch(&mut tx, &writes).await?;
        tx.commit().await?;
        Ok(seqs)
    }
}
