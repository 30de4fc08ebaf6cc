//! [`ChangeLog`] on SQL: positions, reads after a position, device cursors;
//! retention and object histories in [`prune`](super::prune).

use sqlx::Row;

use super::rows::{self, CHANGE_COLUMNS};
use super::{IN_CHUNK, SqlStore, prune};
use crate::store::{ChangeLog, ChangesSince, ObjectBase, ObjectHistory, Pruning, StoreError};
use crate::universal::{CollectionId, DeviceId, ObjectName, Seq, Timestamp, TxId};

impl ChangeLog for SqlStore {
    async fn current_seq(&self, collection: &CollectionId) -> Result<Seq, StoreError> {
        Ok(self.positions(collection).await?.latest)
    }

    async fn changes_since(
        &self,
        collection: &CollectionId,
        since: Seq,
        limit: u32,
    ) -> Result<ChangesSince, StoreError> {
        let positions = self.positions(collection).await?;
        positions.check_retained(since)?;
        positions.check_handed_out(since)?;
        let sql =
            format!("SELECT {CHANGE_COLUMNS} FROM changes WHERE collection_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        let fetched = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(since.0)
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let more = fetched.len() > limit as usize;
        let changes = fetched
            .iter()
            .take(limit as usize)
            .map(rows::change)
            .collect::<Result<Vec<_>, _>>()?;
        // Advance only to what was read: a later commit is picked up next time.
        let next = changes.last().map_or(since, |c| c.seq);
        Ok(ChangesSince { changes, next, more })
    }

    async fn find_transaction(&self, collection: &CollectionId, txid: &TxId) -> Result<Option<Seq>, StoreError> {
        let row = sqlx::query("SELECT seq FROM changes WHERE collection_id = $1 AND txid = $2")
            .bind(collection.as_str())
            .bind(txid.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("seq").map(Seq)).transpose()?)
    }

    async fn find_transactions(
        &self,
        collection: &CollectionId,
        txids: &[TxId],
    ) -> Result<Vec<(TxId, Seq)>, StoreError> {
        let mut found = Vec::new();
        for chunk in txids.chunks(IN_CHUNK) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT txid, seq FROM changes WHERE collection_id = $1 AND txid IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(collection.as_str());
            for txid in chunk {
                query = query.bind(txid.as_str());
            }
            for row in query.fetch_all(&self.pool).await? {
                found.push((TxId(row.try_get("txid")?), Seq(row.try_get("seq")?)));
            }
        }
        Ok(found)
    }

    async fn object_history(&self, collection: &CollectionId, name: &ObjectName) -> Result<ObjectHistory, StoreError> {
        prune::object_history(self, collection, name).await
    }

    async fn prune<F>(&self, collection: &CollectionId, before: Timestamp, rebase: F) -> Result<u64, StoreError>
    where
        F: Fn(Pruning<'_>) -> Option<ObjectBase> + Send + Sync,
    {
        prune::prune(self, collection, before, rebase).await
    }

    async fn set_cursor(
        &self,
        device: &DeviceId,
        collection: &CollectionId,
        seq: Seq,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO device_cursors (device_id, collection_id, seq, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (device_id, collection_id) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at",
        )
        .bind(device.as_str())
        .bind(collection.as_str())
        .bind(seq.0)
        .bind(at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn cursor(&self, device: &DeviceId, collection: &CollectionId) -> Result<Option<Seq>, StoreError> {
        let row = sqlx::query("SELECT seq FROM device_cursors WHERE device_id = $1 AND collection_id = $2")
            .bind(device.as_str())
            .bind(collection.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("seq").map(Seq)).transpose()?)
    }
}
