//! Group commit on SQLite: single-object commits that arrive while another
//! is being written share the next transaction, and so one WAL fsync
//! (`synchronous = FULL` pays one per transaction). SQLite has one writer at
//! a time, so without this, 8 clients PUTting at once are no faster than 1.
//!
//! No background task: the first waiter to take the leader lock commits
//! everything queued, in a spawned task so that a caller that goes away
//! (a client disconnecting) cannot abandon the others. The group is checked
//! and written like a push batch ([`commit_writes`]: its state read once,
//! the checks in memory, multi-row inserts), so a group costs about as many
//! statements as one write; but a write refused for its own reason (a
//! version mismatch, a UID conflict, a lease) fails alone. If the
//! transaction itself fails, every write is retried in a transaction of its
//! own, so each caller gets its own answer.

use std::sync::Mutex;

use tokio::sync::oneshot;

use super::SqlStore;
use super::commit::{Refusal, commit_writes};
use crate::store::{ObjectStore, ObjectWrite, StoreError};
use crate::universal::Seq;

/// Writes waiting for the next group, and who commits it.
#[derive(Debug, Default)]
pub(super) struct GroupCommit {
    queue: Mutex<Vec<Pending>>,
    leader: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct Pending {
    write: ObjectWrite,
    done: oneshot::Sender<Result<Seq, StoreError>>,
}

impl SqlStore {
    pub(super) async fn commit_grouped(&self, group: &GroupCommit, write: ObjectWrite) -> Result<Seq, StoreError> {
        let (done, mut outcome) = oneshot::channel();
        group.queue.lock().expect("group queue").push(Pending { write, done });
        loop {
            tokio::select! {
                biased;
                result = &mut outcome => return result.unwrap_or_else(|_| Err(abandoned())),
                _leader = group.leader.lock() => {
                    let batch = std::mem::take(&mut *group.queue.lock().expect("group queue"));
                    if batch.is_empty() {
                        // An earlier leader took this write; its answer is on the way.
                        return outcome.await.unwrap_or_else(|_| Err(abandoned()));
                    }
                    let store = self.clone();
                    let _ = tokio::spawn(async move { store.commit_group(batch).await }).await;
                }
            }
        }
    }

    async fn commit_group(&self, batch: Vec<Pending>) {
        let (writes, dones): (Vec<_>, Vec<_>) = batch.into_iter().map(|p| (p.write, p.done)).unzip();
        let results = match self.commit_each(&writes).await {
            Ok(results) => results,
            Err(_) => {
                let mut alone = Vec::with_capacity(writes.len());
                for write in writes {
                    alone.push(self.commit_batch(vec![write]).await.map(|seqs| seqs[0]));
                }
                alone
            }
        };
        for (done, result) in dones.into_iter().zip(results) {
            let _ = done.send(result);
        }
    }

    /// One transaction for the group: checked and written together, each
    /// write refused alone.
    async fn commit_each(&self, writes: &[ObjectWrite]) -> Result<Vec<Result<Seq, StoreError>>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let results = commit_writes(&mut tx, writes, Refusal::Alone).await?;
        tx.commit().await?;
        Ok(results)
    }
}

fn abandoned() -> StoreError {
    StoreError::Backend(sqlx::Error::WorkerCrashed)
}
