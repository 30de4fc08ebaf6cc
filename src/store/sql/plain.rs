//! [`PlainResources`] on SQL: one row per opaque resource.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use crate::store::{PlainResource, PlainResources, StoreError};
use crate::universal::{CollectionId, ETag, ObjectName, Timestamp};

const COLUMNS: &str = "collection_id, name, content_type, body, etag, modified_at";

fn row(row: &AnyRow) -> Result<PlainResource, StoreError> {
    Ok(PlainResource {
        collection: CollectionId(row.try_get("collection_id")?),
        name: ObjectName(row.try_get("name")?),
        content_type: row.try_get("content_type")?,
        body: row.try_get("body")?,
        etag: ETag(row.try_get("etag")?),
        modified_at: Timestamp(row.try_get("modified_at")?),
    })
}

impl PlainResources for SqlStore {
    async fn plain_resource(
        &self,
        collection: &CollectionId,
        name: &ObjectName,
    ) -> Result<Option<PlainResource>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM plain_resources WHERE collection_id = $1 AND name = $2");
        let found = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(name.as_str())
            .fetch_optional(&self.pool)
            .await?;
        found.as_ref().map(row).transpose()
    }

    async fn plain_resources(&self, collection: &CollectionId) -> Result<Vec<PlainResource>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM plain_resources WHERE collection_id = $1 ORDER BY name");
        let rows = sqlx::query(&sql)
            .bind(collection.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row).collect()
    }

    async fn put_plain_resource(&self, resource: &PlainResource) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let existed = sqlx::query("SELECT 1 AS one FROM plain_resources WHERE collection_id = $1 AND name = $2")
            .bind(resource.collection.as_str())
            .bind(resource.name.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        sqlx::query(
            "INSERT INTO plain_resources (collection_id, name, content_type, body, etag, modified_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (collection_id, name) DO UPDATE SET \
             content_type = excluded.content_type, body = excluded.body, etag = excluded.etag, \
             modified_at = excluded.modified_at",
        )
        .bind(resource.collection.as_str())
        .bind(resource.name.as_str())
        .bind(resource.content_type.as_str())
        .bind(resource.body.as_slice())
        .bind(resource.etag.as_str())
        .bind(resource.modified_at.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(!existed)
    }

    async fn delete_plain_resource(&self, collection: &CollectionId, name: &ObjectName) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM plain_resources WHERE collection_id = $1 AND name = $2")
            .bind(collection.as_str())
            .bind(name.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
