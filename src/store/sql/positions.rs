//! A collection's change-log positions — what its CTag, DAV sync tokens and
//! device cursors are — and which positions it still answers.
//!
//! Positions come from one sequence for the whole store (the identity column
//! of `changes`) and never go back. A collection starts its log at a
//! position reserved from that sequence when it is created ([`start_log`]),
//! so a collection made again at the id of a deleted one (DELETE then
//! MKCOL/MKCALENDAR, or a COPY/MOVE onto the name) starts above every
//! position its predecessor handed out: a position between 0 and that
//! start belongs to the predecessor and is refused as expired, so the
//! client resynchronises instead of reading a diff against an unrelated
//! log, and no CTag repeats across the two. Position 0 means "from the
//! beginning" and stays valid while nothing was pruned: a client at 0 has
//! seen nothing.

use sqlx::{Any, Row, Transaction};

use super::SqlStore;
use crate::store::StoreError;
use crate::universal::{CollectionId, Seq, Timestamp};

/// A collection's positions.
#[derive(Debug, Clone, Copy)]
pub(super) struct Positions {
    /// The latest position (the CTag).
    pub latest: Seq,
    /// Log rows at or below this were pruned.
    pub pruned: Seq,
    /// Where this collection's log started (see the module doc).
    pub created: Seq,
}

impl Positions {
    /// Refuses a position this collection never handed out: one ahead of
    /// its log, or one handed out for an earlier collection at its id.
    pub fn check_handed_out(&self, since: Seq) -> Result<(), StoreError> {
        if since > self.latest {
            return Err(StoreError::FuturePosition {
                given: since,
                latest: self.latest,
            });
        }
        if since.0 != 0 && since < self.created {
            return Err(StoreError::TokenExpired {
                given: since,
                oldest: self.created,
            });
        }
        Ok(())
    }

    /// Refuses a position whose log rows were pruned.
    pub fn check_retained(&self, since: Seq) -> Result<(), StoreError> {
        if since < self.pruned {
            return Err(StoreError::TokenExpired {
                given: since,
                oldest: self.pruned,
            });
        }
        Ok(())
    }
}

impl SqlStore {
    pub(super) async fn positions(&self, collection: &CollectionId) -> Result<Positions, StoreError> {
        let row = sqlx::query("SELECT last_seq, pruned_seq, created_seq FROM collections WHERE id = $1")
            .bind(collection.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("collection {collection}")))?;
        Ok(Positions {
            latest: Seq(row.try_get("last_seq")?),
            pruned: Seq(row.try_get("pruned_seq")?),
            created: Seq(row.try_get("created_seq")?),
        })
    }
}

/// A position above every position handed out so far: a log row is
/// inserted (which draws the next value of the log's sequence, never
/// reused on either backend) and deleted again.
pub(super) async fn reserve_position(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    at: Timestamp,
) -> Result<Seq, StoreError> {
    let row = sqlx::query(
        "INSERT INTO changes (collection_id, object_name, uid, op, txid, origin, base_version, new_version, at, changes) \
         VALUES ($1, '', '', 'create', 'pimgate:position', 'pimgate', NULL, 0, $2, '[]') RETURNING seq",
    )
    .bind(collection.as_str())
    .bind(at.0)
    .fetch_one(&mut **tx)
    .await?;
    let seq: i64 = row.try_get("seq")?;
    sqlx::query("DELETE FROM changes WHERE seq = $1")
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    Ok(Seq(seq))
}

/// Starts the log of a collection just inserted in this transaction at
/// `position`, from [`reserve_position`] in the same transaction.
pub(super) async fn start_log(
    tx: &mut Transaction<'_, Any>,
    collection: &CollectionId,
    position: Seq,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE collections SET last_seq = $2, created_seq = $2 WHERE id = $1")
        .bind(collection.as_str())
        .bind(position.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
