//! Shared setup for the sync tests: a server with user alice, her address
//! book and calendar, and devices registered through the API.

#![allow(dead_code)]

use pimgate::store::{Accounts, Collection, CollectionKind};
use pimgate::sync_protocol::DeviceCreated;
use pimgate::universal::{CollectionId, Timestamp};

use crate::common::server::{self, TestServer};

pub const PASSWORD: &str = "correct horse";

/// A server with users alice and bob and alice's `contacts` and `calendar`.
pub async fn setup() -> TestServer {
    let server = server::start(|_| {}).await;
    server.add_user("alice", PASSWORD).await;
    server.add_user("bob", PASSWORD).await;
    for (name, kind) in [
        ("contacts", CollectionKind::AddressBook),
        ("calendar", CollectionKind::Calendar),
    ] {
        server
            .store()
            .create_collection(&Collection::new("alice", name, kind, Timestamp(1)))
            .await
            .unwrap();
    }
    server
}

pub fn contacts() -> CollectionId {
    CollectionId("alice/addressbooks/contacts".into())
}

/// Registers a device of `user` through `POST /sync/v1/devices`.
pub async fn device(server: &TestServer, user: &str, name: &str) -> DeviceCreated {
    let response = server
        .client
        .post(server.url("/sync/v1/devices"))
        .basic_auth(user, Some(PASSWORD))
        .json(&serde_json::json!({ "name": name }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// A request builder with the device's bearer token.
pub fn as_device(server: &TestServer, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    server.client.request(method, server.url(path)).bearer_auth(token)
}

pub const CARD: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jane\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\nTEL:+1 555 0100\r\nEMAIL:jane@example.org\r\nEND:VCARD\r\n";
