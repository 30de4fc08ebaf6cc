-- Where replay starts once retention pruned an object's create
-- (engine/history.rs): the object's record at the newest version its pruned
-- log rows reached, one row per object, replaced by each later prune. A
-- device's edit against that version (or a later one still logged) is
-- then merged field by field instead of answered 410. Tombstoned objects
-- have none.
-- Objects whose whole log was pruned before this migration start with
-- their stored record, which is the state at their current version; those
-- with only their oldest rows pruned get no base (replay could not reach
-- their pruned versions before either).
-- Kept in step with migrations/postgres/0013_object_bases.sql.
CREATE TABLE object_bases (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (collection_id, name)
);

INSERT INTO object_bases (collection_id, name, version, record)
    SELECT o.collection_id, o.name, o.version, o.record FROM objects o
    WHERE o.deleted = 0 AND NOT EXISTS (
        SELECT 1 FROM changes c WHERE c.collection_id = o.collection_id AND c.object_name = o.name);
