-- A sync-collection report lists the members written after a position
-- (ObjectStore::members_since): an index range instead of a scan of the
-- whole collection.
CREATE INDEX objects_collection_seq ON objects (collection_id, modified_seq);
