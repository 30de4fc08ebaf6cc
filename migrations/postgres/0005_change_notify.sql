-- Long-poll across server processes: every change-log row NOTIFYs the
-- channel the sync API LISTENs on (server::sync_api::hub), payload the
-- collection id.
CREATE OR REPLACE FUNCTION pimgate_notify_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('pimgate_changes', NEW.collection_id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER changes_notify AFTER INSERT ON changes
    FOR EACH ROW EXECUTE FUNCTION pimgate_notify_change();
