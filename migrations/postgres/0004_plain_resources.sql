-- Opaque resources of plain WebDAV collections (kind 'plain'): bytes with a
-- media type, no adapter, no change log (decisions: docs/compliance/rfc4918.md).
CREATE TABLE plain_resources (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body BYTEA NOT NULL,
    etag TEXT NOT NULL,
    modified_at BIGINT NOT NULL,
    PRIMARY KEY (collection_id, name)
);
