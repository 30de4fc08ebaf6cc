//! [`ObjectStore`] on SQL: objects and their change-log rows, written together.

use sqlx::{Any, Row, Transaction};

use super::rows::{self, OBJECT_COLUMNS};
use super::{Backend, IN_CHUNK, SqlStore};
use crate::store::{
    ChangedMember, Expected, MembersSince, ObjectStore, ObjectSummary, ObjectWrite, StoreError, StoredBody,
    StoredObject, TimeSpan,
};
use crate::universal::{CollectionId, ETag, ObjectName, Op, Seq, Timestamp, Uid, Version};

/// The columns [`rows::summary`] reads.
const SUMMARY_COLUMNS: &str = "name, uid, version, etag, format, size, modified_seq, modified_at, created_at";

impl ObjectStore for SqlStore {
    async fn object(&self, collection: &CollectionId, name: &ObjectName) -> Result<Option<StoredObject>, StoreError> {
        let sql = format!("SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND name = $2");
        let row = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(name.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::object).transpose()
    }

    async fn object_by_uid(&self, collection: &CollectionId, uid: &Uid) -> Result<Option<StoredObject>, StoreError> {
        let sql = format!("SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND uid = $2 AND deleted = 0");
        let row = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(uid.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::object).transpose()
    }

    async fn objects_by_uid(&self, collection: &CollectionId, uids: &[Uid]) -> Result<Vec<StoredObject>, StoreError> {
        let mut found = Vec::with_capacity(uids.len());
        for chunk in uids.chunks(IN_CHUNK) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND deleted = 0 AND uid IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(collection.as_str());
            for uid in chunk {
                query = query.bind(uid.as_str());
            }
            for row in query.fetch_all(&self.pool).await? {
                found.push(rows::object(&row)?);
            }
        }
        Ok(found)
    }

    async fn objects(&self, collection: &CollectionId, names: &[ObjectName]) -> Result<Vec<StoredObject>, StoreError> {
        let mut found = Vec::with_capacity(names.len());
        for chunk in names.chunks(IN_CHUNK) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND name IN ({}) ORDER BY name",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(collection.as_str());
            for name in chunk {
                query = query.bind(name.as_str());
            }
            for row in query.fetch_all(&self.pool).await? {
                found.push(rows::object(&row)?);
            }
        }
        Ok(found)
    }

    async fn summaries(
        &self,
        collection: &CollectionId,
        names: &[ObjectName],
    ) -> Result<Vec<ObjectSummary>, StoreError> {
        let aggregate = summary_aggregate(self.backend());
        let mut found = Vec::with_capacity(names.len());
        for chunk in names.chunks(IN_CHUNK) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {aggregate} AS page FROM objects WHERE collection_id = $1 AND deleted = 0 AND name IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(collection.as_str());
            for name in chunk {
                query = query.bind(name.as_str());
            }
            found.extend(summary_page(
                query.fetch_one(&self.pool).await?.try_get("page")?,
                self.backend(),
            )?);
        }
        Ok(found)
    }

    async fn bodies(&self, collection: &CollectionId, names: &[ObjectName]) -> Result<Vec<StoredBody>, StoreError> {
        let mut found = Vec::with_capacity(names.len());
        for chunk in names.chunks(IN_CHUNK) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let in_list = placeholders.join(", ");
            if self.backend() == Backend::Sqlite {
                // One aggregated row, as for listings (see `list_objects_after`),
                // the bodies as JSON text with their byte lengths: bodies are
                // UTF-8 text as a rule, and a page where one is not (or where
                // a length disagrees) is read again row by row, as bytes.
                let sql = format!(
                    "SELECT CAST(json_group_array(json_array(json_array(name, uid, version, etag, format, size, \
                     modified_seq, modified_at, created_at), length(original), CAST(original AS TEXT))) AS BLOB) AS page \
                     FROM objects WHERE collection_id = $1 AND deleted = 0 AND name IN ({in_list})"
                );
                let mut query = sqlx::query(&sql).bind(collection.as_str());
                for name in chunk {
                    query = query.bind(name.as_str());
                }
                let page: Option<Vec<u8>> = query.fetch_one(&self.pool).await?.try_get("page")?;
                if let Some(bodies) = body_page(page)? {
                    found.extend(bodies);
                    continue;
                }
            }
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS}, original FROM objects WHERE collection_id = $1 AND deleted = 0 \
                 AND name IN ({in_list})"
            );
            let mut query = sqlx::query(&sql).bind(collection.as_str());
            for name in chunk {
                query = query.bind(name.as_str());
            }
            for row in query.fetch_all(&self.pool).await? {
                found.push(StoredBody {
                    summary: rows::summary(&row)?,
                    original: row.try_get("original")?,
                });
            }
        }
        Ok(found)
    }

    async fn list_objects_after(
        &self,
        collection: &CollectionId,
        after: Option<&ObjectName>,
        limit: u32,
    ) -> Result<Vec<ObjectSummary>, StoreError> {
        // The page comes back as ONE row holding a JSON array: through the
        // `Any` driver every row and value costs a conversion, a copy and a
        // channel hop, which made a 10,000-member listing spend most of its
        // time moving rows rather than reading them.
        let sql = format!(
            "SELECT {} AS page FROM (SELECT {SUMMARY_COLUMNS} FROM objects \
             WHERE collection_id = $1 AND deleted = 0 AND name > $2 ORDER BY name LIMIT $3) AS members",
            summary_aggregate(self.backend())
        );
        let page: Option<String> = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(after.map_or("", ObjectName::as_str))
            .bind(i64::from(limit))
            .fetch_one(&self.pool)
            .await?
            .try_get("page")?;
        summary_page(page, self.backend())
    }

    async fn objects_meeting(
        &self,
        collection: &CollectionId,
        window: TimeSpan,
        after: Option<&ObjectName>,
        limit: u32,
    ) -> Result<Vec<StoredObject>, StoreError> {
        // The page's names come from the span index alone; only their bodies are read.
        let sql = format!(
            "SELECT {OBJECT_COLUMNS} FROM objects WHERE collection_id = $1 AND name IN (\
             SELECT name FROM objects WHERE collection_id = $1 AND deleted = 0 AND name > $2 \
             AND (span_start IS NULL OR span_start <= $3) AND (span_end IS NULL OR span_end >= $4) \
             ORDER BY name LIMIT $5) ORDER BY name"
        );
        let rows = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(after.map_or("", ObjectName::as_str))
            .bind(window.end.unwrap_or(i64::MAX))
            .bind(window.start.unwrap_or(i64::MIN))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::object).collect()
    }

    async fn spans_meeting(
        &self,
        collection: &CollectionId,
        window: TimeSpan,
        after: Option<&ObjectName>,
        limit: u32,
    ) -> Result<Vec<(ObjectName, TimeSpan)>, StoreError> {
        // One aggregated row (see `list_objects_after`), from the span index.
        let aggregate = match self.backend() {
            Backend::Sqlite => "json_group_array(json_array(name, span_start, span_end, span_exact))",
            Backend::Postgres => {
                "json_agg(json_build_array(name, span_start, span_end, span_exact) ORDER BY name)::text"
            }
        };
        let sql = format!(
            "SELECT {aggregate} AS page FROM (SELECT name, span_start, span_end, span_exact FROM objects {} \
             WHERE collection_id = $1 AND deleted = 0 AND name > $2 \
             AND (span_start IS NULL OR span_start <= $3) AND (span_end IS NULL OR span_end >= $4) \
             ORDER BY name LIMIT $5) AS found",
            match self.backend() {
                // The covering index (SQLite has no statistics to prefer it).
                Backend::Sqlite => "INDEXED BY objects_span",
                Backend::Postgres => "",
            }
        );
        let page: Option<String> = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(after.map_or("", ObjectName::as_str))
            .bind(window.end.unwrap_or(i64::MAX))
            .bind(window.start.unwrap_or(i64::MIN))
            .bind(i64::from(limit))
            .fetch_one(&self.pool)
            .await?
            .try_get("page")?;
        let Some(page) = page else { return Ok(Vec::new()) };
        type Member = (String, Option<i64>, Option<i64>, Option<i64>);
        let mut found: Vec<Member> =
            serde_json::from_str(&page).map_err(|e| StoreError::Corrupt(format!("spans: {e}")))?;
        if self.backend() == Backend::Sqlite {
            // As in `summary_page`: in order already, one pass.
            found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        }
        Ok(found
            .into_iter()
            .map(|(name, start, end, exact)| {
                let exact = exact.unwrap_or(0) != 0 && start.is_some() && end.is_some();
                (ObjectName(name), TimeSpan { start, end, exact })
            })
            .collect())
    }

    async fn objects_containing(
        &self,
        collection: &CollectionId,
        needles: &[String],
        after: Option<&ObjectName>,
        limit: u32,
    ) -> Result<Vec<StoredObject>, StoreError> {
        if needles.is_empty() {
            return Ok(Vec::new());
        }
        // The texts are tested in the index; only matching rows are read.
        let sql = format!(
            "SELECT {OBJECT_COLUMNS} FROM objects {} WHERE collection_id = $1 AND deleted = 0 AND name > $2 \
             AND {} ORDER BY name LIMIT $3",
            search_index(self.backend()),
            contains_any(self.backend(), needles.len(), 4)
        );
        let mut query = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(after.map_or("", ObjectName::as_str))
            .bind(i64::from(limit));
        for needle in needles {
            query = query.bind(contains_parameter(self.backend(), needle));
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(rows::object).collect()
    }

    async fn search_texts(
        &self,
        collection: &CollectionId,
        needles: Option<&[String]>,
        after: Option<&ObjectName>,
        limit: u32,
    ) -> Result<Vec<(ObjectName, Option<String>)>, StoreError> {
        let test = match needles {
            Some([]) => return Ok(Vec::new()),
            Some(needles) => contains_any(self.backend(), needles.len(), 4),
            None => "TRUE".to_owned(),
        };
        // One aggregated row (see `list_objects_after`).
        let aggregate = match self.backend() {
            Backend::Sqlite => "json_group_array(json_array(name, search_text))",
            Backend::Postgres => "json_agg(json_build_array(name, search_text) ORDER BY name)::text",
        };
        let sql = format!(
            "SELECT {aggregate} AS page FROM (SELECT name, search_text FROM objects {} \
             WHERE collection_id = $1 AND deleted = 0 AND name > $2 AND {test} ORDER BY name LIMIT $3) AS found",
            search_index(self.backend()),
        );
        let mut query = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(after.map_or("", ObjectName::as_str))
            .bind(i64::from(limit));
        for needle in needles.unwrap_or_default() {
            query = query.bind(contains_parameter(self.backend(), needle));
        }
        let page: Option<String> = query.fetch_one(&self.pool).await?.try_get("page")?;
        let Some(page) = page else { return Ok(Vec::new()) };
        let mut found: Vec<(String, Option<String>)> =
            serde_json::from_str(&page).map_err(|e| StoreError::Corrupt(format!("search texts: {e}")))?;
        if self.backend() == Backend::Sqlite {
            // As in `summary_page`: in order already, one pass.
            found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        }
        Ok(found.into_iter().map(|(name, text)| (ObjectName(name), text)).collect())
    }

    async fn list_objects(&self, collection: &CollectionId) -> Result<Vec<ObjectSummary>, StoreError> {
        let sql =
            format!("SELECT {SUMMARY_COLUMNS} FROM objects WHERE collection_id = $1 AND deleted = 0 ORDER BY name");
        let rows = sqlx::query(&sql)
            .bind(collection.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::summary).collect()
    }

    async fn members_since(
        &self,
        collection: &CollectionId,
        since: Seq,
        limit: u32,
        live_only: bool,
    ) -> Result<MembersSince, StoreError> {
        // Read before the rows: a write committing in between is either in
        // the rows or after the returned position, never skipped.
        let positions = self.positions(collection).await?;
        positions.check_handed_out(since)?;
        // An initial listing (live members only) needs no log history.
        if !live_only {
            positions.check_retained(since)?;
        }
        let latest = positions.latest;
        // One aggregated row (see `list_objects_after`) read from the
        // change-order index, which covers the summaries: no lookup per
        // member by name (migration 0017).
        let aggregate = match self.backend() {
            Backend::Sqlite => {
                "json_group_array(json_array(json_array(name, uid, version, etag, format, size, modified_seq, \
                 modified_at, created_at), deleted))"
            }
            Backend::Postgres => {
                "json_agg(json_build_array(json_build_array(name, uid, version, etag, format, size, modified_seq, \
                 modified_at, created_at), deleted) ORDER BY modified_seq)::text"
            }
        };
        let index = match self.backend() {
            Backend::Sqlite => "INDEXED BY objects_collection_seq ",
            Backend::Postgres => "",
        };
        let sql = format!(
            "SELECT {aggregate} AS page FROM (SELECT {SUMMARY_COLUMNS}, deleted FROM objects {index}\
             WHERE collection_id = $1 AND modified_seq > $2 AND (deleted = 0 OR $3 = 0) \
             ORDER BY modified_seq LIMIT $4) AS changed"
        );
        let page: Option<String> = sqlx::query(&sql)
            .bind(collection.as_str())
            .bind(since.0)
            .bind(i64::from(live_only))
            .bind(i64::from(limit) + 1)
            .fetch_one(&self.pool)
            .await?
            .try_get("page")?;
        let mut rows: Vec<(SummaryColumns, i64)> = match page {
            Some(page) => {
                serde_json::from_str(&page).map_err(|e| StoreError::Corrupt(format!("changed members: {e}")))?
            }
            None => Vec::new(),
        };
        // SQLite aggregates the ordered subquery in its order; sorting the
        // already sorted costs one pass and makes that no assumption.
        rows.sort_unstable_by_key(|(columns, _)| columns.6);
        let more = rows.len() > limit as usize;
        let mut members = Vec::with_capacity(rows.len().min(limit as usize));
        let mut last = since;
        for (columns, deleted) in rows.into_iter().take(limit as usize) {
            let summary = summary_of(columns);
            last = summary.modified_seq;
            members.push(match deleted {
                0 => ChangedMember::Live(summary),
                _ => ChangedMember::Removed(summary.name),
            });
        }
        let next = if more { last } else { last.max(latest) };
        Ok(MembersSince { members, next, more })
    }

    async fn count_objects(&self, collection: &CollectionId) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM objects WHERE collection_id = $1 AND deleted = 0")
            .bind(collection.as_str())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? as u64)
    }

    async fn commit(&self, write: ObjectWrite) -> Result<Seq, StoreError> {
        match self.group_commit() {
            Some(group) => self.commit_grouped(group, write).await,
            None => Ok(self.commit_batch(vec![write]).await?[0]),
        }
    }

    /// One transaction (see [`super::commit`]).
    async fn commit_batch(&self, writes: Vec<ObjectWrite>) -> Result<Vec<Seq>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let seqs = super::commit::commit_batch(&mut tx, &writes).await?;
        tx.commit().await?;
        Ok(seqs)
    }
}

/// The [`SUMMARY_COLUMNS`] of the selected rows as one JSON array (read
/// back by [`summary_page`], which puts them in name order).
fn summary_aggregate(backend: Backend) -> &'static str {
    match backend {
        // Without ORDER BY: an aggregate's ORDER BY sorts again what the
        // subquery already ordered (a sorter per page); `summary_page` sorts.
        Backend::Sqlite => {
            "json_group_array(json_array(name, uid, version, etag, format, size, modified_seq, modified_at, \
             created_at))"
        }
        Backend::Postgres => {
            "json_agg(json_build_array(name, uid, version, etag, format, size, modified_seq, modified_at, \
             created_at) ORDER BY name)::text"
        }
    }
}

/// The summaries a [`summary_aggregate`] returned (none: NULL).
fn summary_page(page: Option<String>, backend: Backend) -> Result<Vec<ObjectSummary>, StoreError> {
    let Some(page) = page else { return Ok(Vec::new()) };
    let mut members: Vec<SummaryColumns> =
        serde_json::from_str(&page).map_err(|e| StoreError::Corrupt(format!("member listing: {e}")))?;
    if backend == Backend::Sqlite {
        // SQLite's names compare as bytes, like Rust's; the subquery's order
        // makes this one pass. (PostgreSQL orders by its collation, in SQL.)
        members.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
    Ok(members.into_iter().map(summary_of).collect())
}

/// The [`SUMMARY_COLUMNS`] of one row as a JSON array reads them.
type SummaryColumns = (String, String, i64, String, String, i64, i64, i64, i64);

fn summary_of(columns: SummaryColumns) -> ObjectSummary {
    let (name, uid, version, etag, format, size, modified_seq, modified_at, created_at) = columns;
    ObjectSummary {
        name: ObjectName(name),
        uid: Uid(uid),
        version: Version(version as u64),
        etag: ETag(etag),
        content_type: format,
        size: size as u64,
        modified_seq: Seq(modified_seq),
        modified_at: Timestamp(modified_at),
        created_at: Some(Timestamp(created_at)),
    }
}

/// The bodies of one aggregated page (none: NULL); `None` when a body did
/// not come back as the bytes stored (not UTF-8, or not whole).
fn body_page(page: Option<Vec<u8>>) -> Result<Option<Vec<StoredBody>>, StoreError> {
    let Some(page) = page else { return Ok(Some(Vec::new())) };
    let Ok(page) = String::from_utf8(page) else {
        return Ok(None);
    };
    let members: Vec<(SummaryColumns, i64, String)> =
        serde_json::from_str(&page).map_err(|e| StoreError::Corrupt(format!("member bodies: {e}")))?;
    if members.iter().any(|(_, length, body)| body.len() as i64 != *length) {
        return Ok(None);
    }
    Ok(Some(
        members
            .into_iter()
            .map(|(columns, _, body)| StoredBody {
                summary: summary_of(columns),
                original: body.into_bytes(),
            })
            .collect(),
    ))
}

/// Names the index that holds the search texts beside the names (SQLite;
/// migration 0015): without statistics SQLite would pick the primary key
/// and read every row, whose text sits behind its body and record.
fn search_index(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "INDEXED BY objects_search",
        Backend::Postgres => "",
    }
}

/// `(search_text IS NULL OR <contains $first> OR …)` over `count`
/// parameters from `$first` on, bound by [`contains_parameter`].
/// SQLite's `instr` compares at every byte; its `GLOB` skips to each
/// occurrence of the pattern's first character with `strcspn`, four times
/// faster on search texts.
fn contains_any(backend: Backend, count: usize, first: usize) -> String {
    let test = |i: usize| match backend {
        Backend::Sqlite => format!("search_text GLOB ${i}"),
        Backend::Postgres => format!("strpos(search_text, ${i}) > 0"),
    };
    let tests: Vec<String> = (first..first + count).map(test).collect();
    format!("(search_text IS NULL OR {})", tests.join(" OR "))
}

/// What [`contains_any`] binds for `needle`: a GLOB pattern for "contains,
/// case-sensitively" on SQLite (its `*`, `?` and `[` in brackets), the
/// needle itself on PostgreSQL.
fn contains_parameter(backend: Backend, needle: &str) -> String {
    match backend {
        Backend::Sqlite => {
            let mut pattern = String::with_capacity(needle.len() + 2);
            pattern.push('*');
            for c in needle.chars() {
                match c {
                    '*' | '?' | '[' => {
                        pattern.push('[');
                        pattern.push(c);
                        pattern.push(']');
                    }
                    c => pattern.push(c),
                }
            }
            pattern.push('*');
            pattern
        }
        Backend::Postgres => needle.to_owned(),
    }
}

/// Moves a collection's position (its CTag / sync token) up to `seq`
/// after writes in this transaction; never backwards.
pub(super) async fn advance_position(
    tx: &mut Transaction<'_, Any>,
    collection: &str,
    seq: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE collections SET last_seq = $2 WHERE id = $1 AND last_seq < $2")
        .bind(collection)
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Locks the collection row (see the module doc of `sql`) and refuses the
/// write when another holder's lease is live at `at`.
pub(super) async fn lock_collection(
    tx: &mut Transaction<'_, Any>,
    collection: &str,
    writer: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let lease = "FROM locks WHERE collection_id = $1 AND expires_at > $2 AND holder <> $3 \
                 ORDER BY expires_at DESC, holder LIMIT 1";
    if tx.backend_name() == "SQLite" {
        // One statement on SQLite: its UPDATE takes the database's write
        // lock and reads the latest state, so the leases read with it are
        // current. Not on PostgreSQL: an UPDATE that waited for the row
        // reads the rest in the snapshot from before the wait, and would
        // miss a lease granted meanwhile; there the leases are read by a
        // statement of their own, after the row is held.
        let sql = format!(
            "UPDATE collections SET last_seq = last_seq WHERE id = $1 \
             RETURNING (SELECT holder {lease}) AS holder, (SELECT expires_at {lease}) AS expires_at"
        );
        let row = sqlx::query(&sql)
            .bind(collection)
            .bind(at.0)
            .bind(writer)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("collection {collection}")))?;
        return match row.try_get::<Option<String>, _>("holder")? {
            Some(holder) => Err(StoreError::Locked {
                holder,
                until: Timestamp(row.try_get::<Option<i64>, _>("expires_at")?.unwrap_or(at.0)),
            }),
            None => Ok(()),
        };
    }
    let locked = sqlx::query("UPDATE collections SET last_seq = last_seq WHERE id = $1")
        .bind(collection)
        .execute(&mut **tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("collection {collection}")));
    }
    let lease = sqlx::query(&format!("SELECT holder, expires_at {lease}"))
        .bind(collection)
        .bind(at.0)
        .bind(writer)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(row) = lease {
        return Err(StoreError::Locked {
            holder: row.try_get("holder")?,
            until: Timestamp(row.try_get("expires_at")?),
        });
    }
    Ok(())
}

/// The columns an object write sets, in the order both upserts bind them.
pub(super) const UPSERT_COLUMNS: &str = "collection_id, name, uid, version, etag, format, original, record, deleted, \
     modified_seq, modified_at, size, created_at, span_start, span_end, span_exact, search_text";

/// What an object write over an existing row does: a new row, or one
/// replacing a tombstone, is created now; an update or a delete keeps its
/// creation time.
pub(super) const UPSERT_CONFLICT: &str = "ON CONFLICT (collection_id, name) DO UPDATE SET uid = excluded.uid, \
     version = excluded.version, etag = excluded.etag, format = excluded.format, original = excluded.original, \
     record = excluded.record, deleted = excluded.deleted, modified_seq = excluded.modified_seq, \
     modified_at = excluded.modified_at, size = excluded.size, span_start = excluded.span_start, \
     span_end = excluded.span_end, span_exact = excluded.span_exact, search_text = excluded.search_text, \
     created_at = CASE WHEN objects.deleted <> 0 THEN excluded.created_at ELSE objects.created_at END";

/// One object write inside a transaction whose collection is locked:
/// check, log, store. The collection's position is updated by the caller.
pub(super) async fn write_object(tx: &mut Transaction<'_, Any>, write: &ObjectWrite) -> Result<Seq, StoreError> {
    let t = &write.transaction;
    let collection = t.collection.as_str();
    let applied = sqlx::query("SELECT seq FROM changes WHERE collection_id = $1 AND txid = $2")
        .bind(collection)
        .bind(t.txid.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(row) = applied {
        return Err(StoreError::DuplicateTransaction {
            seq: Seq(row.try_get("seq")?),
        });
    }
    check_expected(tx, write).await?;
    if t.op != Op::Delete {
        check_uid_free(tx, write).await?;
    }

    let changes = serde_json::to_string(&t.changes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let conflicts = write.conflicts.as_ref().map(|c| c.to_string());
    let op = rows::op_column(t.op);
    let row = sqlx::query(
        "INSERT INTO changes (collection_id, object_name, uid, op, txid, origin, base_version, new_version, at, changes, conflicts) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq",
    )
    .bind(collection)
    .bind(write.name.as_str())
    .bind(t.uid.as_str())
    .bind(op)
    .bind(t.txid.as_str())
    .bind(t.origin.as_str())
    .bind(t.base_version.map(|v| v.0 as i64))
    .bind(t.new_version.0 as i64)
    .bind(t.at.0)
    .bind(changes)
    .bind(conflicts)
    .fetch_one(&mut **tx)
    .await?;
    let seq: i64 = row.try_get("seq")?;

    let record = serde_json::to_string(&write.record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query(&format!(
        "INSERT INTO objects ({UPSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $13, $14, $15, $16) \
         {UPSERT_CONFLICT}"
    ))
    .bind(collection)
    .bind(write.name.as_str())
    .bind(t.uid.as_str())
    .bind(t.new_version.0 as i64)
    .bind(write.etag.as_str())
    .bind(write.content_type.as_str())
    .bind(write.original.as_slice())
    .bind(record)
    .bind(i64::from(t.op == Op::Delete))
    .bind(seq)
    .bind(t.at.0)
    .bind(write.original.len() as i64)
    .bind(write.span.start)
    .bind(write.span.end)
    .bind(i64::from(write.span.exact))
    .bind(write.search_text.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(Seq(seq))
}

async fn check_expected(tx: &mut Transaction<'_, Any>, write: &ObjectWrite) -> Result<(), StoreError> {
    let current = sqlx::query("SELECT version, deleted FROM objects WHERE collection_id = $1 AND name = $2")
        .bind(write.transaction.collection.as_str())
        .bind(write.name.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    let live_version = match current {
        Some(row) if row.try_get::<i64, _>("deleted")? == 0 => Some(Version(row.try_get::<i64, _>("version")? as u64)),
        _ => None,
    };
    let matches = match write.expected {
        Expected::Absent => live_version.is_none(),
        Expected::Version(v) => live_version == Some(v),
    };
    if matches {
        return Ok(());
    }
    let expected = match write.expected {
        Expected::Absent => None,
        Expected::Version(v) => Some(v),
    };
    Err(StoreError::VersionMismatch {
        expected,
        found: live_version,
    })
}

async fn check_uid_free(tx: &mut Transaction<'_, Any>, write: &ObjectWrite) -> Result<(), StoreError> {
    let holder =
        sqlx::query("SELECT name FROM objects WHERE collection_id = $1 AND uid = $2 AND deleted = 0 AND name <> $3")
            .bind(write.transaction.collection.as_str())
            .bind(write.transaction.uid.as_str())
            .bind(write.name.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    match holder {
        Some(row) => Err(StoreError::UidConflict {
            existing: ObjectName(row.try_get("name")?),
        }),
        None => Ok(()),
    }
}
