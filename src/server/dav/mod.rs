//! CardDAV and CalDAV (RFC 4918, RFC 6352, RFC 4791, RFC 6578).
//!
//! [`xml`] turns request bodies into typed requests and typed responses into
//! XML; it knows no sockets, no engine and no store.

pub mod query;
pub mod xml;
