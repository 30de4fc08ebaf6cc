-- pimgate schema, SQLite. Keep in step with migrations/postgres/0001_init.sql:
-- same tables, same columns, same constraint names.

CREATE TABLE users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_seen_at BIGINT,
    CONSTRAINT devices_user_name_unique UNIQUE (user_name, name)
);

CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('addressbook', 'calendar', 'plain')),
    display_name TEXT,
    description TEXT,
    color TEXT,
    components TEXT,
    created_at BIGINT NOT NULL,
    -- Highest change-log position of this collection (the CTag).
    last_seq BIGINT NOT NULL DEFAULT 0,
    -- Log rows at or below this position were pruned: older positions are expired.
    pruned_seq BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT collections_owner_name_unique UNIQUE (owner, name)
);

CREATE TABLE grants (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    access TEXT NOT NULL CHECK (access IN ('read', 'write')),
    PRIMARY KEY (collection_id, user_name)
);

CREATE TABLE objects (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    uid TEXT NOT NULL,
    version BIGINT NOT NULL,
    etag TEXT NOT NULL,
    format TEXT NOT NULL,
    original BLOB NOT NULL,
    record TEXT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0,
    modified_seq BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    PRIMARY KEY (collection_id, name)
);
CREATE UNIQUE INDEX objects_uid_unique ON objects (collection_id, uid) WHERE deleted = 0;

CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    object_name TEXT NOT NULL,
    uid TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
    txid TEXT NOT NULL,
    origin TEXT NOT NULL,
    base_version BIGINT,
    new_version BIGINT NOT NULL,
    at BIGINT NOT NULL,
    changes TEXT NOT NULL,
    -- Values that lost a merge conflict (JSON), so nothing is lost.
    conflicts TEXT,
    CONSTRAINT changes_txid_unique UNIQUE (collection_id, txid)
);
CREATE INDEX changes_collection_seq ON changes (collection_id, seq);
CREATE INDEX changes_object_seq ON changes (collection_id, object_name, seq);

CREATE TABLE device_cursors (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, collection_id)
);

CREATE TABLE locks (
    collection_id TEXT PRIMARY KEY REFERENCES collections(id) ON DELETE CASCADE,
    holder TEXT NOT NULL,
    token TEXT NOT NULL,
    acquired_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
