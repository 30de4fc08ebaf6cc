//! Typed DAV responses and their XML (RFC 4918 §13, §14.16, §14.24).
//!
//! Handlers return [`Multistatus`] or a [`DavErrorBody`], never strings
//! (STYLE G6). Large reports stream: [`MultistatusWriter`] writes one
//! [`Response`] at a time into any `io::Write`.

mod error;
mod props;
mod writer;

use std::fmt;
use std::io::{self, Write};

pub use error::{DataKind, DavErrorBody, Precondition};
pub use writer::{DavWriter, escape_text};

use super::href::Href;
use super::names::{DavProp, Namespace};
use super::value::{ActiveLock, PropValue};

/// An HTTP status inside a multistatus (`HTTP/1.1 200 OK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status(pub u16);

impl Status {
    pub const OK: Status = Status(200);
    pub const CREATED: Status = Status(201);
    pub const NO_CONTENT: Status = Status(204);
    pub const FORBIDDEN: Status = Status(403);
    pub const NOT_FOUND: Status = Status(404);
    pub const CONFLICT: Status = Status(409);
    pub const PRECONDITION_FAILED: Status = Status(412);
    pub const LOCKED: Status = Status(423);
    pub const FAILED_DEPENDENCY: Status = Status(424);
    pub const INSUFFICIENT_STORAGE: Status = Status(507);

    /// The reason phrase (RFC 9110 §15, RFC 4918 §11).
    pub fn reason(self) -> &'static str {
        match self.0 {
            200 => "OK",
            201 => "Created",
            204 => "No Content",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            409 => "Conflict",
            412 => "Precondition Failed",
            413 => "Content Too Large",
            423 => "Locked",
            424 => "Failed Dependency",
            507 => "Insufficient Storage",
            _ => "",
        }
    }

    /// The status line as a multistatus carries it, without formatting for
    /// the statuses every report writes.
    pub fn line(self) -> std::borrow::Cow<'static, str> {
        match self.0 {
            200 => "HTTP/1.1 200 OK".into(),
            404 => "HTTP/1.1 404 Not Found".into(),
            _ => self.to_string().into(),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP/1.1 {} {}", self.0, self.reason())
    }
}

/// A `<d:multistatus>` (RFC 4918 §14.16), with RFC 6578's `sync-token`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Multistatus {
    pub responses: Vec<Response>,
    /// The new sync token of a sync-collection report (RFC 6578 §6.4).
    pub sync_token: Option<String>,
}

/// One `<d:response>` (RFC 4918 §14.24).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub href: Href,
    pub body: ResponseBody,
    /// A failed precondition for this resource (RFC 4918 §14.5).
    pub error: Option<Precondition>,
}

/// Either properties grouped by status, or one status for the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseBody {
    PropStats(Vec<PropStat>),
    /// A status for the whole resource, e.g. 404 for a member that
    /// sync-collection reports as removed (RFC 6578 §3.5.2).
    Status(Status),
}

/// One `<d:propstat>` (RFC 4918 §14.22).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropStat {
    pub status: Status,
    pub props: Vec<(DavProp, PropValue)>,
}

impl Response {
    /// A response with property groups.
    pub fn with_propstats(href: Href, propstats: Vec<PropStat>) -> Response {
        Response {
            href,
            body: ResponseBody::PropStats(propstats),
            error: None,
        }
    }

    /// A response with one status.
    pub fn with_status(href: Href, status: Status) -> Response {
        Response {
            href,
            body: ResponseBody::Status(status),
            error: None,
        }
    }
}

/// Writes a multistatus one response at a time, so a report over 100,000
/// objects never sits in memory as one string.
pub struct MultistatusWriter<W: Write> {
    xml: DavWriter<W>,
}

impl<W: Write> MultistatusWriter<W> {
    /// Writes the XML declaration and `<d:multistatus>`.
    pub fn new(out: W) -> io::Result<MultistatusWriter<W>> {
        let mut xml = DavWriter::new(out);
        xml.start_document(&Namespace::Dav, "multistatus")?;
        xml.get_mut().write_all(b"\n")?;
        Ok(MultistatusWriter { xml })
    }

    /// Writes one `<d:response>`.
    pub fn write_response(&mut self, response: &Response) -> io::Result<()> {
        let (xml, dav) = (&mut self.xml, &Namespace::Dav);
        xml.start(dav, "response")?;
        xml.text_element(dav, "href", &response.href.encoded())?;
        match &response.body {
            ResponseBody::Status(status) => xml.text_element(dav, "status", &status.line())?,
            ResponseBody::PropStats(propstats) => {
                for propstat in propstats {
                    xml.start(dav, "propstat")?;
                    xml.start(dav, "prop")?;
                    for (prop, value) in &propstat.props {
                        props::write_prop(xml, prop, value)?;
                    }
                    xml.end(dav, "prop")?;
                    xml.text_element(dav, "status", &propstat.status.line())?;
                    xml.end(dav, "propstat")?;
                }
            }
        }
        if let Some(condition) = &response.error {
            error::write_error(xml, condition)?;
        }
        xml.end(dav, "response")?;
        // One response per line: cheap, and a captured body stays readable.
        xml.get_mut().write_all(b"\n")
    }

    /// The output written so far, e.g. to send what is buffered.
    pub fn get_mut(&mut self) -> &mut W {
        self.xml.get_mut()
    }

    /// Writes the sync token (if any), closes the document and returns the output.
    pub fn finish(mut self, sync_token: Option<&str>) -> io::Result<W> {
        if let Some(token) = sync_token {
            self.xml.text_element(&Namespace::Dav, "sync-token", token)?;
        }
        self.xml.end(&Namespace::Dav, "multistatus")?;
        self.xml.get_mut().write_all(b"\n")?;
        Ok(self.xml.into_inner())
    }
}

impl Multistatus {
    /// Writes the whole multistatus into `out`.
    pub fn write_to<W: Write>(&self, out: W) -> io::Result<W> {
        let mut writer = MultistatusWriter::new(out)?;
        for response in &self.responses {
            writer.write_response(response)?;
        }
        writer.finish(self.sync_token.as_deref())
    }

    /// The XML as bytes.
    pub fn to_xml(&self) -> Vec<u8> {
        // Writing into a Vec cannot fail.
        self.write_to(Vec::new()).unwrap_or_default()
    }
}

/// The body of a successful LOCK: `<d:prop><d:lockdiscovery>` (RFC 4918 §9.10.1).
pub fn lock_response_xml(lock: &ActiveLock) -> Vec<u8> {
    let write = || -> io::Result<Vec<u8>> {
        let mut xml = DavWriter::new(Vec::new());
        xml.start_document(&Namespace::Dav, "prop")?;
        props::write_prop(
            &mut xml,
            &DavProp::LockDiscovery,
            &PropValue::LockDiscovery(vec![lock.clone()]),
        )?;
        xml.end(&Namespace::Dav, "prop")?;
        xml.get_mut().write_all(b"\n")?;
        Ok(xml.into_inner())
    };
    // Writing into a Vec cannot fail.
    write().unwrap_or_default()
}
