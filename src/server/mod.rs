//! The HTTP server: CardDAV/CalDAV (RFC 4918, RFC 6352, RFC 4791), the native
//! sync API and the admin console, on top of the engine. The only layer that
//! knows HTTP and DAV XML.

pub mod dav;
