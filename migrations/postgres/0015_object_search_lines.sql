-- Search texts name their properties (server/render.rs search_text), so
-- that an addressbook-query of unicode-casemap text-matches is decided on
-- the text alone, without decoding records (docs/decisions.md D13). Texts
-- of the earlier form cannot be told apart: they are dropped (NULL, the
-- object is read and decoded) and come back on the object's next write.
-- Kept in step with migrations/sqlite/0015, which also indexes the texts.
UPDATE objects SET search_text = NULL WHERE search_text IS NOT NULL;
