//! Writing object versions with their change-log rows: one transaction per
//! batch, few statements per write.
//!
//! Each (collection, writer) is locked once (see the `sql` module doc) and
//! its leases checked; then the state every check needs — txids already
//! applied, the versions at the batch's names, the live holders of its
//! UIDs — is read once per collection, under that lock, and the checks run
//! in memory over it, each write seeing the ones before it. Log rows and
//! object rows are then written in multi-row statements. A batch of 100
//! costs about 10 statements instead of 500: on SQLite, where every
//! statement is a hop to the connection's thread, that was most of a
//! push's time.

use std::collections::{HashMap, HashSet};

use sqlx::{Any, Row, Transaction};

use super::objects::{UPSERT_COLUMNS, UPSERT_CONFLICT, advance_position, lock_collection};
use super::{IN_CHUNK, rows};
use crate::store::{Expected, ObjectWrite, StoreError};
use crate::universal::{ObjectName, Op, Seq, Version};

/// Rows per multi-row insert: 11 parameters each for the log, 17 for the
/// objects, under SQLite's historical limit of 999 bound parameters.
const ROW_CHUNK: usize = 20;

/// Writes every object and its log row in one transaction, all or nothing.
pub(super) async fn commit_batch(
    tx: &mut Transaction<'_, Any>,
    writes: &[ObjectWrite],
) -> Result<Vec<Seq>, StoreError> {
    commit_writes(tx, writes, Refusal::AbortAll)
        .await?
        .into_iter()
        .collect()
}

/// What a write refused by its checks (a lease, a version, a UID, a
/// repeated txid) does to the others of its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    /// The whole transaction fails with it (a push batch is all or nothing).
    AbortAll,
    /// It fails alone; the others are checked as if it had not been sent
    /// (independent writes grouped into one commit).
    Alone,
}

/// Checks and writes `writes` in order, each seeing the ones before it;
/// one result per write. `Err` is a failure of the transaction itself
/// (or, with [`Refusal::AbortAll`], the first refusal): nothing of it may
/// be committed then.
pub(super) async fn commit_writes(
    tx: &mut Transaction<'_, Any>,
    writes: &[ObjectWrite],
    refusal: Refusal,
) -> Result<Vec<Result<Seq, StoreError>>, StoreError> {
    let mut outcomes: Vec<Option<Result<Seq, StoreError>>> = (0..writes.len()).map(|_| None).collect();
    let mut locked: Vec<(&str, &str)> = Vec::new();
    for (i, write) in writes.iter().enumerate() {
        let t = &write.transaction;
        let key = (t.collection.as_str(), write.writer.as_str());
        if locked.contains(&key) || outcomes[i].is_some() {
            continue;
        }
        match lock_collection(tx, key.0, key.1, t.at).await {
            Ok(()) => locked.push(key),
            Err(refused) if refusal == Refusal::Alone && is_lock_refusal(&refused) => {
                // Every write of this collection and writer is refused alike.
                for (j, other) in writes.iter().enumerate().skip(i) {
                    if (other.transaction.collection.as_str(), other.writer.as_str()) == key {
                        outcomes[j] = Some(Err(copy_lock_refusal(&refused)));
                    }
                }
            }
            Err(refused) => return Err(refused),
        }
    }
    let mut known: HashMap<&str, Known> = HashMap::new();
    for (collection, _) in &locked {
        if !known.contains_key(collection) {
            let mine: Vec<&ObjectWrite> = writes
                .iter()
                .zip(&outcomes)
                .filter(|(w, outcome)| outcome.is_none() && w.transaction.collection.as_str() == *collection)
                .map(|(w, _)| w)
                .collect();
            known.insert(collection, Known::read(tx, collection, &mine).await?);
        }
    }
    let mut accepted: Vec<&ObjectWrite> = Vec::with_capacity(writes.len());
    for (write, outcome) in writes.iter().zip(outcomes.iter_mut()) {
        if outcome.is_some() {
            continue;
        }
        let collection = write.transaction.collection.as_str();
        match known.get_mut(collection).expect("read above").check_and_fold(write) {
            Ok(()) => accepted.push(write),
            Err(refused) if refusal == Refusal::Alone => *outcome = Some(Err(refused)),
            Err(refused) => return Err(refused),
        }
    }
    let seqs = insert_changes(tx, &accepted).await?;
    let mut latest: HashMap<&str, i64> = HashMap::new();
    for (write, seq) in accepted.iter().zip(&seqs) {
        latest.insert(write.transaction.collection.as_str(), seq.0);
    }
    upsert_objects(tx, &accepted, &seqs).await?;
    for (collection, seq) in latest {
        advance_position(tx, collection, seq).await?;
    }
    let mut seqs = seqs.into_iter();
    Ok(outcomes
        .into_iter()
        .map(|outcome| outcome.unwrap_or_else(|| Ok(seqs.next().expect("one position per accepted write"))))
        .collect())
}

/// A lease held by another writer, or a collection that is gone.
fn is_lock_refusal(error: &StoreError) -> bool {
    matches!(error, StoreError::Locked { .. } | StoreError::NotFound(_))
}

/// The same lock refusal, for another write ([`is_lock_refusal`] holds).
fn copy_lock_refusal(refused: &StoreError) -> StoreError {
    match refused {
        StoreError::Locked { holder, until } => StoreError::Locked {
            holder: holder.clone(),
            until: *until,
        },
        StoreError::NotFound(what) => StoreError::NotFound(what.clone()),
        other => StoreError::Corrupt(format!("not a lock refusal: {other}")),
    }
}

/// What the checks of one collection's writes need, as of the writes folded so far.
struct Known {
    /// Txids applied before the batch, with their position …
    applied: HashMap<String, Seq>,
    /// … and earlier in it.
    batch_txids: HashSet<String>,
    /// Per name: (uid, version, deleted).
    names: HashMap<String, (String, Version, bool)>,
    /// Per UID: the name of the live object holding it.
    holders: HashMap<String, String>,
}

impl Known {
    async fn read(
        tx: &mut Transaction<'_, Any>,
        collection: &str,
        writes: &[&ObjectWrite],
    ) -> Result<Known, StoreError> {
        let txids: Vec<&str> = writes.iter().map(|w| w.transaction.txid.as_str()).collect();
        let mut known = Known {
            applied: HashMap::new(),
            batch_txids: HashSet::new(),
            names: HashMap::new(),
            holders: HashMap::new(),
        };
        for row in select_in(tx, "SELECT txid, seq FROM changes", "txid", collection, &txids).await? {
            known.applied.insert(row.try_get("txid")?, Seq(row.try_get("seq")?));
        }
        // The rows at the batch's names, and the live rows holding its UIDs
        // elsewhere: one query per IN_CHUNK parameters.
        for part in writes.chunks(IN_CHUNK / 2) {
            let names: HashSet<&str> = part.iter().map(|w| w.name.as_str()).collect();
            let uids: HashSet<&str> = part.iter().map(|w| w.transaction.uid.as_str()).collect();
            let list = |from: usize, count: usize| -> String {
                (from..from + count)
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            // UNION ALL, not OR: each half is an index lookup (an OR of
            // the two made SQLite scan the collection). Without planner
            // statistics SQLite takes `collection_id = ?` for a handful of
            // rows and preferred scanning the whole collection in the
            // covering listing index to probing the UID index once per
            // value: 22 ms per batch at 100,000 members. The UID half
            // names its index there.
            let uid_index = if tx.backend_name() == "SQLite" {
                "INDEXED BY objects_uid_unique "
            } else {
                ""
            };
            let sql = format!(
                "SELECT name, uid, version, deleted FROM objects WHERE collection_id = $1 AND name IN ({}) \
                 UNION ALL \
                 SELECT name, uid, version, deleted FROM objects {uid_index}\
                 WHERE collection_id = $1 AND deleted = 0 AND uid IN ({})",
                list(2, names.len()),
                list(2 + names.len(), uids.len())
            );
            let mut query = sqlx::query(&sql).bind(collection);
            for value in names.iter().chain(&uids) {
                query = query.bind(*value);
            }
            for row in query.fetch_all(&mut **tx).await? {
                let (name, uid): (String, String) = (row.try_get("name")?, row.try_get("uid")?);
                let version = Version(row.try_get::<i64, _>("version")? as u64);
                let deleted = row.try_get::<i64, _>("deleted")? != 0;
                if !deleted {
                    known.holders.insert(uid.clone(), name.clone());
                }
                known.names.insert(name, (uid, version, deleted));
            }
        }
        Ok(known)
    }

    /// The checks `commit` documents, then the write becomes the known state.
    fn check_and_fold(&mut self, write: &ObjectWrite) -> Result<(), StoreError> {
        let t = &write.transaction;
        if let Some(seq) = self.applied.get(t.txid.as_str()) {
            return Err(StoreError::DuplicateTransaction { seq: *seq });
        }
        if !self.batch_txids.insert(t.txid.as_str().to_owned()) {
            // Twice in one batch: the second is refused like any retry (the
            // whole batch rolls back, so no position to name).
            return Err(StoreError::DuplicateTransaction { seq: Seq(0) });
        }
        let at_name = self.names.get(write.name.as_str());
        let live_version = at_name.filter(|(_, _, deleted)| !deleted).map(|(_, v, _)| *v);
        let expected = match write.expected {
            Expected::Absent => None,
            Expected::Version(v) => Some(v),
        };
        if live_version != expected {
            return Err(StoreError::VersionMismatch {
                expected,
                found: live_version,
            });
        }
        if t.op != Op::Delete
            && let Some(holder) = self.holders.get(t.uid.as_str())
            && holder != write.name.as_str()
        {
            return Err(StoreError::UidConflict {
                existing: ObjectName(holder.clone()),
            });
        }
        if let Some((old_uid, _, false)) = at_name
            && self.holders.get(old_uid).is_some_and(|h| h == write.name.as_str())
        {
            let old_uid = old_uid.clone();
            self.holders.remove(&old_uid);
        }
        if t.op != Op::Delete {
            self.holders
                .insert(t.uid.as_str().to_owned(), write.name.as_str().to_owned());
        }
        self.names.insert(
            write.name.as_str().to_owned(),
            (t.uid.as_str().to_owned(), t.new_version, t.op == Op::Delete),
        );
        Ok(())
    }
}

/// `{select} WHERE collection_id = $1 AND {column} IN (…)` over `values`,
/// in chunks. `select` may end in `WHERE … AND` to add a condition.
async fn select_in(
    tx: &mut Transaction<'_, Any>,
    select: &str,
    column: &str,
    collection: &str,
    values: &[&str],
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let unique: Vec<&str> = values.iter().copied().collect::<HashSet<_>>().into_iter().collect();
    let mut rows = Vec::new();
    for chunk in unique.chunks(IN_CHUNK) {
        let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
        let glue = if select.ends_with("AND") { "" } else { " WHERE" };
        let sql = format!(
            "{select}{glue} collection_id = $1 AND {column} IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(collection);
        for value in chunk {
            query = query.bind(*value);
        }
        rows.extend(query.fetch_all(&mut **tx).await?);
    }
    Ok(rows)
}

/// The log rows of the writes, in order, in multi-row inserts; their positions.
async fn insert_changes(tx: &mut Transaction<'_, Any>, writes: &[&ObjectWrite]) -> Result<Vec<Seq>, StoreError> {
    let mut seqs = Vec::with_capacity(writes.len());
    for part in writes.chunks(ROW_CHUNK) {
        let sql = format!(
            "INSERT INTO changes (collection_id, object_name, uid, op, txid, origin, base_version, new_version, at, changes, conflicts) \
             VALUES {} RETURNING seq, collection_id, txid",
            value_rows(part.len(), 11)
        );
        let mut query = sqlx::query(&sql);
        for write in part {
            let t = &write.transaction;
            let changes = serde_json::to_string(&t.changes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let op = rows::op_column(t.op);
            query = query
                .bind(t.collection.as_str())
                .bind(write.name.as_str())
                .bind(t.uid.as_str())
                .bind(op)
                .bind(t.txid.as_str())
                .bind(t.origin.as_str())
                .bind(t.base_version.map(|v| v.0 as i64))
                .bind(t.new_version.0 as i64)
                .bind(t.at.0)
                .bind(changes)
                .bind(write.conflicts.as_ref().map(|c| c.to_string()));
        }
        // RETURNING promises no row order: match positions by (collection, txid).
        let mut returned = HashMap::new();
        for row in query.fetch_all(&mut **tx).await? {
            let key: (String, String) = (row.try_get("collection_id")?, row.try_get("txid")?);
            returned.insert(key, Seq(row.try_get("seq")?));
        }
        for write in part {
            let t = &write.transaction;
            let key = (t.collection.as_str().to_owned(), t.txid.as_str().to_owned());
            let seq = returned
                .get(&key)
                .ok_or_else(|| StoreError::Corrupt(format!("no position returned for transaction {}", t.txid)))?;
            seqs.push(*seq);
        }
    }
    // The log's order is the writes' order (each sees the ones before it).
    if seqs.windows(2).any(|w| w[0] >= w[1]) {
        return Err(StoreError::Corrupt(
            "a multi-row insert numbered the change log out of order".into(),
        ));
    }
    Ok(seqs)
}

/// `($1, …, $n), ($n+1, …)`: `rows` rows of `columns` placeholders.
fn value_rows(rows: usize, columns: usize) -> String {
    let rows: Vec<String> = (0..rows)
        .map(|r| {
            let p: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
            format!("({})", p.join(", "))
        })
        .collect();
    rows.join(", ")
}

/// Stores each write's object state. A batch that writes one name twice
/// upserts row by row in order (one statement may not update a row twice,
/// and the unique live-UID index must see every intermediate state);
/// otherwise in multi-row statements, in order.
async fn upsert_objects(
    tx: &mut Transaction<'_, Any>,
    writes: &[&ObjectWrite],
    seqs: &[Seq],
) -> Result<(), StoreError> {
    let mut names = HashSet::new();
    let repeats = !writes
        .iter()
        .all(|w| names.insert((w.transaction.collection.as_str(), w.name.as_str())));
    let chunk = if repeats { 1 } else { ROW_CHUNK };
    let rows: Vec<(&ObjectWrite, Seq)> = writes.iter().copied().zip(seqs.iter().copied()).collect();
    for part in rows.chunks(chunk) {
        let sql = format!(
            "INSERT INTO objects ({UPSERT_COLUMNS}) VALUES {} {UPSERT_CONFLICT}",
            value_rows(part.len(), 17)
        );
        let mut query = sqlx::query(&sql);
        for (write, seq) in part {
            let t = &write.transaction;
            let record = serde_json::to_string(&write.record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            query = query
                .bind(t.collection.as_str())
                .bind(write.name.as_str())
                .bind(t.uid.as_str())
                .bind(t.new_version.0 as i64)
                .bind(write.etag.as_str())
                .bind(write.content_type.as_str())
                .bind(write.original.as_slice())
                .bind(record)
                .bind(i64::from(t.op == Op::Delete))
                .bind(seq.0)
                .bind(t.at.0)
                .bind(write.original.len() as i64)
                .bind(t.at.0)
                .bind(write.span.start)
                .bind(write.span.end)
                .bind(i64::from(write.span.exact))
                .bind(write.search_text.as_deref());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
