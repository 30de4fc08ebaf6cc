-- WebDAV locks that collection leases (`locks`) cannot express: shared
-- locks, and locks on one member of a collection (RFC 4918 §6-7;
-- docs/compliance/rfc4918.md). `resource` is '' for the collection itself,
-- else the member's name. Expired rows are ignored and swept on insert.
CREATE TABLE resource_locks (
    token TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    resource TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('exclusive', 'shared')),
    depth TEXT NOT NULL CHECK (depth IN ('0', 'infinity')),
    principal TEXT NOT NULL,
    owner_xml TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX resource_locks_by_collection ON resource_locks (collection_id, resource);
