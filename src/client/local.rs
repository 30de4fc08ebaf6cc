//! Local changes → change transactions: each vdir file is compared with the
//! record the agent last synchronised (server field ids), with the engine's
//! [`align_ids`] and [`diff`] — the same delta the server computes for a
//! DAV PUT. Then the push, in batches, reporting refused transactions.

use std::collections::{HashMap, HashSet};

use super::http::Remote;
use super::state::Tracked;
use super::vdir::Scan;
use super::{Report, SyncError};
use crate::engine::{MergeRule, align_ids, diff};
use crate::sync_protocol::MAX_BATCH;
use crate::universal::{
    Action, Change, ChangeTransaction, CollectionId, DeviceId, FieldPath, Op, Record, Timestamp, TxId, Uid,
};

/// Transactions per push request.
const BATCH: usize = MAX_BATCH / 2;

/// What the folder changed since the last run.
#[derive(Debug, Default)]
pub struct Plan {
    pub transactions: Vec<ChangeTransaction>,
}

fn root_path() -> FieldPath {
    FieldPath {
        components: Vec::new(),
        field: None,
    }
}

fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Timestamp(ms)
}

/// A txid derived from the folder's agent id and the change itself, so a
/// run that retries an unacknowledged push sends the same txid.
fn txid(agent: &str, tx: &ChangeTransaction) -> TxId {
    let mut h = blake3::Hasher::new();
    h.update(agent.as_bytes());
    h.update(tx.uid.as_str().as_bytes());
    h.update(format!("{:?}{:?}", tx.op, tx.base_version).as_bytes());
    h.update(serde_json::to_string(&tx.changes).unwrap_or_default().as_bytes());
    TxId(h.finalize().to_hex()[..32].to_owned())
}

fn transaction(
    collection: &CollectionId,
    uid: &Uid,
    op: Op,
    tracked: Option<&Tracked>,
    changes: Vec<Change>,
) -> ChangeTransaction {
    ChangeTransaction {
        txid: TxId(String::new()),
        collection: collection.clone(),
        uid: uid.clone(),
        op,
        base_version: tracked.map(|t| t.version),
        new_version: tracked.map_or(crate::universal::Version(1), |t| {
            crate::universal::Version(t.version.0 + 1)
        }),
        // The server writes the authenticated device's id here.
        origin: DeviceId(String::new()),
        at: now(),
        changes,
    }
}

/// Compares the scan with the tracked state.
pub fn plan(
    scan: &Scan,
    tracked: &HashMap<Uid, Tracked>,
    collection: &CollectionId,
    agent: &str,
    report: &mut Report,
) -> Plan {
    let unreadable: HashSet<&str> = scan.unreadable.iter().map(|(f, _)| f.as_str()).collect();
    let mut local: HashMap<Uid, &super::vdir::LocalObject> = HashMap::new();
    for object in &scan.objects {
        let uid = Uid(object.record.uid().unwrap_or_default().to_owned());
        if let Some(first) = local.get(&uid) {
            report.problems.push(format!(
                "{}: UID {uid} is also in {} (left untouched)",
                object.file, first.file
            ));
            continue;
        }
        local.insert(uid, object);
    }
    let mut transactions = Vec::new();
    for (uid, t) in tracked {
        match local.get(uid) {
            None if unreadable.contains(t.file.as_str()) => {}
            None => transactions.push(transaction(
                collection,
                uid,
                Op::Delete,
                Some(t),
                vec![Change {
                    path: root_path(),
                    action: Action::Remove,
                    prop: None,
                    component: None,
                }],
            )),
            Some(l) if l.hash == t.hash => {}
            Some(l) => {
                let mut next = l.record.clone();
                align_ids(&t.record, &mut next);
                let changes = diff(&t.record, &next);
                if !changes.is_empty() {
                    transactions.push(transaction(collection, uid, Op::Update, Some(t), changes));
                }
            }
        }
    }
    for (uid, l) in &local {
        if !tracked.contains_key(uid) {
            let mut clean: Record = l.record.clone();
            clean.clear_raw();
            let add = Change {
                path: root_path(),
                action: Action::Add,
                prop: None,
                component: Some(clean.root),
            };
            transactions.push(transaction(collection, uid, Op::Create, None, vec![add]));
        }
    }
    for tx in &mut transactions {
        tx.txid = txid(agent, tx);
    }
    Plan { transactions }
}

/// What a push did, for the files.
#[derive(Debug, Default)]
pub struct Pushed {
    /// Objects whose file must be rewritten from the server's state even if
    /// the pull brings nothing for them (a push that changed nothing; a
    /// delete refused because the object was edited since).
    pub rewrite: HashSet<Uid>,
    /// Objects whose transaction the server refused: their files still hold
    /// an edit the server does not have.
    pub refused: HashSet<Uid>,
}

/// Pushes in batches; a refused transaction is reported and the rest of
/// its batch is pushed on.
pub async fn push(
    remote: &Remote,
    transactions: &[ChangeTransaction],
    report: &mut Report,
) -> Result<Pushed, SyncError> {
    let mut pushed = Pushed::default();
    let mut rest = transactions;
    while !rest.is_empty() {
        let batch = &rest[..rest.len().min(BATCH)];
        let (results, consumed) = match remote.push(batch).await {
            Ok(response) => (response.results, batch.len()),
            Err(SyncError::Api { status, body }) if status < 500 && body.index.is_some() => {
                let index = body.index.unwrap_or(0);
                report
                    .problems
                    .push(format!("{} not applied: {}", batch[index].uid, body.error));
                pushed.refused.insert(batch[index].uid.clone());
                (body.applied, index + 1)
            }
            Err(e) => return Err(e),
        };
        for r in &results {
            report.pushed += 1;
            report.conflicts += r.conflicts.len();
            let refused_delete = r.conflicts.iter().any(|c| c.rule == MergeRule::EditBeatsDelete);
            if r.seq.is_none() || refused_delete {
                pushed.rewrite.insert(r.uid.clone());
            }
        }
        rest = &rest[consumed..];
    }
    Ok(pushed)
}
