-- Kept in step with migrations/postgres/0005_change_notify.sql, which makes
-- every change-log row NOTIFY the sync API's listeners in other server
-- processes. An SQLite database has one server process, which wakes its
-- long-polls in-process: nothing to create here.
SELECT 1;
