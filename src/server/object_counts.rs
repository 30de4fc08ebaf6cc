//! Whether a collection has room for one more object, without counting its
//! members on every PUT: a count costs a scan of the collection's index
//! (about 1 ms at 10,000 members, ten times that at 100,000), which
//! dominated the cost of a PUT into a large collection. A count a few
//! seconds old is trusted while the collection is far below its limit
//! (fewer members than the limit minus [`MARGIN`]); near the limit every
//! PUT counts afresh, so the limit holds as it did before.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::store::{ObjectStore, SqlStore, StoreError};
use crate::universal::CollectionId;

/// How long a count is trusted.
const FRESH: Duration = Duration::from_secs(5);
/// More creates than one process makes in [`FRESH`].
const MARGIN: u64 = 50_000;
/// Entries kept before stale ones are dropped.
const KEEP: usize = 4096;

#[derive(Debug, Default)]
pub struct ObjectCounts {
    counted: Mutex<HashMap<CollectionId, (u64, Instant)>>,
}

impl ObjectCounts {
    /// Whether `collection` holds fewer than `limit` live objects.
    pub async fn has_room(&self, store: &SqlStore, collection: &CollectionId, limit: u64) -> Result<bool, StoreError> {
        let recent = self
            .counted
            .lock()
            .expect("object counts lock")
            .get(collection)
            .copied();
        if let Some((count, at)) = recent
            && at.elapsed() < FRESH
            && count.saturating_add(MARGIN) < limit
        {
            return Ok(true);
        }
        let count = store.count_objects(collection).await?;
        let mut counted = self.counted.lock().expect("object counts lock");
        if counted.len() >= KEEP {
            counted.retain(|_, (_, at)| at.elapsed() < FRESH);
        }
        counted.insert(collection.clone(), (count, Instant::now()));
        Ok(count < limit)
    }
}
