-- Dead properties (RFC 4918 §4.2): what PROPPATCH / extended MKCOL set and
-- the server does not interpret, stored as the property element's XML.
-- `resource` is '' for the collection itself, else the member's name.
CREATE TABLE dead_properties (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    resource TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    xml TEXT NOT NULL,
    PRIMARY KEY (collection_id, resource, namespace, name)
);
