//! The device agent (`pimgate sync`): keeps a vdir (one .vcf/.ics file per
//! object) in step with one server collection over the native sync API
//! ([`crate::sync_protocol`]).
//!
//! Each run ([`sync_once`]): scan the folder ([`vdir`]), turn local
//! creates, edits and deletes into change transactions against the
//! previous state ([`state`]) with the engine's `align_ids`/`diff`
//! ([`local`]), open a session, push, pull, apply the remote transactions
//! to the state and the files, merging with local edits made meanwhile
//! ([`remote`]), close. [`watch`] repeats on file-system events and on
//! long-poll wake-ups.
//!
//! Must not know: the server (it is an HTTP client; tests/tidy.rs).

pub mod http;
pub mod local;
pub mod remote;
pub mod state;
pub mod vdir;
mod watch;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::universal::{CollectionId, Record, Seq, Uid};

pub use http::Remote;
pub use watch::watch;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("HTTP: {0}")]
    Http(String),
    #[error("server answered {status}: {}", body.error)]
    Api {
        status: u16,
        body: Box<crate::sync_protocol::ApiError>,
    },
    #[error("state: {0}")]
    State(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the collection stayed locked by {holder} for {waited:?}")]
    LockTimeout { holder: String, waited: Duration },
}

impl From<sqlx::Error> for SyncError {
    fn from(e: sqlx::Error) -> Self {
        SyncError::State(e.to_string())
    }
}

/// What to synchronise.
#[derive(Debug, Clone)]
pub struct Options {
    pub server: String,
    pub token: String,
    pub collection: CollectionId,
    pub dir: PathBuf,
    /// How long to wait for another device's session to end.
    pub lock_wait: Duration,
    /// The lease asked for.
    pub lease_secs: u64,
}

impl Options {
    pub fn new(server: &str, token: &str, collection: CollectionId, dir: PathBuf) -> Options {
        Options {
            server: server.to_owned(),
            token: token.to_owned(),
            collection,
            dir,
            lock_wait: Duration::from_secs(120),
            lease_secs: 60,
        }
    }
}

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub pushed: usize,
    /// Same-field conflicts the server resolved for our pushes.
    pub conflicts: usize,
    pub pulled: usize,
    pub written: usize,
    pub removed: usize,
    /// Problems that left something untouched (unparseable files, refused transactions).
    pub problems: Vec<String>,
    pub cursor: Seq,
}

/// One full run: scan, push, pull, apply, close.
pub async fn sync_once(options: &Options) -> Result<Report, SyncError> {
    let remote = Remote::new(&options.server, &options.token, options.collection.clone())?;
    let state = state::State::open(&options.dir).await?;
    let result = run(options, &remote, &state).await;
    state.close().await;
    result
}

async fn run(options: &Options, remote: &Remote, state: &state::State) -> Result<Report, SyncError> {
    let mut report = Report::default();
    let scan = vdir::scan(&options.dir)?;
    for (file, why) in &scan.unreadable {
        report.problems.push(format!("{file}: {why} (left untouched)"));
    }
    let mut tracked = state.load().await?;
    let agent = agent_id(state).await?;
    let plan = local::plan(&scan, &tracked, &options.collection, &agent, &mut report);
    open_session(options, remote).await?;
    let outcome = async {
        let pushed = local::push(remote, &plan.transactions, &mut report).await?;
        // A refused edit is merged into the file over what the pull brings,
        // from the version it was made against.
        let bases: HashMap<Uid, Record> = pushed
            .refused
            .iter()
            .filter_map(|uid| tracked.get(uid).map(|t| (uid.clone(), t.record.clone())))
            .collect();
        let cursor = state.cursor().await?;
        let touched = remote::pull(remote, &scan, &mut tracked, cursor, &mut report).await?;
        remote::reconcile(&options.dir, &scan, &mut tracked, touched, &pushed, &bases, &mut report);
        state.save(&tracked, report.cursor).await
    }
    .await;
    let closed = remote.close().await;
    outcome?;
    closed?;
    Ok(report)
}

/// A random id for this folder, mixed into txids so two folders never mint the same one.
async fn agent_id(state: &state::State) -> Result<String, SyncError> {
    if let Some(id) = state.meta("agent").await? {
        return Ok(id);
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    state.set_meta("agent", &id).await?;
    Ok(id)
}

/// Opens the session, waiting while another device holds the lease.
async fn open_session(options: &Options, remote: &Remote) -> Result<(), SyncError> {
    let started = tokio::time::Instant::now();
    loop {
        match remote.open(options.lease_secs).await {
            Ok(_) => return Ok(()),
            Err(SyncError::Api { status: 423, body }) => {
                let waited = started.elapsed();
                if waited >= options.lock_wait {
                    return Err(SyncError::LockTimeout {
                        holder: body.holder.unwrap_or_default(),
                        waited,
                    });
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e),
        }
    }
}
