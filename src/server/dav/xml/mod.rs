//! The DAV XML layer: request bodies → typed requests, typed responses → XML.
//!
//! Pure and socket-free: it knows no axum, no engine and no store, so every
//! piece is tested from bytes alone.
//!
//! - [`names`]: the [`Namespace`](names::Namespace) and [`DavProp`](names::DavProp) enums.
//! - [`tree`]: the one XML reader (quick-xml `NsReader`) with its limits
//!   ([`XmlLimits`](tree::XmlLimits)): bounded depth and element count, no
//!   entity expansion. It builds a small owned element tree.
//! - [`request`]: typed requests (`PropFind`, `PropertyUpdate`, `MkCol`,
//!   `LockInfo`, `Report`) read from that tree.
//! - [`value`]: property values shared by requests (PROPPATCH) and responses.
//! - [`response`]: `Multistatus`, `DavErrorBody` and the one writer.
//! - [`href`]: hrefs as decoded paths, percent-encoded once on output.
//! - [`error`]: [`XmlError`](error::XmlError), every variant a 400 Bad Request.

pub mod error;
pub mod href;
pub mod names;
pub mod request;
pub mod response;
pub mod tree;
pub mod value;

pub use error::{XmlError, XmlErrorKind};
pub use href::{Href, encode_href};
pub use names::{DavProp, Namespace};
pub use tree::XmlLimits;
