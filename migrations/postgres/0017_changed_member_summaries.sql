-- The change-order index covers a member's summary: a sync-collection
-- answer (getetag and the other listing properties of every member changed
-- since a token) is one range read of this index, in write order, with no
-- lookup per member by name (docs/decisions.md D15). Kept in step with
-- migrations/sqlite/0017.
DROP INDEX objects_collection_seq;
CREATE INDEX objects_collection_seq ON objects (collection_id, modified_seq, deleted, name, uid, version, etag, format, size, modified_at, created_at);
