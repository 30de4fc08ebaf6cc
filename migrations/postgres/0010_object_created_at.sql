-- DAV:creationdate of objects (RFC 4918 §15.1): when the object at this
-- name began its current life (a create over a tombstone starts a new one).
-- Existing rows take the time of their latest create in the change log;
-- when retention pruned it, the oldest change still logged (every earlier
-- row, that create included, is gone); else their last modification.
ALTER TABLE objects ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;

UPDATE objects SET created_at = COALESCE(
    (SELECT c.at FROM changes c
      WHERE c.collection_id = objects.collection_id AND c.object_name = objects.name AND c.op = 'create'
      ORDER BY c.seq DESC LIMIT 1),
    (SELECT c.at FROM changes c
      WHERE c.collection_id = objects.collection_id AND c.object_name = objects.name
      ORDER BY c.seq LIMIT 1),
    modified_at);

-- The listing index (0009) covers this column too.
DROP INDEX objects_summary;
CREATE INDEX objects_summary ON objects (collection_id, name, deleted, uid, version, etag, format, size, modified_seq, modified_at, created_at);
