-- Address books and calendars get separate namespaces, as their DAV URLs
-- show (/dav/addressbooks/USER/NAME/, /dav/calendars/USER/NAME/): a user
-- may have an address book and a calendar of the same name. Collection ids
-- become `owner/HOME/name`; the references follow the new ids through
-- ON UPDATE CASCADE. Kept in step with migrations/sqlite/0006_collection_homes.sql.
ALTER TABLE collections ADD COLUMN home TEXT;
UPDATE collections SET home = CASE kind WHEN 'addressbook' THEN 'addressbooks' ELSE 'calendars' END;
ALTER TABLE collections ALTER COLUMN home SET NOT NULL;
ALTER TABLE collections ADD CONSTRAINT collections_home_check CHECK (home IN ('addressbooks', 'calendars'));

ALTER TABLE grants DROP CONSTRAINT grants_collection_id_fkey,
    ADD CONSTRAINT grants_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES collections(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE objects DROP CONSTRAINT objects_collection_id_fkey,
    ADD CONSTRAINT objects_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES collections(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE changes DROP CONSTRAINT changes_collection_id_fkey,
    ADD CONSTRAINT changes_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES collections(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE device_cursors DROP CONSTRAINT device_cursors_collection_id_fkey,
    ADD CONSTRAINT device_cursors_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES collections(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE locks DROP CONSTRAINT locks_collection_id_fkey,
    ADD CONSTRAINT locks_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES collections(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE dead_properties DROP CONSTRAINT dead_properties_collection_id_fkey,
    ADD CONSTRAINT dead_properties_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES collections(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE plain_resources DROP CONSTRAINT plain_resources_collection_id_fkey,
    ADD CONSTRAINT plain_resources_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES collections(id) ON DELETE CASCADE ON UPDATE CASCADE;

UPDATE collections SET id = owner || '/' || home || '/' || name;

ALTER TABLE collections DROP CONSTRAINT collections_owner_name_unique,
    ADD CONSTRAINT collections_owner_home_name_unique UNIQUE (owner, home, name);
