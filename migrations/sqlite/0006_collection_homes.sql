-- Address books and calendars get separate namespaces, as their DAV URLs
-- show (/dav/addressbooks/USER/NAME/, /dav/calendars/USER/NAME/): a user
-- may have an address book and a calendar of the same name. Collection ids
-- become `owner/HOME/name`. SQLite cannot drop the old UNIQUE (owner, name),
-- so the table is rebuilt (https://sqlite.org/lang_altertable.html, the
-- 12-step procedure); the store runs migrations with foreign keys off, and
-- every reference is mapped to the new ids here.
-- Kept in step with migrations/postgres/0006_collection_homes.sql.

CREATE TABLE collections_new (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    home TEXT NOT NULL CHECK (home IN ('addressbooks', 'calendars')),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('addressbook', 'calendar', 'plain')),
    display_name TEXT,
    description TEXT,
    color TEXT,
    components TEXT,
    created_at BIGINT NOT NULL,
    last_seq BIGINT NOT NULL DEFAULT 0,
    pruned_seq BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT collections_owner_home_name_unique UNIQUE (owner, home, name)
);

CREATE TEMP TABLE collection_renames (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL, home TEXT NOT NULL);
INSERT INTO collection_renames
    SELECT id, owner || '/' || h || '/' || name, h
    FROM (SELECT id, owner, name, CASE kind WHEN 'addressbook' THEN 'addressbooks' ELSE 'calendars' END AS h FROM collections);

INSERT INTO collections_new (id, owner, home, name, kind, display_name, description, color, components, created_at, last_seq, pruned_seq)
    SELECT r.new_id, c.owner, r.home, c.name, c.kind, c.display_name, c.description, c.color, c.components, c.created_at, c.last_seq, c.pruned_seq
    FROM collections c JOIN collection_renames r ON r.old_id = c.id;

UPDATE grants SET collection_id = (SELECT new_id FROM collection_renames WHERE old_id = grants.collection_id);
UPDATE objects SET collection_id = (SELECT new_id FROM collection_renames WHERE old_id = objects.collection_id);
UPDATE changes SET collection_id = (SELECT new_id FROM collection_renames WHERE old_id = changes.collection_id);
UPDATE device_cursors SET collection_id = (SELECT new_id FROM collection_renames WHERE old_id = device_cursors.collection_id);
UPDATE locks SET collection_id = (SELECT new_id FROM collection_renames WHERE old_id = locks.collection_id);
UPDATE dead_properties SET collection_id = (SELECT new_id FROM collection_renames WHERE old_id = dead_properties.collection_id);
UPDATE plain_resources SET collection_id = (SELECT new_id FROM collection_renames WHERE old_id = plain_resources.collection_id);

DROP TABLE collections;
ALTER TABLE collections_new RENAME TO collections;
DROP TABLE collection_renames;
