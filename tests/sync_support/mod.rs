//! Shared setup for the sync tests: a server with users alice and bob,
//! alice's address book and calendar, devices registered through the API,
//! and the one place the tests spell collection ids and API paths.

#![allow(dead_code)]

pub mod binary;

use pimgate::store::{Accounts, Collection, CollectionKind};
use pimgate::sync_protocol::{DeviceCreated, PREFIX};
use pimgate::universal::{CollectionId, Timestamp};

use crate::common::server::{self, TestServer};

pub const PASSWORD: &str = "correct horse";

/// A collection the tests use: its store row (whose id the store spells).
fn collection(owner: &str, name: &str, kind: CollectionKind) -> Collection {
    Collection::new(owner, name, kind, Timestamp(1))
}

/// A server with users alice and bob and alice's `contacts` and `calendar`.
pub async fn setup() -> TestServer {
    let server = server::start(|_| {}).await;
    setup_on(&server).await;
    server
}

/// The same users and collections on SQLite, and on PostgreSQL when
/// `PIMGATE_TEST_POSTGRES_URL` is set.
pub async fn setup_all() -> Vec<TestServer> {
    let servers = crate::common::dav_client::servers(|_| {}).await;
    for server in &servers {
        setup_on(server).await;
    }
    servers
}

async fn setup_on(server: &TestServer) {
    server.add_user("alice", PASSWORD).await;
    server.add_user("bob", PASSWORD).await;
    for (name, kind) in [
        ("contacts", CollectionKind::AddressBook),
        ("calendar", CollectionKind::Calendar),
    ] {
        add_collection(server, "alice", name, kind).await;
    }
}

/// Creates another collection; its id.
pub async fn add_collection(server: &TestServer, owner: &str, name: &str, kind: CollectionKind) -> CollectionId {
    let collection = collection(owner, name, kind);
    server.store().create_collection(&collection).await.unwrap();
    collection.id
}

/// Alice's address book.
pub fn contacts() -> CollectionId {
    collection("alice", "contacts", CollectionKind::AddressBook).id
}

/// Alice's calendar.
pub fn calendar() -> CollectionId {
    collection("alice", "calendar", CollectionKind::Calendar).id
}

/// The sync API path of `rest` (`session`, `push`, `changes?…`) on a collection.
pub fn api_path(collection: &CollectionId, rest: &str) -> String {
    format!("{PREFIX}/collections/{collection}/{rest}")
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
