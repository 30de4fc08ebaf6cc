//! `pimgate sync --watch`: run, then run again whenever a file of the vdir
//! changes (the `notify` crate) or a long-poll says the collection changed.

use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use super::http::{Pulled, Remote};
use super::{Options, Report, SyncError, sync_once};

/// How long the long-poll waits per request.
const POLL_SECS: u64 = 30;
/// Quiet time after a file event before syncing (editors write in bursts).
const SETTLE: Duration = Duration::from_millis(300);

/// Runs until an error; `on_run` sees every run's report.
pub async fn watch(options: &Options, mut on_run: impl FnMut(&Report)) -> Result<(), SyncError> {
    let (events, mut changed) = mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let ours = |p: &std::path::PathBuf| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        };
        if let Ok(event) = event
            && !event.paths.iter().all(ours)
        {
            let _ = events.send(());
        }
    })
    .map_err(|e| SyncError::Io(std::io::Error::other(e)))?;
    watcher
        .watch(&options.dir, RecursiveMode::NonRecursive)
        .map_err(|e| SyncError::Io(std::io::Error::other(e)))?;
    let remote = Remote::new(&options.server, &options.token, options.collection.clone())?;
    loop {
        let report = sync_once(options).await?;
        on_run(&report);
        tokio::select! {
            _ = changed.recv() => {
                tokio::time::sleep(SETTLE).await;
                while changed.try_recv().is_ok() {}
            }
            pulled = remote.pull(report.cursor, POLL_SECS) => {
                if let Pulled::Page(page) = pulled? && page.changes.is_empty() {
                    continue;
                }
            }
        }
    }
}
