//! A collection's live members in pages, read one page ahead: while the
//! handler writes page n (on a runtime thread), the store reads page n+1
//! (on its own connection), so a 100,000-member listing costs the slower
//! of the two, not their sum, and holds at most two pages in memory.

use tokio::sync::mpsc;

use crate::store::{ObjectStore, ObjectSummary, SqlStore, StoreError};
use crate::universal::{CollectionId, ObjectName};

/// Members per store query.
pub const PAGE: u32 = 1000;

/// The pages of `collection`'s live members by name; the receiver ends after
/// the last page or the first error.
pub fn member_pages(
    store: SqlStore,
    collection: CollectionId,
) -> mpsc::Receiver<Result<Vec<ObjectSummary>, StoreError>> {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let mut after: Option<ObjectName> = None;
        loop {
            let page = store.list_objects_after(&collection, after.as_ref(), PAGE).await;
            let more = match &page {
                Ok(members) if members.len() == PAGE as usize => {
                    after = members.last().map(|m| m.name.clone());
                    true
                }
                _ => false,
            };
            if tx.send(page).await.is_err() || !more {
                return;
            }
        }
    });
    rx
}
