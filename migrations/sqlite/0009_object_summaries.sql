-- Listings (PROPFIND Depth 1, sync-collection without data) read only an
-- object's small columns. On SQLite the columns after `original` and
-- `record` sit behind those bodies in overflow pages, so every listed row
-- read its whole body from disk; covering indexes answer listings without
-- touching the rows, and `size` spares reading `original` for its length.
ALTER TABLE objects ADD COLUMN size BIGINT NOT NULL DEFAULT 0;
UPDATE objects SET size = LENGTH(original);
CREATE INDEX objects_summary ON objects (collection_id, name, deleted, uid, version, etag, format, size, modified_seq, modified_at);
-- What changed after a position (ObjectStore::members_since), in write order.
CREATE INDEX objects_collection_seq ON objects (collection_id, modified_seq, deleted, name);
