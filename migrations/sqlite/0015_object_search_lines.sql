-- Search texts name their properties (server/render.rs search_text), so
-- that an addressbook-query of unicode-casemap text-matches is decided on
-- the text alone, without decoding records (docs/decisions.md D13). Texts
-- of the earlier form cannot be told apart: they are dropped (NULL, the
-- object is read and decoded) and come back on the object's next write.
-- The index holds the texts beside the names, so a query scans the index,
-- not the rows (whose texts sit behind bodies and records in overflow
-- pages). Kept in step with migrations/postgres/0015, which needs no index:
-- PostgreSQL keeps large values out of line (TOAST).
UPDATE objects SET search_text = NULL WHERE search_text IS NOT NULL;
CREATE INDEX objects_search ON objects (collection_id, name, deleted, search_text);
