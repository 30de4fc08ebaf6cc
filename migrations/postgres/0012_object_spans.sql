-- When each calendar object's events happen (store::TimeSpan), in UTC
-- seconds, so that a calendar-query with a VEVENT time-range decodes only
-- the objects whose span meets its range (docs/decisions.md D9). NULL is an
-- open bound: both NULL means unknown, and the object is always read;
-- rows written before this migration start that way and get their span on
-- their next write.
ALTER TABLE objects ADD COLUMN span_start BIGINT;
ALTER TABLE objects ADD COLUMN span_end BIGINT;

-- Candidates are read in pages ordered by name: this index answers the
-- page, span test included, without touching the rows (on SQLite the
-- span columns sit behind the bodies in overflow pages).
CREATE INDEX objects_span ON objects (collection_id, name, deleted, span_start, span_end);
