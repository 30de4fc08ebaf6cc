//! A push batch with few round trips: the batch's objects, tombstones and
//! already-applied txids are read in three queries, the transactions are
//! applied in memory in order (each one seeing those before it), and their
//! writes are committed in one store transaction — one collection lock and
//! one fsync for the batch instead of one per transaction.
//!
//! A transaction that needs more than that (a merge against an older base,
//! a txid repeated inside the batch) first commits what came before it and
//! then takes the one-at-a-time path, [`Engine::apply_transaction`]; so does
//! the rest of the batch when its commit loses a race with another writer
//! (nothing of it was written then). The outcome is the one-at-a-time
//! path's: a result per transaction in order, each transaction atomic, and
//! the first refused one stopping the batch with those before it applied.

use std::collections::{HashMap, HashSet};

use crate::store::{ChangeLog, ObjectStore, StoredObject};
use crate::universal::{ChangeTransaction, ObjectName, Op, Seq, TxId, Uid, Version};

use super::objects::unchanged;
use super::push::{Planned, create_write, created_record, delete_write, update_base, update_write};
use super::{Engine, EngineError, ObjectRenderer, Written, apply};

/// What a batch did.
#[derive(Debug)]
pub struct BatchOutcome {
    /// One result per applied transaction, in order.
    pub results: Vec<Written>,
    /// The transaction that stopped the batch (its index) and why.
    pub stopped: Option<(usize, EngineError)>,
}

/// Why planning stopped before the end of the batch.
enum Halt {
    End,
    /// The next transaction is refused.
    Refused(EngineError),
    /// The next transaction needs the one-at-a-time path.
    Alone,
}

/// The batch's state as planned so far: the store's, plus the planned writes.
#[derive(Default)]
struct Overlay {
    live: HashMap<Uid, StoredObject>,
    /// The latest version at each name read, tombstones included.
    versions: HashMap<ObjectName, Version>,
    applied: HashMap<TxId, Seq>,
    seen: HashSet<TxId>,
    /// How many transactions still to plan name each UID: the state a write
    /// leaves is kept (a copy of its record and bytes) only for a later one.
    pending: HashMap<Uid, usize>,
}

impl<S: ObjectStore + ChangeLog + Sync> Engine<S> {
    /// Applies pushed transactions in order; see the module doc.
    pub async fn apply_batch(
        &self,
        txs: &[ChangeTransaction],
        content_type: &str,
        renderer: &dyn ObjectRenderer,
    ) -> BatchOutcome {
        let mut results = Vec::with_capacity(txs.len());
        let mut next = 0;
        while next < txs.len() {
            let rest = &txs[next..];
            let (planned, halt) = match self.plan(rest, content_type, renderer).await {
                Ok(plan) => plan,
                Err(error) => return stop(results, next, error),
            };
            let count = planned.len();
            if self.commit_plan(planned, &mut results).await.is_err() {
                // Lost a race: nothing was written; settle each transaction alone.
                return self.one_at_a_time(rest, next, results, content_type, renderer).await;
            }
            next += count;
            match halt {
                Halt::End => {}
                Halt::Refused(error) => return stop(results, next, error),
                Halt::Alone => match self.apply_transaction(&txs[next], content_type, renderer).await {
                    Ok(written) => {
                        results.push(written);
                        next += 1;
                    }
                    Err(error) => return stop(results, next, error),
                },
            }
        }
        BatchOutcome { results, stopped: None }
    }

    async fn one_at_a_time(
        &self,
        txs: &[ChangeTransaction],
        offset: usize,
        mut results: Vec<Written>,
        content_type: &str,
        renderer: &dyn ObjectRenderer,
    ) -> BatchOutcome {
        for (i, tx) in txs.iter().enumerate() {
            match self.apply_transaction(tx, content_type, renderer).await {
                Ok(written) => results.push(written),
                Err(error) => return stop(results, offset + i, error),
            }
        }
        BatchOutcome { results, stopped: None }
    }

    /// Commits the planned writes in one store transaction and appends the results.
    async fn commit_plan(&self, planned: Vec<Planned>, results: &mut Vec<Written>) -> Result<(), EngineError> {
        let mut writes = Vec::new();
        let mut pending = Vec::with_capacity(planned.len());
        for p in planned {
            match p {
                Planned::Write(write, written) => {
                    writes.push(self.indexed(*write));
                    pending.push((written, true));
                }
                Planned::Done(written) => pending.push((written, false)),
            }
        }
        let mut seqs = if writes.is_empty() {
            Vec::new()
        } else {
            self.store.commit_batch(writes).await?
        }
        .into_iter();
        for (mut written, wrote) in pending {
            if wrote {
                written.seq = seqs.next();
            }
            results.push(written);
        }
        Ok(())
    }

    /// Plans the longest prefix of `txs` that the batch path can take.
    async fn plan(
        &self,
        txs: &[ChangeTransaction],
        content_type: &str,
        renderer: &dyn ObjectRenderer,
    ) -> Result<(Vec<Planned>, Halt), EngineError> {
        let mut overlay = self.overlay(txs, renderer).await?;
        let mut planned = Vec::with_capacity(txs.len());
        for tx in txs {
            match overlay.plan(tx, content_type, renderer) {
                Ok(Some(p)) => planned.push(p),
                Ok(None) => return Ok((planned, Halt::Alone)),
                Err(error) => return Ok((planned, Halt::Refused(error))),
            }
        }
        Ok((planned, Halt::End))
    }

    /// Reads what the batch touches: live objects by UID, the names creates
    /// will take (for tombstone versions), and txids already applied.
    async fn overlay(&self, txs: &[ChangeTransaction], renderer: &dyn ObjectRenderer) -> Result<Overlay, EngineError> {
        let Some(first) = txs.first() else {
            return Ok(Overlay::default());
        };
        let collection = &first.collection;
        let uids: Vec<Uid> = txs
            .iter()
            .map(|t| t.uid.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let txids: Vec<TxId> = txs.iter().map(|t| t.txid.clone()).collect();
        let names: Vec<ObjectName> = txs
            .iter()
            .filter(|t| t.op == Op::Create)
            .filter_map(|t| created_record(t).ok())
            .map(|r| renderer.object_name(&r))
            .collect();
        let mut pending = HashMap::new();
        for tx in txs {
            *pending.entry(tx.uid.clone()).or_insert(0) += 1;
        }
        let live = self.store.objects_by_uid(collection, &uids).await?;
        let named = self.store.objects(collection, &names).await?;
        let applied = self.store.find_transactions(collection, &txids).await?;
        Ok(Overlay {
            versions: named.iter().chain(&live).map(|o| (o.name.clone(), o.version)).collect(),
            live: live.into_iter().map(|o| (o.uid.clone(), o)).collect(),
            applied: applied.into_iter().collect(),
            seen: HashSet::new(),
            pending,
        })
    }
}

impl Overlay {
    /// Plans one transaction against the state so far and folds its write
    /// in; `None` when it needs the one-at-a-time path.
    fn plan(
        &mut self,
        tx: &ChangeTransaction,
        content_type: &str,
        renderer: &dyn ObjectRenderer,
    ) -> Result<Option<Planned>, EngineError> {
        if self.seen.contains(&tx.txid) {
            return Ok(None);
        }
        let later = match self.pending.get_mut(&tx.uid) {
            Some(count) => {
                *count = count.saturating_sub(1);
                *count > 0
            }
            None => false,
        };
        if let Some(seq) = self.applied.get(&tx.txid) {
            return Ok(Some(Planned::Done(self.already_applied(tx, *seq))));
        }
        let current = self.live.get(&tx.uid);
        let planned = match (tx.op, current) {
            (Op::Create, None) => {
                let record = created_record(tx)?;
                let name = renderer.object_name(&record);
                let tomb = self.versions.get(&name).copied();
                create_write(tx, record, name, tomb, content_type, renderer)?
            }
            (Op::Create, Some(existing)) => {
                return Err(EngineError::UidConflict {
                    existing: existing.name.clone(),
                });
            }
            (Op::Update, Some(current)) => {
                if update_base(tx, current)? < current.version {
                    return Ok(None);
                }
                let next = apply(&current.record, &tx.changes)?;
                update_write(tx, current, next, Vec::new(), renderer)?
            }
            (Op::Delete, Some(current)) => delete_write(tx, current)?,
            (Op::Update | Op::Delete, None) => {
                return Err(EngineError::NotFound(format!("{} in {}", tx.uid, tx.collection)));
            }
        };
        self.seen.insert(tx.txid.clone());
        if let Planned::Write(write, _) = &planned {
            self.fold(write, later);
        }
        Ok(Some(planned))
    }

    /// Makes a planned write the current state; `later`: a later
    /// transaction of the batch names the same UID.
    fn fold(&mut self, write: &crate::store::ObjectWrite, later: bool) {
        let t = &write.transaction;
        self.versions.insert(write.name.clone(), t.new_version);
        if t.op == Op::Delete || !later {
            self.live.remove(&t.uid);
            return;
        }
        // An update keeps the object's creation time; a create starts it.
        let created_at = self.live.get(&t.uid).map_or(t.at, |previous| previous.created_at);
        let object = StoredObject {
            collection: t.collection.clone(),
            name: write.name.clone(),
            uid: t.uid.clone(),
            version: t.new_version,
            etag: write.etag.clone(),
            content_type: write.content_type.clone(),
            original: write.original.clone(),
            record: write.record.clone(),
            deleted: false,
            modified_seq: Seq(0),
            modified_at: t.at,
            created_at,
        };
        self.live.insert(t.uid.clone(), object);
    }

    fn already_applied(&self, tx: &ChangeTransaction, seq: Seq) -> Written {
        let mut written = match self.live.get(&tx.uid) {
            Some(current) => unchanged(current),
            None => Written {
                name: ObjectName(String::new()),
                version: tx.new_version,
                etag: crate::universal::ETag(String::new()),
                seq: None,
                created: false,
                conflicts: Vec::new(),
                duplicate: false,
            },
        };
        written.seq = Some(seq);
        written.duplicate = true;
        written
    }
}

fn stop(results: Vec<Written>, index: usize, error: EngineError) -> BatchOutcome {
    BatchOutcome {
        results,
        stopped: Some((index, error)),
    }
}
