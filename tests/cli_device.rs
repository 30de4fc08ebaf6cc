//! `pimgate device|grant|lock` through the real binary, on the data
//! directory a `pimgate serve` process is serving at the same time: what
//! the commands change, the running server enforces at once.

mod common;
mod sync_support;

use reqwest::StatusCode;
use sync_support::binary::{self, AddedDevice, Serve, Storage, run, stored, succeed};
use sync_support::{PASSWORD, api_path, contacts};

/// A served data directory with users alice (and her default collections) and bob.
async fn served() -> (tempfile::TempDir, Storage, Serve) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::sqlite(dir.path());
    binary::add_user(&storage, "alice", PASSWORD);
    binary::add_user(&storage, "bob", PASSWORD);
    let serve = Serve::start(&storage);
    binary::provision(&serve.base, "alice", PASSWORD).await;
    (dir, storage, serve)
}

async fn status(serve: &Serve, method: reqwest::Method, rest: &str, device: &AddedDevice) -> StatusCode {
    reqwest::Client::new()
        .request(method, serve.url(&api_path(&contacts(), rest)))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn device_add_prints_a_token_once_list_shows_it_and_revoke_refuses_it_at_once() {
    let (_dir, storage, serve) = served().await;
    let phone = binary::add_device(&storage, "alice", "phone");
    assert!(phone.token.starts_with("pgd_"), "{}", phone.token);
    let listed = succeed(&mut stored(&storage, &["device", "list", "alice"]));
    assert!(listed.contains(&format!("{}\tphone\tactive", phone.id)), "{listed}");
    assert!(!listed.contains(&phone.token), "a listing never shows the token");
    assert_eq!(status(&serve, reqwest::Method::GET, "changes", &phone).await, 200);

    let revoked = succeed(&mut stored(&storage, &["device", "revoke", &phone.id]));
    assert!(revoked.contains(&phone.id), "{revoked}");
    let listed = succeed(&mut stored(&storage, &["device", "list", "alice"]));
    assert!(listed.contains(&format!("{}\tphone\trevoked", phone.id)), "{listed}");
    assert_eq!(status(&serve, reqwest::Method::GET, "changes", &phone).await, 401);

    // Failures exit 1 and say what was wrong.
    let again = run(&mut stored(&storage, &["device", "revoke", &phone.id]));
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains(&phone.id));
    let nobody = run(&mut stored(&storage, &["device", "add", "nobody", "phone"]));
    assert_eq!(nobody.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("user nobody"));
}

#[tokio::test]
async fn grant_read_then_write_then_revoke_is_what_another_users_device_may_do() {
    let (_dir, storage, serve) = served().await;
    let bobs = binary::add_device(&storage, "bob", "laptop");
    let collection = contacts().to_string();
    let grant = |access: &str| succeed(&mut stored(&storage, &["grant", "bob", &collection, access]));
    use reqwest::Method;
    assert_eq!(status(&serve, Method::GET, "changes", &bobs).await, 403);

    assert!(grant("read").contains("granted bob read"));
    assert_eq!(status(&serve, Method::GET, "changes", &bobs).await, 200);
    assert_eq!(
        status(&serve, Method::POST, "session", &bobs).await,
        403,
        "read cannot write"
    );

    assert!(grant("write").contains("granted bob write"));
    assert_eq!(status(&serve, Method::POST, "session", &bobs).await, 200);
    assert_eq!(status(&serve, Method::DELETE, "session", &bobs).await, 204);

    assert!(grant("revoke").contains("revoked bob's grant"));
    assert_eq!(status(&serve, Method::GET, "changes", &bobs).await, 403);

    let bad = run(&mut stored(&storage, &["grant", "bob", &collection, "admin"]));
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("read, write or revoke"));
    let missing = run(&mut stored(
        &storage,
        &["grant", "bob", "alice/addressbooks/nothing-here", "read"],
    ));
    assert_eq!(missing.status.code(), Some(1));
    let malformed = run(&mut stored(&storage, &["grant", "bob", "alice/nothing-here", "read"]));
    assert_eq!(malformed.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&malformed.stderr).contains("OWNER/addressbooks/NAME"));
}

#[tokio::test]
async fn lock_list_shows_a_sessions_lease_and_lock_release_frees_it_for_another_device() {
    let (_dir, storage, serve) = served().await;
    let laptop = binary::add_device(&storage, "alice", "laptop");
    let phone = binary::add_device(&storage, "alice", "phone");
    use reqwest::Method;
    assert!(succeed(&mut stored(&storage, &["lock", "list"])).trim().is_empty());
    assert_eq!(status(&serve, Method::POST, "session", &laptop).await, 200);
    assert_eq!(status(&serve, Method::POST, "session", &phone).await, 423);

    let listed = succeed(&mut stored(&storage, &["lock", "list"]));
    let line = listed.lines().next().unwrap_or_default();
    assert!(
        line.starts_with(&format!("{}\t{} (laptop)\tuntil ", contacts(), laptop.id)),
        "{listed}"
    );
    let released = succeed(&mut stored(&storage, &["lock", "release", &contacts().to_string()]));
    assert_eq!(released.trim(), "released");
    assert!(succeed(&mut stored(&storage, &["lock", "list"])).trim().is_empty());
    assert_eq!(status(&serve, Method::POST, "session", &phone).await, 200);
    let none = succeed(&mut stored(
        &storage,
        &["lock", "release", "alice/addressbooks/nothing-here"],
    ));
    assert_eq!(none.trim(), "no lease held");
}
