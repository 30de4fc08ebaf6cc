//! Remote changes → the state and the files. Pulled transactions are
//! replayed on the tracked records with the engine's [`apply`] (the server's
//! log is `diff(previous, stored)`, so replay reproduces its versions); a
//! cursor past retention falls back to a snapshot. Then each touched file is
//! rewritten — unless it changed since the scan, in which case the local
//! edit is three-way merged in ([`merge`]) and pushed on the next run. A
//! remote delete of a file edited locally keeps the file (edit beats delete).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::http::{Pulled, Remote};
use super::local::Pushed;
use super::state::Tracked;
use super::vdir::{self, Scan};
use super::{Report, SyncError};
use crate::engine::{align_ids, apply, diff, merge};
use crate::sync_protocol::{PulledChange, Snapshot};
use crate::universal::{Change, Op, Record, Seq, Uid};

/// What a pull changed in the state.
#[derive(Debug, Default)]
pub struct Touched {
    pub changed: HashSet<Uid>,
    pub removed: HashMap<Uid, Tracked>,
}

/// Pulls every page after `cursor` into `tracked`.
pub async fn pull(
    remote: &Remote,
    scan: &Scan,
    tracked: &mut HashMap<Uid, Tracked>,
    mut cursor: Seq,
    report: &mut Report,
) -> Result<Touched, SyncError> {
    let files: HashMap<&str, &str> = scan
        .objects
        .iter()
        .map(|o| (o.record.uid().unwrap_or_default(), o.file.as_str()))
        .collect();
    let mut touched = Touched::default();
    loop {
        match remote.pull(cursor, 0).await? {
            Pulled::Page(page) => {
                for change in &page.changes {
                    report.pulled += 1;
                    replay(change, tracked, &files, &mut touched, report);
                }
                cursor = page.cursor;
                if !page.more {
                    break;
                }
            }
            Pulled::ResyncNeeded => {
                let snapshot = remote.snapshot().await?;
                cursor = snapshot.cursor;
                resync(snapshot, tracked, &files, &mut touched);
            }
        }
    }
    report.cursor = cursor;
    Ok(touched)
}

fn replay(
    change: &PulledChange,
    tracked: &mut HashMap<Uid, Tracked>,
    files: &HashMap<&str, &str>,
    touched: &mut Touched,
    report: &mut Report,
) {
    let tx = &change.transaction;
    let uid = &tx.uid;
    match tx.op {
        Op::Create => {
            let [
                Change {
                    component: Some(root), ..
                },
            ] = tx.changes.as_slice()
            else {
                report.problems.push(format!("{uid}: a create without its object"));
                return;
            };
            let record = Record::new(root.clone(), None);
            let file = tracked
                .get(uid)
                .map(|t| t.file.clone())
                .or_else(|| files.get(uid.as_str()).map(|f| (*f).to_owned()))
                .unwrap_or_else(|| vdir::file_name(change.object.as_str(), uid.as_str(), record.is_contact()));
            let hash = tracked.get(uid).map(|t| t.hash.clone()).unwrap_or_default();
            tracked.insert(
                uid.clone(),
                Tracked {
                    file,
                    version: tx.new_version,
                    record,
                    hash,
                },
            );
            touched.changed.insert(uid.clone());
        }
        Op::Update => {
            let Some(t) = tracked.get_mut(uid) else {
                report
                    .problems
                    .push(format!("{uid}: an update for an object never seen"));
                return;
            };
            if tx.new_version <= t.version {
                return;
            }
            match apply(&t.record, &tx.changes) {
                Ok(record) => {
                    t.record = record;
                    t.version = tx.new_version;
                    touched.changed.insert(uid.clone());
                }
                Err(e) => report
                    .problems
                    .push(format!("{uid}: cannot apply version {}: {e}", tx.new_version)),
            }
        }
        Op::Delete => {
            if tracked.get(uid).is_some_and(|t| tx.new_version > t.version)
                && let Some(t) = tracked.remove(uid)
            {
                touched.changed.remove(uid);
                touched.removed.insert(uid.clone(), t);
            }
        }
    }
}

/// Replaces the state with a snapshot.
fn resync(snapshot: Snapshot, tracked: &mut HashMap<Uid, Tracked>, files: &HashMap<&str, &str>, touched: &mut Touched) {
    let live: HashSet<Uid> = snapshot.objects.iter().map(|o| o.uid.clone()).collect();
    for uid in tracked
        .keys()
        .filter(|u| !live.contains(*u))
        .cloned()
        .collect::<Vec<_>>()
    {
        if let Some(t) = tracked.remove(&uid) {
            touched.removed.insert(uid, t);
        }
    }
    for object in snapshot.objects {
        let record = Record::new(object.root, None);
        let previous = tracked.remove(&object.uid);
        let file = previous
            .as_ref()
            .map(|t| t.file.clone())
            .or_else(|| files.get(object.uid.as_str()).map(|f| (*f).to_owned()))
            .unwrap_or_else(|| vdir::file_name(object.name.as_str(), object.uid.as_str(), record.is_contact()));
        touched.changed.insert(object.uid.clone());
        tracked.insert(
            object.uid,
            Tracked {
                file,
                version: object.version,
                record,
                hash: String::new(),
            },
        );
    }
}

/// Brings the touched files in line with the state. `bases` holds, for
/// each object whose pushed edit the server refused, the version that edit
/// was made against.
pub fn reconcile(
    dir: &Path,
    scan: &Scan,
    tracked: &mut HashMap<Uid, Tracked>,
    touched: Touched,
    pushed: &Pushed,
    bases: &HashMap<Uid, Record>,
    report: &mut Report,
) {
    let scanned: HashMap<&str, &vdir::LocalObject> = scan
        .objects
        .iter()
        .map(|o| (o.record.uid().unwrap_or_default(), o))
        .collect();
    for uid in touched.changed.iter().chain(&pushed.rewrite) {
        let Some(t) = tracked.get_mut(uid) else { continue };
        let local = scanned.get(uid.as_str()).copied();
        let outcome = if pushed.refused.contains(uid) {
            keep_refused(dir, t, local, bases.get(uid), report)
        } else {
            reconcile_one(dir, t, local, pushed.rewrite.contains(uid), report)
        };
        if let Err(why) = outcome {
            report.problems.push(format!("{}: {why} (left untouched)", t.file));
        }
    }
    for (_, t) in touched.removed {
        let path = dir.join(&t.file);
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let hash = vdir::hash(&bytes);
        let scanned_same = scanned.values().any(|o| o.file == t.file && o.hash == hash);
        if (hash == t.hash || scanned_same) && std::fs::remove_file(&path).is_ok() {
            report.removed += 1;
        }
        // Otherwise it was edited locally: edit beats delete, it is pushed
        // again as a create on the next run.
    }
}

/// The file of an object whose edit the server refused, now that the
/// state holds the server's newer version: the refused edit must survive.
/// An edit with a known base (the server could not rebuild that base, say)
/// is merged three-way over the server's version and pushed on the next
/// run. A refused create (its UID was taken meanwhile) adopts the server's
/// object when they are equal; otherwise it stays as it is, and the
/// server's object goes to a file of its own.
fn keep_refused(
    dir: &Path,
    t: &mut Tracked,
    local: Option<&vdir::LocalObject>,
    base: Option<&Record>,
    report: &mut Report,
) -> Result<(), String> {
    let Some(local) = local else {
        return write(dir, t, None, report);
    };
    let Some(base) = base else {
        let mut same = local.record.clone();
        align_ids(&t.record, &mut same);
        if diff(&t.record, &same).is_empty() {
            // The server's object is this file's (a folder whose state file was lost).
            t.file = local.file.clone();
            t.hash = local.hash.clone();
            return Ok(());
        }
        let own = vdir::file_name("", local.record.uid().unwrap_or_default(), t.record.is_contact());
        t.file = if own == local.file {
            format!("server-{own}")
        } else {
            own
        };
        report.problems.push(format!(
            "{}: the server holds another object with this UID; it is in {} (both kept)",
            local.file, t.file
        ));
        return write(dir, t, None, report);
    };
    let bytes = std::fs::read(dir.join(&local.file)).map_err(|e| e.to_string())?;
    let mut edited = vdir::parse(&local.file, &bytes)?;
    let mut base = base.clone();
    align_ids(&t.record, &mut base);
    align_ids(&base, &mut edited);
    let merged = merge(&base, &t.record, &edited).map_err(|e| e.to_string())?;
    let out = vdir::render(&merged.record, Some(&bytes))?;
    vdir::write_atomic(dir, &t.file, &out).map_err(|e| e.to_string())?;
    report.written += 1;
    report.problems.push(format!(
        "{}: merged with the server's version {}; pushed on the next run",
        t.file, t.version
    ));
    // An empty hash makes the next run diff the file against that version.
    t.hash = String::new();
    Ok(())
}

fn reconcile_one(
    dir: &Path,
    t: &mut Tracked,
    local: Option<&vdir::LocalObject>,
    restore: bool,
    report: &mut Report,
) -> Result<(), String> {
    let current = std::fs::read(dir.join(&t.file)).ok();
    let Some(bytes) = current else {
        // Gone since the scan: the user deleted it meanwhile (pushed next run) unless we restore it.
        if local.is_none() || restore {
            return write(dir, t, None, report);
        }
        return Ok(());
    };
    let hash = vdir::hash(&bytes);
    let unchanged_since_scan = local.map_or(hash == t.hash, |l| l.hash == hash);
    let parsed = vdir::parse(&t.file, &bytes)?;
    if unchanged_since_scan {
        let mut aligned = parsed;
        align_ids(&t.record, &mut aligned);
        if diff(&t.record, &aligned).is_empty() {
            t.hash = hash;
            return Ok(());
        }
        return write(dir, t, Some(&bytes), report);
    }
    // Edited while we synced: merge that edit over the server's state.
    let mut base = local.map_or_else(|| t.record.clone(), |l| l.record.clone());
    align_ids(&t.record, &mut base);
    let mut edited = parsed;
    align_ids(&base, &mut edited);
    let merged = merge(&base, &t.record, &edited).map_err(|e| e.to_string())?;
    let out = vdir::render(&merged.record, Some(&bytes))?;
    vdir::write_atomic(dir, &t.file, &out).map_err(|e| e.to_string())?;
    report.written += 1;
    t.hash = String::new();
    Ok(())
}

fn write(dir: &Path, t: &mut Tracked, previous: Option<&[u8]>, report: &mut Report) -> Result<(), String> {
    let out = vdir::render(&t.record, previous)?;
    vdir::write_atomic(dir, &t.file, &out).map_err(|e| e.to_string())?;
    t.hash = vdir::hash(&out);
    report.written += 1;
    Ok(())
}
