-- Whether an object's span is its one VEVENT occurrence exactly (1) rather
-- than a hull around occurrences (0 or NULL; rows written before this
-- migration): a calendar-query then decides the object from the span
-- alone (docs/decisions.md D14). The span index holds it, so deciding reads
-- no row. Kept in step with migrations/postgres/0016.
ALTER TABLE objects ADD COLUMN span_exact BIGINT;
DROP INDEX objects_span;
CREATE INDEX objects_span ON objects (collection_id, name, deleted, span_start, span_end, span_exact);
