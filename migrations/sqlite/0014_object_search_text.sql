-- What an addressbook-query text-match can find in a contact: the
-- case-folded text of its property values (server/render.rs search_text),
-- so that a query decodes only the cards that contain its pattern
-- (docs/decisions.md D12). NULL is unknown: the object is always read;
-- rows written before this migration start that way and get their text
-- on their next write. Kept in step with migrations/postgres/0014.
ALTER TABLE objects ADD COLUMN search_text TEXT;
