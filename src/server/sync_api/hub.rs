//! Change notification for long-polls: a process-wide generation counter
//! bumped after every push here, and — on PostgreSQL — by `LISTEN
//! pimgate_changes` (a trigger on the change log NOTIFYs), so a push or DAV
//! write through another server process wakes this one's waiters too.
//! Waiters also re-read the log every [`RECHECK`], which bounds the delay
//! for writes that notify nobody (DAV writes on SQLite) to under a second.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::{OnceCell, watch};

use crate::config::Database;

/// How often a waiting pull re-reads the log without a notification.
pub const RECHECK: Duration = Duration::from_millis(500);
/// The PostgreSQL channel the change-log trigger notifies (migration 0004).
pub const CHANNEL: &str = "pimgate_changes";

/// Shared by every sync request of one server process. Cheap to clone.
#[derive(Clone)]
pub struct Hub(Arc<Inner>);

struct Inner {
    generation: watch::Sender<u64>,
    database: Database,
    listening: OnceCell<()>,
    tokens: super::DeviceTokens,
}

impl Hub {
    pub fn new(database: Database) -> Hub {
        Hub(Arc::new(Inner {
            generation: watch::channel(0).0,
            database,
            listening: OnceCell::new(),
            tokens: super::DeviceTokens::new(),
        }))
    }

    pub(super) fn tokens(&self) -> &super::DeviceTokens {
        &self.0.tokens
    }

    /// Wakes every waiting pull of this process.
    pub fn changed(&self) {
        self.0.generation.send_modify(|g| *g += 1);
    }

    /// A receiver to wait on; subscribe before reading the log so a change
    /// between the read and the wait is not missed.
    pub async fn subscribe(&self) -> watch::Receiver<u64> {
        self.listen().await;
        self.0.generation.subscribe()
    }

    /// Starts the PostgreSQL listener once (first waiting pull); a failure
    /// is logged and waiters fall back to re-reading every [`RECHECK`].
    async fn listen(&self) {
        let Database::Url(url) = &self.0.database else { return };
        if !url.starts_with("postgres") {
            return;
        }
        let hub = self.clone();
        let url = url.clone();
        self.0
            .listening
            .get_or_init(|| async move {
                match listener(&url).await {
                    Ok(listener) => {
                        tokio::spawn(forward(listener, hub));
                    }
                    Err(error) => tracing::warn!(%error, "LISTEN {CHANNEL} failed; long-poll re-reads the log"),
                }
            })
            .await;
    }
}

async fn listener(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Bumps the generation for every notification; `recv` reconnects by itself.
async fn forward(mut listener: PgListener, hub: Hub) {
    loop {
        match listener.recv().await {
            Ok(_) => hub.changed(),
            Err(error) => {
                tracing::warn!(%error, "LISTEN {CHANNEL}");
                tokio::time::sleep(RECHECK).await;
            }
        }
    }
}
