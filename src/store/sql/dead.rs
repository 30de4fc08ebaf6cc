//! [`DeadProperties`] on SQL: one row per property element.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use crate::store::{DeadProperties, DeadProperty, StoreError};
use crate::universal::CollectionId;

const COLUMNS: &str = "resource, namespace, name, xml";

fn row(row: &AnyRow) -> Result<DeadProperty, StoreError> {
    Ok(DeadProperty {
        resource: row.try_get("resource")?,
        namespace: row.try_get("namespace")?,
        name: row.try_get("name")?,
        xml: row.try_get("xml")?,
    })
}

impl DeadProperties for SqlStore {
    async fn dead_properties(
        &self,
        collection: &CollectionId,
        resource: &str,
    ) -> Result<Vec<DeadProperty>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM dead_properties WHERE collection_id = $1 AND resource = $2 ORDER BY namespace, name"
        );
        let rows = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(resource)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row).collect()
    }

    async fn dead_properties_in(&self, collection: &CollectionId) -> Result<Vec<DeadProperty>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM dead_properties WHERE collection_id = $1 ORDER BY resource, namespace, name"
        );
        let rows = sqlx::query(&sql)
            .bind(collection.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row).collect()
    }

    async fn update_dead_properties(
        &self,
        collection: &CollectionId,
        resource: &str,
        set: &[DeadProperty],
        remove: &[(String, String)],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for (namespace, name) in remove {
            sqlx::query(
                "DELETE FROM dead_properties WHERE collection_id = $1 AND resource = $2 AND namespace = $3 AND name = $4",
            )
            .bind(collection.as_str())
            .bind(resource)
            .bind(namespace.as_str())
            .bind(name.as_str())
            .execute(&mut *tx)
            .await?;
        }
        for property in set {
            sqlx::query(
                "INSERT INTO dead_properties (collection_id, resource, namespace, name, xml) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (collection_id, resource, namespace, name) DO UPDATE SET xml = excluded.xml",
            )
            .bind(collection.as_str())
            .bind(resource)
            .bind(property.namespace.as_str())
            .bind(property.name.as_str())
            .bind(property.xml.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.message().contains("FOREIGN KEY") || db.message().contains("foreign key") => {
                    StoreError::NotFound(format!("collection {collection}"))
                }
                _ => StoreError::Backend(e),
            })?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn clear_dead_properties(&self, collection: &CollectionId, resource: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM dead_properties WHERE collection_id = $1 AND resource = $2")
            .bind(collection.as_str())
            .bind(resource)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
