//! The agent's side of the native sync API: one typed call per endpoint
//! over reqwest (rustls). Responses may come gzip/zstd-compressed; push
//! bodies over [`COMPRESS_OVER`] bytes go out zstd-compressed.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE};

use super::SyncError;
use crate::sync_protocol::{
    ApiError, ErrorCode, OpenSession, PREFIX, PullResponse, PushRequest, PushResponse, SessionInfo, Snapshot,
};
use crate::universal::{ChangeTransaction, CollectionId, Seq};

/// Push bodies larger than this are zstd-compressed.
pub const COMPRESS_OVER: usize = 1024;

/// A device's connection to one collection.
#[derive(Debug, Clone)]
pub struct Remote {
    http: reqwest::Client,
    base: String,
    auth: String,
    collection: CollectionId,
}

/// What a pull found.
#[derive(Debug)]
pub enum Pulled {
    Page(PullResponse),
    /// The cursor is past retention: take a snapshot.
    ResyncNeeded,
}

impl Remote {
    /// `server` is the base URL (`https://host`); `collection` is `owner/HOME/name`.
    pub fn new(server: &str, token: &str, collection: CollectionId) -> Result<Remote, SyncError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| SyncError::Http(e.to_string()))?;
        Ok(Remote {
            http,
            base: format!("{}{PREFIX}/collections/{collection}", server.trim_end_matches('/')),
            auth: format!("Bearer {token}"),
            collection,
        })
    }

    pub fn collection(&self) -> &CollectionId {
        &self.collection
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, SyncError> {
        let response = request
            .header(AUTHORIZATION, &self.auth)
            .send()
            .await
            .map_err(|e| SyncError::Http(e.to_string()))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str::<ApiError>(&text)
            .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal, format!("{status}: {text}")));
        Err(SyncError::Api {
            status: status.as_u16(),
            body: Box::new(body),
        })
    }

    async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, SyncError> {
        response.json().await.map_err(|e| SyncError::Http(e.to_string()))
    }

    /// Opens (or renews) the write session.
    pub async fn open(&self, ttl_secs: u64) -> Result<SessionInfo, SyncError> {
        let body = OpenSession {
            ttl_secs: Some(ttl_secs),
        };
        let response = self
            .send(self.http.post(format!("{}/session", self.base)).json(&body))
            .await?;
        Self::json(response).await
    }

    /// Releases the write session.
    pub async fn close(&self) -> Result<(), SyncError> {
        self.send(self.http.delete(format!("{}/session", self.base))).await?;
        Ok(())
    }

    /// Pushes a batch (zstd-compressed when large).
    pub async fn push(&self, transactions: &[ChangeTransaction]) -> Result<PushResponse, SyncError> {
        let body = serde_json::to_vec(&PushRequest {
            transactions: transactions.to_vec(),
        })
        .map_err(|e| SyncError::Http(e.to_string()))?;
        let mut request = self
            .http
            .post(format!("{}/push", self.base))
            .header(CONTENT_TYPE, "application/json");
        request = if body.len() > COMPRESS_OVER {
            let packed = zstd::encode_all(&body[..], 3).map_err(|e| SyncError::Http(e.to_string()))?;
            request.header(CONTENT_ENCODING, "zstd").body(packed)
        } else {
            request.body(body)
        };
        Self::json(self.send(request).await?).await
    }

    /// The log after `after`, waiting up to `wait_secs` for a first change.
    pub async fn pull(&self, after: Seq, wait_secs: u64) -> Result<Pulled, SyncError> {
        let url = format!("{}/changes?after={}&wait={wait_secs}", self.base, after.0);
        match self.send(self.http.get(url)).await {
            Ok(response) => Ok(Pulled::Page(Self::json(response).await?)),
            Err(SyncError::Api { status, .. }) if status == StatusCode::GONE.as_u16() => Ok(Pulled::ResyncNeeded),
            Err(e) => Err(e),
        }
    }

    /// Every live object and the cursor after them.
    pub async fn snapshot(&self) -> Result<Snapshot, SyncError> {
        Self::json(self.send(self.http.get(format!("{}/objects", self.base))).await?).await
    }
}
