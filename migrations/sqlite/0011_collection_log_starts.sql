-- Where each collection's change log starts (store/sql/positions.rs): a new
-- collection starts at a position reserved above every position handed out
-- before, so one made again at the id of a deleted collection refuses the
-- sync tokens and device cursors of its predecessor (positions between 0
-- and its start) instead of answering them with a wrong diff.
-- Existing collections start where their log does: at the pruned-through
-- position when there is one (retention, or the reserved start of a COPY or
-- MOVE), else at their oldest logged position (a collection made again
-- before this migration logged nothing below it, and its predecessor
-- handed out nothing above it), else at their position (never written: 0).
-- Kept in step with migrations/postgres/0011_collection_log_starts.sql.
ALTER TABLE collections ADD COLUMN created_seq BIGINT NOT NULL DEFAULT 0;

UPDATE collections SET created_seq = CASE
    WHEN pruned_seq > 0 THEN pruned_seq
    ELSE COALESCE((SELECT MIN(c.seq) FROM changes c WHERE c.collection_id = collections.id), last_seq)
END;
