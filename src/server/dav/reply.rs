//! Building HTTP responses from typed DAV results: a whole [`Multistatus`]
//! (207), or a streamed one for reports over many objects, so a
//! 100,000-member sync never sits in memory as one body.

use std::io;

use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::server::discovery::DAV_CLASSES;

use super::xml::response::{Multistatus, MultistatusWriter, Response as DavResponse};

/// `application/xml` with UTF-8 (RFC 4918 §8.2).
pub const XML: &str = "application/xml; charset=utf-8";

/// Bytes buffered before a streamed chunk is sent.
const CHUNK: usize = 64 * 1024;

/// A response with a status and headers and an XML body, with the `DAV:`
/// header (macOS reads it on PROPFIND responses, CLIENT-QUIRKS.md).
pub fn xml(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(XML));
    headers.insert(HeaderName::from_static("dav"), HeaderValue::from_static(DAV_CLASSES));
    response
}

/// 207 with the whole multistatus.
pub fn multistatus(ms: &Multistatus) -> Response {
    xml(StatusCode::MULTI_STATUS, ms.to_xml())
}

/// An empty response with a status.
pub fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// The producing end of a streamed multistatus: push responses, then finish.
pub struct Sink {
    writer: MultistatusWriter<Vec<u8>>,
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
}

impl Sink {
    /// Writes one response; sends a chunk when enough is buffered. An error
    /// means the client went away.
    pub async fn push(&mut self, response: &DavResponse) -> io::Result<()> {
        self.writer.write_response(response)?;
        if self.writer.get_mut().len() >= CHUNK {
            self.send().await?;
        }
        Ok(())
    }

    /// Writes `responses` in order; an error means the client went away.
    pub async fn push_all(&mut self, responses: &[DavResponse]) -> io::Result<()> {
        for response in responses {
            self.push(response).await?;
        }
        Ok(())
    }

    /// Closes the document (with the sync token, if any) and sends the rest.
    pub async fn finish(self, sync_token: Option<&str>) -> io::Result<()> {
        let Sink { writer, tx } = self;
        let rest = writer.finish(sync_token)?;
        tx.send(Ok(Bytes::from(rest))).await.map_err(|_| gone())
    }

    /// Aborts the body: the client sees a truncated response, the log the reason.
    pub async fn fail(self, error: &(dyn std::fmt::Display + Sync)) {
        let message = error.to_string();
        tracing::error!(error = %message, "streamed multistatus failed");
        let _ = self.tx.send(Err(io::Error::other(message))).await;
    }

    async fn send(&mut self) -> io::Result<()> {
        let chunk = std::mem::replace(self.writer.get_mut(), Vec::with_capacity(CHUNK + CHUNK / 4));
        self.tx.send(Ok(Bytes::from(chunk))).await.map_err(|_| gone())
    }
}

fn gone() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "client closed the connection")
}

/// A 207 whose body `produce` writes through a [`Sink`] on its own task.
pub fn stream<F, Fut>(produce: F) -> Response
where
    F: FnOnce(Sink) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(4);
    match MultistatusWriter::new(Vec::with_capacity(CHUNK + CHUNK / 4)) {
        Ok(writer) => {
            tokio::spawn(produce(Sink { writer, tx }));
        }
        Err(error) => tracing::error!(%error, "cannot start a multistatus"),
    }
    xml(StatusCode::MULTI_STATUS, Body::from_stream(ReceiverStream::new(rx)))
}
