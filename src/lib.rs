//! pimgate: a contacts and calendar sync gateway.
//!
//! # Layout
//!
//! Data moves one way — bytes → [`adapters`] → [`universal::Record`] →
//! `engine` (diff → change transactions) → `store` — and the server sits on
//! top. Nothing below calls up; `tests/tidy.rs` enforces it.
//!
//! - [`universal`]: the universal record model and change transactions.
//! - [`adapters`]: vCard, iCalendar, CSV and JSON formats to and from the model.
//! - [`engine`]: the delta engine: diff, apply and merge of records, field by field.
//! - [`store`]: persistence on SQLite (embedded default) or PostgreSQL.
//! - [`server`]: the HTTP server (axum): auth, discovery, CardDAV/CalDAV
//!   (its XML layer is `server::dav::xml`).
//! - [`sync_protocol`]: the native sync API's wire types (server and agent).
//! - [`client`]: the device agent (`pimgate sync`): a vdir kept in step over the native API.
//! - [`config`]: the server's typed configuration (file, environment, flags).

pub mod adapters;
pub mod client;
pub mod config;
pub mod engine;
pub mod server;
pub mod store;
pub mod sync_protocol;
pub mod universal;
