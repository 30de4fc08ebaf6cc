//! Pushes against a version whose change-log rows retention pruned (issue
//! "Native delta sync"), over the sync API on both backends: two devices
//! saw version 5 of a contact when the prune took its whole history, the
//! create included; one pushes an edit, the other's edit of another field
//! against version 5 is still merged (both survive, no 410), from the base
//! the prune kept. An edit against version 4, older than that base, is
//! answered 410 `resync-needed` as documented in docs/sync.md.

mod common;
mod sync_support;

use pimgate::adapters::vcard;
use pimgate::engine::{align_ids, diff};
use pimgate::server::retention::prune_all;
use pimgate::store::{ChangeLog, ObjectStore};
use pimgate::sync_protocol::{ApiError, ErrorCode, PullResponse, PushRequest, PushResponse};
use pimgate::universal::{
    Action, Change, ChangeTransaction, DeviceId, FieldPath, ObjectName, Op, Timestamp, TxId, Uid, Version,
};
use reqwest::Method;
use sync_support::*;

fn card(name: &str, tel: &str, email: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jane\r\nFN:{name}\r\nTEL:{tel}\r\nEMAIL:{email}\r\nEND:VCARD\r\n")
}

fn tx(txid: &str, op: Op, base: Option<u64>, changes: Vec<Change>) -> ChangeTransaction {
    ChangeTransaction {
        txid: TxId(txid.into()),
        collection: contacts(),
        uid: Uid("jane".into()),
        op,
        base_version: base.map(Version),
        new_version: Version(base.map_or(1, |b| b + 1)),
        origin: DeviceId(String::new()),
        at: Timestamp(1_764_259_200_000),
        changes,
    }
}

fn create(txid: &str, text: &str) -> ChangeTransaction {
    let mut record = vcard::parse(text.as_bytes()).unwrap().remove(0);
    record.clear_raw();
    let add = Change {
        path: FieldPath {
            components: Vec::new(),
            field: None,
        },
        action: Action::Add,
        prop: None,
        component: Some(record.root),
    };
    tx(txid, Op::Create, None, vec![add])
}

/// The update a device sends after editing `before` into `after`.
fn update(txid: &str, base: u64, before: &str, after: &str) -> ChangeTransaction {
    let before = vcard::parse(before.as_bytes()).unwrap().remove(0);
    let mut after = vcard::parse(after.as_bytes()).unwrap().remove(0);
    align_ids(&before, &mut after);
    tx(txid, Op::Update, Some(base), diff(&before, &after))
}

/// Pushes in a session of its own: the status and the body.
async fn push(server: &common::server::TestServer, token: &str, txs: &[ChangeTransaction]) -> (u16, String) {
    let session = api_path(&contacts(), "session");
    let open = as_device(server, Method::POST, &session, token).send().await.unwrap();
    assert_eq!(open.status(), 200);
    let response = as_device(server, Method::POST, &api_path(&contacts(), "push"), token)
        .json(&PushRequest {
            transactions: txs.to_vec(),
        })
        .send()
        .await
        .unwrap();
    let answer = (response.status().as_u16(), response.text().await.unwrap());
    let close = as_device(server, Method::DELETE, &session, token).send().await.unwrap();
    assert_eq!(close.status(), 204);
    answer
}

/// Pulls everything, which the server records as the device's cursor.
async fn pull(server: &common::server::TestServer, token: &str) -> PullResponse {
    let path = format!("{}?after=0", api_path(&contacts(), "changes"));
    let response = as_device(server, Method::GET, &path, token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_edit_against_a_pruned_version_is_merged_and_an_older_one_needs_a_resync() {
    for server in setup_all().await {
        let laptop = device(&server, "alice", "laptop").await;
        let phone = device(&server, "alice", "phone").await;
        let versions = [
            card("Jane", "+1 555 0100", "jane@example.org"),
            card("Jane D", "+1 555 0100", "jane@example.org"),
            card("Jane Do", "+1 555 0100", "jane@example.org"),
            card("Jane Doe", "+1 555 0100", "jane@example.org"),
            card("Jane Doe", "+1 555 0101", "jane@example.org"),
        ];
        let mut txs = vec![create("v1", &versions[0])];
        for (i, pair) in versions.windows(2).enumerate() {
            txs.push(update(&format!("v{}", i + 2), i as u64 + 1, &pair[0], &pair[1]));
        }
        let (status, body) = push(&server, &laptop.token, &txs).await;
        assert_eq!(status, 200, "{body}");
        // Both devices read version 5, and retention then prunes the whole
        // history the way the server's task does.
        assert_eq!(pull(&server, &laptop.token).await.changes.len(), 5);
        assert_eq!(pull(&server, &phone.token).await.changes.len(), 5);
        let far = Timestamp(i64::MAX / 2);
        assert_eq!(prune_all(server.store(), 30, far).await.unwrap(), 5);
        let history = server
            .store()
            .object_history(&contacts(), &ObjectName("jane.vcf".into()))
            .await
            .unwrap();
        assert!(history.changes.is_empty(), "the create is gone");
        assert_eq!(history.base.map(|b| b.version), Some(Version(5)));

        // The laptop changes the phone number, then the phone (still at
        // version 5) the email.
        let v5 = &versions[4];
        let tel = card("Jane Doe", "+1 555 0300", "jane@example.org");
        let email = card("Jane Doe", "+1 555 0101", "jane@home.example");
        let (status, body) = push(&server, &laptop.token, &[update("laptop-tel", 5, v5, &tel)]).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = push(&server, &phone.token, &[update("phone-email", 5, v5, &email)]).await;
        assert_eq!(status, 200, "merged, not 410: {body}");
        let merged: PushResponse = serde_json::from_str(&body).unwrap();
        assert_eq!(merged.results[0].version, Version(7));
        assert!(merged.results[0].conflicts.is_empty(), "{body}");
        let stored = server
            .store()
            .object_by_uid(&contacts(), &Uid("jane".into()))
            .await
            .unwrap()
            .unwrap();
        let text = String::from_utf8(stored.original).unwrap();
        assert!(
            text.contains("TEL:+1 555 0300") && text.contains("EMAIL:jane@home.example"),
            "both edits survive:\n{text}"
        );

        // Version 4 is older than the base kept: its rows are gone.
        let v4 = &versions[3];
        let renamed = card("Janet Doe", "+1 555 0100", "jane@example.org");
        let (status, body) = push(&server, &phone.token, &[update("phone-name", 4, v4, &renamed)]).await;
        assert_eq!(status, 410, "{body}");
        let refused: ApiError = serde_json::from_str(&body).unwrap();
        assert_eq!(refused.code, ErrorCode::ResyncNeeded);
        assert_eq!(refused.index, Some(0));
        assert_eq!(
            server.store().current_seq(&contacts()).await.unwrap(),
            merged.results[0].seq.unwrap(),
            "nothing was written"
        );
        server.stop().await.unwrap();
    }
}
