//! Change-log retention (issue 3): rows older than the retention that every
//! active device has read are pruned; positions before them expire.

mod common;

use common::stores;
use pimgate::server::retention::prune_all;
use pimgate::store::{
    Accounts, ChangeLog, Collection, CollectionKind, Expected, ObjectStore, ObjectWrite, StoreError, User,
};
use pimgate::universal::{
    ChangeTransaction, CollectionId, Component, ComponentName, DeviceId, ETag, ObjectName, Op, Prop, PropName, Record,
    Seq, Timestamp, TxId, Uid, Value, Version,
};

const DAY: i64 = 86_400_000;

fn write(collection: &CollectionId, name: &str, at: Timestamp) -> ObjectWrite {
    let mut root = Component::new(ComponentName::VCard);
    root.props.push(Prop::new(PropName::Uid, Value::Text(name.into())));
    ObjectWrite {
        expected: Expected::Absent,
        name: ObjectName(name.into()),
        etag: ETag(name.into()),
        content_type: "text/vcard".into(),
        original: Vec::new(),
        record: Record::new(root, None),
        transaction: ChangeTransaction {
            txid: TxId(name.into()),
            collection: collection.clone(),
            uid: Uid(name.into()),
            op: Op::Create,
            base_version: None,
            new_version: Version(1),
            origin: DeviceId("test".into()),
            at,
            changes: Vec::new(),
        },
        conflicts: None,
        writer: "test".into(),
        span: pimgate::store::TimeSpan::UNKNOWN,
        search_text: None,
    }
}

#[tokio::test]
async fn rows_past_retention_are_pruned_and_older_positions_expire() {
    let s = stores::sqlite().await;
    let now = Timestamp(1_800_000_000_000);
    s.store
        .create_user(&User {
            name: "alice".into(),
            password_hash: "h".into(),
            created_at: now,
        })
        .await
        .unwrap();
    let collection = Collection::new("alice", "contacts", CollectionKind::AddressBook, now);
    s.store.create_collection(&collection).await.unwrap();
    let old = s
        .store
        .commit(write(&collection.id, "old.vcf", Timestamp(now.0 - 40 * DAY)))
        .await
        .unwrap();
    let recent = s
        .store
        .commit(write(&collection.id, "recent.vcf", Timestamp(now.0 - DAY)))
        .await
        .unwrap();

    assert_eq!(prune_all(&s.store, 30, now).await.unwrap(), 1);
    assert!(matches!(
        s.store.changes_since(&collection.id, Seq(0), 10).await,
        Err(StoreError::TokenExpired { oldest, .. }) if oldest == old
    ));
    let kept = s.store.changes_since(&collection.id, old, 10).await.unwrap();
    assert_eq!(kept.changes.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![recent]);
    // The objects themselves are untouched.
    assert_eq!(s.store.list_objects(&collection.id).await.unwrap().len(), 2);
    assert_eq!(
        prune_all(&s.store, 30, now).await.unwrap(),
        0,
        "nothing more is old enough"
    );
}
