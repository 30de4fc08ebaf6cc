//! The store contract: one suite of behaviours, run against SQLite always and
//! against PostgreSQL when `PIMGATE_TEST_POSTGRES_URL` is set (CI sets it).

mod common;

use common::stores::{self, TestStore};
use pimgate::store::{
    Access, Accounts, AppPassword, ChangeLog, ChangedMember, Collection, CollectionKind, Copying, DeadProperties,
    DeadProperty, Device, Expected, LockScope, Locks, ObjectBase, ObjectStore, ObjectWrite, PlainResource,
    PlainResources, Pruning, ResourceLock, ResourceLocks, SpaceLocks, SqlStore, StoreError, TimeSpan, Transfer,
    TransferStep, Transfers, User,
};
use pimgate::universal::{
    ChangeTransaction, CollectionId, Component, ComponentName, DeviceId, ETag, ObjectName, Op, Prop, PropName, Record,
    Seq, Timestamp, TxId, Uid, Value, Version,
};

const T0: Timestamp = Timestamp(1_700_000_000_000);

fn contact(uid: &str, name: &str) -> Record {
    let mut root = Component::new(ComponentName::VCard);
    root.props.push(Prop::new(PropName::Version, Value::Text("4.0".into())));
    root.props.push(Prop::new(PropName::Uid, Value::Text(uid.into())));
    root.props.push(Prop::new(PropName::Fn, Value::Text(name.into())));
    Record::new(root, None)
}

struct Write<'a> {
    collection: &'a CollectionId,
    name: &'a str,
    uid: &'a str,
    op: Op,
    expected: Expected,
    version: u64,
    txid: &'a str,
    at: i64,
}

impl Write<'_> {
    fn build(&self) -> ObjectWrite {
        ObjectWrite {
            expected: self.expected,
            name: ObjectName(self.name.into()),
            etag: ETag(format!("{}-{}", self.uid, self.version)),
            content_type: "text/vcard; version=4.0".into(),
            original: format!("BEGIN:VCARD\r\nUID:{}\r\nEND:VCARD\r\n", self.uid).into_bytes(),
            record: contact(self.uid, self.name),
            transaction: ChangeTransaction {
                txid: TxId(self.txid.into()),
                collection: self.collection.clone(),
                uid: Uid(self.uid.into()),
                op: self.op,
                base_version: match self.expected {
                    Expected::Absent => None,
                    Expected::Version(v) => Some(v),
                },
                new_version: Version(self.version),
                origin: DeviceId("test".into()),
                at: Timestamp(T0.0 + self.at),
                changes: Vec::new(),
            },
            conflicts: None,
            writer: "test".into(),
            span: TimeSpan::UNKNOWN,
            search_text: None,
        }
    }
}

fn create<'a>(collection: &'a CollectionId, name: &'a str, uid: &'a str, txid: &'a str) -> ObjectWrite {
    Write {
        collection,
        name,
        uid,
        op: Op::Create,
        expected: Expected::Absent,
        version: 1,
        txid,
        at: 0,
    }
    .build()
}

/// The delete of a member at version 1 (its first version), without
/// field changes.
fn delete_first<'a>(collection: &'a CollectionId, name: &'a str, uid: &'a str, txid: &'a str, at: i64) -> ObjectWrite {
    let mut write = Write {
        collection,
        name,
        uid,
        op: Op::Delete,
        expected: Expected::Version(Version(1)),
        version: 2,
        txid,
        at,
    }
    .build();
    write.transaction.changes.clear();
    write
}

/// A user `alice` with an address book; returns its id.
async fn setup(s: &TestStore) -> CollectionId {
    let user = User {
        name: "alice".into(),
        password_hash: "$argon2id$fake".into(),
        created_at: T0,
    };
    s.store.create_user(&user).await.unwrap();
    let collection = Collection::new("alice", "contacts", CollectionKind::AddressBook, T0);
    s.store.create_collection(&collection).await.unwrap();
    collection.id
}

async fn accounts_and_grants(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let bob = User {
        name: "bob".into(),
        password_hash: "h".into(),
        created_at: T0,
    };
    store.create_user(&bob).await.unwrap();
    assert!(matches!(
        store.create_user(&bob).await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(store.list_users().await.unwrap().len(), 2);
    assert_eq!(
        store.access(&id, "alice").await.unwrap(),
        Some(Access::Write),
        "owners write"
    );
    assert_eq!(store.access(&id, "bob").await.unwrap(), None);
    store.set_grant(&id, "bob", Access::Read).await.unwrap();
    assert_eq!(store.access(&id, "bob").await.unwrap(), Some(Access::Read));
    store.set_grant(&id, "bob", Access::Write).await.unwrap();
    assert_eq!(store.access(&id, "bob").await.unwrap(), Some(Access::Write));
    store.revoke_grant(&id, "bob").await.unwrap();
    assert_eq!(store.access(&id, "bob").await.unwrap(), None);
    assert!(matches!(
        store.set_grant(&CollectionId("x/y".into()), "bob", Access::Read).await,
        Err(StoreError::NotFound(_))
    ));

    let device = Device {
        id: DeviceId("d1".into()),
        user: "alice".into(),
        name: "phone".into(),
        token_hash: "th".into(),
        created_at: T0,
        revoked_at: None,
    };
    store.create_device(&device).await.unwrap();
    assert_eq!(store.device(&device.id).await.unwrap(), Some(device.clone()));
    store.revoke_device(&device.id, T0).await.unwrap();
    assert_eq!(store.device(&device.id).await.unwrap().unwrap().revoked_at, Some(T0));
    assert!(matches!(
        store.revoke_device(&device.id, T0).await,
        Err(StoreError::NotFound(_))
    ));

    let mut collection = store.collection(&id).await.unwrap().unwrap();
    collection.display_name = Some("Contacts".into());
    store.update_collection(&collection).await.unwrap();
    assert_eq!(store.list_collections("alice").await.unwrap(), vec![collection]);
    store.delete_collection(&id).await.unwrap();
    assert_eq!(store.collection(&id).await.unwrap(), None);
}

async fn objects_and_preconditions(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let seq1 = store.commit(create(&id, "a.vcf", "uid-a", "t1")).await.unwrap();
    let seq2 = store.commit(create(&id, "b.vcf", "uid-b", "t2")).await.unwrap();
    assert!(seq2 > seq1);
    assert_eq!(
        store.current_seq(&id).await.unwrap(),
        seq2,
        "the CTag is the latest position"
    );

    let a = store.object(&id, &ObjectName("a.vcf".into())).await.unwrap().unwrap();
    assert_eq!((a.version, a.deleted, a.modified_seq), (Version(1), false, seq1));
    assert_eq!(a.record, contact("uid-a", "a.vcf"));
    assert_eq!(
        store
            .object_by_uid(&id, &Uid("uid-b".into()))
            .await
            .unwrap()
            .unwrap()
            .name
            .as_str(),
        "b.vcf"
    );

    // Creating over a live object, updating a stale version: rejected, nothing written.
    let err = store.commit(create(&id, "a.vcf", "uid-a", "t3")).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::VersionMismatch {
                expected: None,
                found: Some(Version(1))
            }
        ),
        "{err:?}"
    );
    let stale = Write {
        collection: &id,
        name: "a.vcf",
        uid: "uid-a",
        op: Op::Update,
        expected: Expected::Version(Version(7)),
        version: 8,
        txid: "t4",
        at: 1,
    };
    assert!(matches!(
        store.commit(stale.build()).await,
        Err(StoreError::VersionMismatch { .. })
    ));
    // Same txid again: idempotent, answers the first position.
    let again = store.commit(create(&id, "c.vcf", "uid-c", "t1")).await.unwrap_err();
    assert!(
        matches!(again, StoreError::DuplicateTransaction { seq } if seq == seq1),
        "{again:?}"
    );
    // Another resource with the same UID (RFC 6352 §6.3.2.1 no-uid-conflict).
    let dup = store.commit(create(&id, "other.vcf", "uid-a", "t5")).await.unwrap_err();
    assert!(
        matches!(&dup, StoreError::UidConflict { existing } if existing.as_str() == "a.vcf"),
        "{dup:?}"
    );
    assert_eq!(
        store.current_seq(&id).await.unwrap(),
        seq2,
        "failed writes leave no log rows"
    );

    let update = Write {
        collection: &id,
        name: "a.vcf",
        uid: "uid-a",
        op: Op::Update,
        expected: Expected::Version(Version(1)),
        version: 2,
        txid: "t6",
        at: 2,
    };
    store.commit(update.build()).await.unwrap();
    let delete = Write {
        collection: &id,
        name: "a.vcf",
        uid: "uid-a",
        op: Op::Delete,
        expected: Expected::Version(Version(2)),
        version: 3,
        txid: "t7",
        at: 3,
    };
    store.commit(delete.build()).await.unwrap();
    let tombstone = store.object(&id, &ObjectName("a.vcf".into())).await.unwrap().unwrap();
    assert!(tombstone.deleted);
    let listed: Vec<_> = store
        .list_objects(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name.0)
        .collect();
    assert_eq!(listed, vec!["b.vcf"]);
    // The UID is free again, and the name can be created anew over the tombstone.
    store.commit(create(&id, "a.vcf", "uid-a", "t8")).await.unwrap();

    assert!(store.find_transaction(&id, &TxId("t6".into())).await.unwrap().is_some());
    assert_eq!(store.find_transaction(&id, &TxId("nope".into())).await.unwrap(), None);
    let history = store.object_history(&id, &ObjectName("a.vcf".into())).await.unwrap();
    assert_eq!(history.base, None, "nothing pruned");
    let ops: Vec<_> = history
        .changes
        .iter()
        .map(|c| (c.op(), c.transaction.new_version))
        .collect();
    assert_eq!(
        ops,
        vec![
            (Op::Create, Version(1)),
            (Op::Update, Version(2)),
            (Op::Delete, Version(3)),
            (Op::Create, Version(1))
        ]
    );

    let unknown = CollectionId("alice/addressbooks/none".into());
    assert!(matches!(
        store.commit(create(&unknown, "x", "x", "tx")).await,
        Err(StoreError::NotFound(_))
    ));
}

fn spanned(write: ObjectWrite, start: Option<i64>, end: Option<i64>) -> ObjectWrite {
    ObjectWrite {
        span: TimeSpan::between(start, end),
        ..write
    }
}

/// `write` with a search text.
fn searchable(write: ObjectWrite, text: Option<&str>) -> ObjectWrite {
    ObjectWrite {
        search_text: text.map(str::to_owned),
        ..write
    }
}

/// Every page of `objects_containing` at `limit` objects per page, by name.
async fn containing(store: &pimgate::store::SqlStore, id: &CollectionId, needles: &[&str], limit: u32) -> Vec<String> {
    let needles: Vec<String> = needles.iter().map(|n| n.to_string()).collect();
    let mut names = Vec::new();
    let mut after: Option<ObjectName> = None;
    loop {
        let page = store
            .objects_containing(id, &needles, after.as_ref(), limit)
            .await
            .unwrap();
        assert!(page.len() <= limit as usize);
        assert!(page.iter().all(|o| !o.deleted && o.collection == *id));
        names.extend(page.iter().map(|o| o.name.0.clone()));
        match page.last() {
            Some(last) if page.len() == limit as usize => after = Some(last.name.clone()),
            _ => break,
        }
    }
    // The same candidates by their texts alone, which come back with them.
    let mut texts = Vec::new();
    let mut after: Option<ObjectName> = None;
    loop {
        let page = store
            .search_texts(id, Some(&needles), after.as_ref(), limit)
            .await
            .unwrap();
        assert!(page.len() <= limit as usize);
        texts.extend(page.iter().map(|(name, _)| name.0.clone()));
        for (_, text) in &page {
            if let Some(text) = text {
                assert!(
                    needles.iter().any(|n| text.contains(n.as_str())),
                    "{text:?} holds none of {needles:?}"
                );
            }
        }
        match page.last() {
            Some((last, _)) if page.len() == limit as usize => after = Some(last.clone()),
            _ => break,
        }
    }
    assert_eq!(texts, names, "search_texts and objects_containing agree");
    names
}

/// Search texts are stored by single commits and batches, replaced by an
/// update, and read back as the candidates of patterns: a text holding
/// any of them, or no text at all; never a tombstone.
async fn objects_containing_a_pattern_by_search_text(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    store
        .commit(searchable(
            create(&id, "a", "a", "ta"),
            Some("anna müller\nmüller;anna\n"),
        ))
        .await
        .unwrap();
    store
        .commit_batch(vec![
            searchable(create(&id, "b", "b", "tb"), Some("ben schmidt\n")),
            create(&id, "c", "c", "tc"),
            searchable(create(&id, "d", "d", "td"), Some("clara müller\n")),
            searchable(create(&id, "e", "e", "te"), Some("50% off_ 'x'\n")),
            searchable(create(&id, "f", "f", "tf"), Some("a*b?c[d]e\n")),
        ])
        .await
        .unwrap();
    let write = |name, op, txid| Write {
        collection: &id,
        name,
        uid: name,
        op,
        expected: Expected::Version(Version(1)),
        version: 2,
        txid,
        at: 1,
    };
    store.commit(write("d", Op::Delete, "td2").build()).await.unwrap();
    store
        .commit(searchable(write("b", Op::Update, "tb2").build(), Some("ben müller\n")))
        .await
        .unwrap();
    for limit in [1, 2, 100] {
        assert_eq!(containing(store, &id, &["müller"], limit).await, ["a", "b", "c"]);
        assert_eq!(
            containing(store, &id, &["schmidt"], limit).await,
            ["c"],
            "replaced by the update"
        );
        assert_eq!(containing(store, &id, &["anna", "off_"], limit).await, ["a", "c", "e"]);
        // Patterns are literal: no LIKE wildcards, quotes are text.
        assert_eq!(containing(store, &id, &["0%"], limit).await, ["c", "e"]);
        assert_eq!(containing(store, &id, &["_ 'x'"], limit).await, ["c", "e"]);
        assert_eq!(containing(store, &id, &["%"], limit).await, ["c", "e"]);
        // Nor GLOB's.
        assert_eq!(containing(store, &id, &["*"], limit).await, ["c", "f"]);
        assert_eq!(containing(store, &id, &["?c[d"], limit).await, ["c", "f"]);
        assert_eq!(containing(store, &id, &["[d]"], limit).await, ["c", "f"]);
        assert_eq!(containing(store, &id, &["b?d"], limit).await, ["c"]);
    }
    assert!(containing(store, &id, &[], 10).await.is_empty());
    let every: Vec<(String, Option<String>)> = store
        .search_texts(&id, None, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|(name, text)| (name.0, text))
        .collect();
    let text = |t: &str| Some(t.to_owned());
    assert_eq!(
        every,
        [
            ("a".to_owned(), text("anna müller\nmüller;anna\n")),
            ("b".to_owned(), text("ben müller\n")),
            ("c".to_owned(), None),
            ("e".to_owned(), text("50% off_ 'x'\n")),
            ("f".to_owned(), text("a*b?c[d]e\n")),
        ]
    );
}

/// Every page of `objects_meeting` at `limit` objects per page, by name.
async fn meeting(store: &pimgate::store::SqlStore, id: &CollectionId, window: TimeSpan, limit: u32) -> Vec<String> {
    let mut names = Vec::new();
    let mut after: Option<ObjectName> = None;
    loop {
        let page = store.objects_meeting(id, window, after.as_ref(), limit).await.unwrap();
        assert!(page.len() <= limit as usize);
        assert!(page.iter().all(|o| !o.deleted && o.collection == *id));
        names.extend(page.iter().map(|o| o.name.0.clone()));
        match page.last() {
            Some(last) if page.len() == limit as usize => after = Some(last.name.clone()),
            _ => break,
        }
    }
    // The same candidates from the span index, exact spans marked (only "a").
    let mut spans = Vec::new();
    let mut after: Option<ObjectName> = None;
    loop {
        let page = store.spans_meeting(id, window, after.as_ref(), limit).await.unwrap();
        assert!(page.len() <= limit as usize);
        for (name, span) in &page {
            assert_eq!(span.exact, name.as_str() == "a", "{name:?}: {span:?}");
        }
        spans.extend(page.iter().map(|(name, _)| name.0.clone()));
        match page.last() {
            Some((last, _)) if page.len() == limit as usize => after = Some(last.clone()),
            _ => break,
        }
    }
    assert_eq!(spans, names, "spans_meeting and objects_meeting agree");
    names
}

/// Spans are stored by every write path (a single commit, a batch, a
/// transfer) and read back as the candidates of a time window.
async fn objects_meeting_a_window_by_span(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    store
        .commit(ObjectWrite {
            span: TimeSpan {
                exact: true,
                ..TimeSpan::between(Some(100), Some(200))
            },
            ..create(&id, "a", "a", "ta")
        })
        .await
        .unwrap();
    store
        .commit_batch(vec![
            spanned(create(&id, "b", "b", "tb"), Some(300), None),
            create(&id, "c", "c", "tc"),
            spanned(create(&id, "d", "d", "td"), Some(50), Some(60)),
            spanned(create(&id, "e", "e", "te"), Some(1000), Some(2000)),
        ])
        .await
        .unwrap();
    let write = |name, op, txid| Write {
        collection: &id,
        name,
        uid: name,
        op,
        expected: Expected::Version(Version(1)),
        version: 2,
        txid,
        at: 1,
    };
    // A tombstone is never a candidate; an update replaces the span.
    store.commit(write("d", Op::Delete, "td2").build()).await.unwrap();
    store
        .commit(spanned(write("e", Op::Update, "te2").build(), Some(10), Some(20)))
        .await
        .unwrap();

    let span = TimeSpan::between;
    let stored = [
        (
            "a",
            TimeSpan {
                exact: true,
                ..span(Some(100), Some(200))
            },
        ),
        ("b", span(Some(300), None)),
        ("c", TimeSpan::UNKNOWN),
        ("e", span(Some(10), Some(20))),
    ];
    let windows = [
        span(Some(150), Some(250)),
        span(Some(200), Some(200)),
        span(Some(201), Some(299)),
        span(Some(300), None),
        span(None, Some(100)),
        span(None, Some(9)),
        span(Some(40), Some(70)),
        span(Some(1500), Some(1500)),
        span(Some(i64::MAX - 1), None),
        TimeSpan::UNKNOWN,
    ];
    for window in windows {
        let expected: Vec<&str> = stored
            .iter()
            .filter(|(_, s)| s.meets(&window))
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(meeting(store, &id, window, 1).await, expected, "{window:?} by ones");
        assert_eq!(meeting(store, &id, window, 100).await, expected, "{window:?}");
    }
    assert_eq!(meeting(store, &id, span(Some(200), Some(200)), 10).await, ["a", "c"]);
    assert_eq!(meeting(store, &id, span(Some(40), Some(70)), 10).await, ["c"]);
    assert_eq!(meeting(store, &id, span(None, Some(100)), 10).await, ["a", "c", "e"]);

    // A transfer writes the spans its copies carry.
    let copy = Collection::new("alice", "copy", CollectionKind::AddressBook, T0);
    let transfer = Transfer {
        steps: vec![TransferStep::CopyCollection {
            from: id.clone(),
            to: copy.clone(),
            members: true,
            moved: false,
        }],
        at: T0,
        origin: DeviceId("test".into()),
    };
    store
        .transfer(&transfer, |copying| {
            let Copying::Collection { to, objects } = copying else {
                unreachable!("only a collection is copied")
            };
            let stored = &stored;
            objects
                .into_iter()
                .map(|o| {
                    let mut write = create(&to.id, o.name.as_str(), o.uid.as_str(), o.name.as_str());
                    write.span = stored.iter().find(|(n, _)| *n == o.name.as_str()).unwrap().1;
                    write
                })
                .collect()
        })
        .await
        .unwrap();
    assert_eq!(
        meeting(store, &copy.id, span(Some(150), Some(250)), 10).await,
        ["a", "c"]
    );
    assert_eq!(meeting(store, &copy.id, span(Some(400), None), 10).await, ["b", "c"]);
}

/// Listings page by name, carry every summary field, keep names with any
/// characters intact and leave tombstones out.
/// `bodies` hands back each live object's bytes exactly as written (also
/// bytes that are not UTF-8, a vCard 2.1 in Latin-1) with its summary;
/// names without a live object are left out.
async fn bodies_are_the_bytes_as_written(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let latin1 =
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1:J\xfcrgen \"Q\" \\ \x00\r\nEND:VCARD\r\n".to_vec();
    let mut odd = create(&id, "latin1.vcf", "latin1", "t1");
    odd.original = latin1.clone();
    store.commit(odd).await.unwrap();
    store.commit(create(&id, "plain.vcf", "plain", "t2")).await.unwrap();
    let names = ["latin1.vcf", "plain.vcf", "missing.vcf"].map(|n| ObjectName(n.into()));
    let mut bodies = store.bodies(&id, &names).await.unwrap();
    bodies.sort_by(|a, b| a.summary.name.cmp(&b.summary.name));
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0].original, latin1);
    assert_eq!(bodies[0].summary.size, latin1.len() as u64);
    assert_eq!(bodies[0].summary.etag.as_str(), "latin1-1");
    assert_eq!(bodies[1].original, b"BEGIN:VCARD\r\nUID:plain\r\nEND:VCARD\r\n");
    let summaries = store.summaries(&id, &names).await.unwrap();
    let mut listed: Vec<_> = summaries.iter().map(|s| s.name.as_str()).collect();
    listed.sort();
    assert_eq!(listed, ["latin1.vcf", "plain.vcf"]);
    assert!(store.bodies(&id, &[]).await.unwrap().is_empty());
    // UTF-8 text with NUL and JSON's special characters, as written.
    let text = "BEGIN:VCARD\r\nFN:\"Zoë\" \\ \u{0}\t\u{1e}€\r\nEND:VCARD\r\n"
        .as_bytes()
        .to_vec();
    let mut texty = create(&id, "text.vcf", "text", "t3");
    texty.original = text.clone();
    store.commit(texty).await.unwrap();
    let bodies = store.bodies(&id, &[ObjectName("text.vcf".into())]).await.unwrap();
    assert_eq!(bodies[0].original, text);
}

async fn listings_page_by_name(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let names = [
        "b.vcf",
        "a \"quoted\".vcf",
        "tab\there.vcf",
        "été.vcf",
        "z\\back.vcf",
        "gone.vcf",
    ];
    for (i, name) in names.iter().enumerate() {
        store
            .commit(create(&id, name, &format!("uid-{i}"), &format!("tx-{i}")))
            .await
            .unwrap();
    }
    store
        .commit(delete_first(&id, "gone.vcf", "uid-5", "tx-gone", 0))
        .await
        .unwrap();
    let mut live: Vec<&str> = names[..5].to_vec();
    live.sort();
    for limit in [1, 2, 100] {
        let mut listed = Vec::new();
        let mut after: Option<ObjectName> = None;
        loop {
            let page = store.list_objects_after(&id, after.as_ref(), limit).await.unwrap();
            after = page.last().map(|m| m.name.clone());
            let full = page.len() == limit as usize;
            listed.extend(page);
            if !full {
                break;
            }
        }
        // In the database's collation order, the same as the full listing's.
        let mut got: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
        got.sort();
        assert_eq!(got, live, "pages of {limit}");
        assert_eq!(
            listed,
            store.list_objects(&id).await.unwrap(),
            "pages of {limit} match the full listing"
        );
    }
    let full = store.list_objects(&id).await.unwrap();
    let last = full.last().map(|m| m.name.clone()).unwrap();
    assert!(store.list_objects_after(&id, Some(&last), 10).await.unwrap().is_empty());
}

/// members_since: each member once, in write order, live ones with the
/// summary a listing gives, removed ones by name; `limit` pages it, and
/// `live_only` leaves tombstones out.
async fn members_since_lists_changed_members_with_summaries(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let start = store.current_seq(&id).await.unwrap();
    for (i, name) in ["a.vcf", "b \"q\".vcf", "c\tx.vcf", "d.vcf"].iter().enumerate() {
        store
            .commit(create(&id, name, &format!("uid-{i}\nline"), &format!("tx-{i}")))
            .await
            .unwrap();
    }
    // Edited twice: listed once, at its last write.
    let mut edit = Write {
        collection: &id,
        name: "a.vcf",
        uid: "uid-0\nline",
        op: Op::Update,
        expected: Expected::Version(Version(1)),
        version: 2,
        txid: "tx-edit",
        at: 5,
    }
    .build();
    edit.etag = ETag("edited".into());
    store.commit(edit).await.unwrap();
    store
        .commit(delete_first(&id, "d.vcf", "uid-3\nline", "tx-gone", 6))
        .await
        .unwrap();
    let latest = store.current_seq(&id).await.unwrap();

    let all = store.members_since(&id, start, 100, false).await.unwrap();
    let names: Vec<&str> = all.members.iter().map(|m| m.name().as_str()).collect();
    assert_eq!(names, ["b \"q\".vcf", "c\tx.vcf", "a.vcf", "d.vcf"]);
    assert_eq!(all.next, latest);
    assert!(!all.more);
    let listed = store.list_objects(&id).await.unwrap();
    for member in &all.members {
        match member {
            ChangedMember::Live(summary) => {
                let expected = listed.iter().find(|l| l.name == summary.name).expect("listed");
                assert_eq!(summary, expected, "{}", summary.name);
            }
            ChangedMember::Removed(name) => assert_eq!(name.as_str(), "d.vcf"),
        }
    }
    let edited = all.members.iter().find(|m| m.name().as_str() == "a.vcf").unwrap();
    assert!(matches!(edited, ChangedMember::Live(s) if s.etag.0 == "edited" && s.version == Version(2)));

    // Pages of 1: each continues where the last stopped, none lost or repeated.
    let mut after = start;
    let mut paged = Vec::new();
    loop {
        let page = store.members_since(&id, after, 1, false).await.unwrap();
        paged.extend(page.members.iter().map(|m| m.name().as_str().to_owned()));
        after = page.next;
        if !page.more {
            break;
        }
    }
    assert_eq!(paged, names);
    assert_eq!(after, latest);

    let live = store.members_since(&id, Seq(0), 100, true).await.unwrap();
    assert!(live.members.iter().all(|m| matches!(m, ChangedMember::Live(_))));
    assert_eq!(live.members.len(), 3);
    assert!(
        store
            .members_since(&id, latest, 100, false)
            .await
            .unwrap()
            .members
            .is_empty()
    );
}

async fn batches_are_all_or_nothing(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let names: Vec<String> = (0..1200).map(|i| format!("{i:04}.vcf")).collect();
    let writes: Vec<_> = names.iter().map(|n| create(&id, n, n, n)).collect();
    let seqs = store.commit_batch(writes).await.unwrap();
    assert_eq!(seqs.len(), 1200);
    // More names than one IN (...) chunk holds.
    let wanted: Vec<ObjectName> = names
        .iter()
        .map(|n| ObjectName(n.clone()))
        .chain([ObjectName("missing".into())])
        .collect();
    assert_eq!(store.objects(&id, &wanted).await.unwrap().len(), 1200);

    let before = store.current_seq(&id).await.unwrap();
    let bad = vec![create(&id, "new1", "new1", "n1"), create(&id, "0001.vcf", "dup", "n2")];
    assert!(store.commit_batch(bad).await.is_err());
    assert_eq!(store.current_seq(&id).await.unwrap(), before);
    assert!(
        store.object(&id, &ObjectName("new1".into())).await.unwrap().is_none(),
        "first write of a failed batch rolled back"
    );
}

/// Concurrent commits (grouped into shared transactions on SQLite) each get
/// their own answer: a refused write fails alone, the others are stored.
async fn concurrent_commits_answer_each_writer(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    store.commit(create(&id, "taken.vcf", "taken", "t0")).await.unwrap();
    let names: Vec<String> = (0..40).map(|i| format!("c{i:02}")).collect();
    let mut commits = tokio::task::JoinSet::new();
    for (i, n) in names.iter().enumerate() {
        let store = store.clone();
        // Every fifth write reuses a live UID and must fail with UidConflict.
        let uid = if i % 5 == 0 { "taken".to_owned() } else { n.clone() };
        let write = create(&id, n, &uid, n);
        commits.spawn(async move { (i, store.commit(write).await) });
    }
    let mut seqs = Vec::new();
    while let Some(joined) = commits.join_next().await {
        let (i, result) = joined.unwrap();
        match result {
            Ok(seq) => {
                assert_ne!(i % 5, 0, "write {i} should conflict");
                seqs.push(seq);
            }
            Err(StoreError::UidConflict { existing }) => {
                assert_eq!(i % 5, 0, "write {i} refused");
                assert_eq!(existing.as_str(), "taken.vcf");
            }
            Err(other) => panic!("write {i}: {other}"),
        }
    }
    assert_eq!(seqs.len(), 32);
    let mut unique = seqs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 32, "every write has its own position");
    assert_eq!(store.current_seq(&id).await.unwrap(), *unique.last().unwrap());
    assert_eq!(store.count_objects(&id).await.unwrap(), 33);
    let log = store.changes_since(&id, Seq(0), 100).await.unwrap();
    assert_eq!(log.changes.len(), 33, "refused writes left no log rows");
}

/// Refusals inside one group fail alone: writes by a writer locked out by
/// another's lease, and the losers of a race for one name, are refused
/// while the lease holder's writes and other collections' writes land.
async fn concurrent_commits_refused_by_lease_or_version_fail_alone(s: TestStore) {
    let leased = setup(&s).await;
    let store = &s.store;
    let free = Collection::new("alice", "other", CollectionKind::AddressBook, T0);
    store.create_collection(&free).await.unwrap();
    let free = free.id;
    store.acquire(&leased, "phone", 600_000, T0).await.unwrap();
    let mut commits = tokio::task::JoinSet::new();
    for i in 0..30 {
        let store = store.clone();
        let (collection, writer, name) = match i % 3 {
            0 => (leased.clone(), "phone", format!("p{i}")),
            1 => (leased.clone(), "laptop", format!("l{i}")),
            // Every write to `free` names the same object: one creates it,
            // the others expected it absent and find it taken.
            _ => (free.clone(), "laptop", "same".to_owned()),
        };
        let mut write = create(
            &collection,
            &format!("{name}.vcf"),
            &format!("{name}-{i}"),
            &format!("t{i}"),
        );
        write.writer = writer.into();
        commits.spawn(async move { (i, store.commit(write).await) });
    }
    let (mut stored, mut locked, mut raced) = (0, 0, 0);
    while let Some(joined) = commits.join_next().await {
        let (i, result) = joined.unwrap();
        match (i % 3, result) {
            (0, Ok(_)) => stored += 1,
            (1, Err(StoreError::Locked { holder, .. })) if holder == "phone" => locked += 1,
            (2, Ok(_)) => stored += 1,
            (
                2,
                Err(StoreError::VersionMismatch {
                    expected: None,
                    found: Some(_),
                }),
            ) => raced += 1,
            (_, other) => panic!("write {i}: {other:?}"),
        }
    }
    assert_eq!((stored, locked, raced), (11, 10, 9));
    assert_eq!(store.count_objects(&leased).await.unwrap(), 10);
    assert_eq!(store.count_objects(&free).await.unwrap(), 1);
    let log = store.changes_since(&leased, Seq(0), 100).await.unwrap();
    assert_eq!(log.changes.len(), 10, "refused writes left no log rows");
    assert_eq!(store.changes_since(&free, Seq(0), 100).await.unwrap().changes.len(), 1);
}

async fn change_log_positions_and_retention(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let mut seqs = Vec::new();
    for i in 0..10 {
        let name = format!("{i}.vcf");
        let mut write = create(&id, &name, &name, &name);
        write.transaction.at = Timestamp(T0.0 + i * 1000);
        seqs.push(store.commit(write).await.unwrap());
    }
    let all = store.changes_since(&id, Seq(0), 100).await.unwrap();
    assert_eq!(all.changes.len(), 10);
    assert!(!all.more);
    assert_eq!(all.next, seqs[9]);
    assert_eq!(all.changes[3].object.as_str(), "3.vcf");
    assert_eq!(all.changes[3].op(), Op::Create);

    let page = store.changes_since(&id, seqs[1], 3).await.unwrap();
    assert_eq!(
        page.changes.iter().map(|c| c.seq).collect::<Vec<_>>(),
        seqs[2..5].to_vec()
    );
    assert!(page.more);
    assert_eq!(page.next, seqs[4]);
    let none = store.changes_since(&id, seqs[9], 10).await.unwrap();
    assert!(none.changes.is_empty());
    assert_eq!(none.next, seqs[9]);
    assert!(matches!(
        store.changes_since(&id, Seq(seqs[9].0 + 100), 10).await,
        Err(StoreError::FuturePosition { .. })
    ));

    // A device that has read up to seqs[4] holds the log there.
    let device = Device {
        id: DeviceId("d".into()),
        user: "alice".into(),
        name: "laptop".into(),
        token_hash: "h".into(),
        created_at: T0,
        revoked_at: None,
    };
    store.create_device(&device).await.unwrap();
    store.set_cursor(&device.id, &id, seqs[4], T0).await.unwrap();
    assert_eq!(store.cursor(&device.id, &id).await.unwrap(), Some(seqs[4]));
    let pruned = store.prune(&id, Timestamp(T0.0 + 100_000), no_base).await.unwrap();
    assert_eq!(pruned, 5);
    let expired = store.changes_since(&id, seqs[3], 10).await.unwrap_err();
    assert!(
        matches!(expired, StoreError::TokenExpired { oldest, .. } if oldest == seqs[4]),
        "{expired:?}"
    );
    assert_eq!(store.changes_since(&id, seqs[4], 10).await.unwrap().changes.len(), 5);
    // Age matters too: nothing younger than `before` goes.
    assert_eq!(store.prune(&id, Timestamp(T0.0 + 7_500), no_base).await.unwrap(), 0);
    // A revoked device no longer holds the log.
    store.revoke_device(&device.id, T0).await.unwrap();
    assert_eq!(store.prune(&id, Timestamp(T0.0 + 7_500), no_base).await.unwrap(), 3);
}

/// A prune that keeps no bases (the rows these tests log hold no records).
fn no_base(_: Pruning<'_>) -> Option<ObjectBase> {
    None
}

/// What a prune handed its caller for one object: its name, the version
/// of its previous base, the versions of its pruned rows.
type Handed = (String, Option<u64>, Vec<u64>);

/// Prunes rows older than `T0 + before`, keeping for the objects named in
/// `keep` a base at their last pruned version (FN `<name> at <version>`);
/// returns what the prune handed over, in order.
async fn prune_keeping(store: &SqlStore, id: &CollectionId, before: i64, keep: &[&str]) -> Vec<Handed> {
    let handed = std::sync::Mutex::new(Vec::new());
    store
        .prune(id, Timestamp(T0.0 + before), |p: Pruning<'_>| {
            let name = p.rows[0].object.0.clone();
            let versions: Vec<u64> = p.rows.iter().map(|r| r.transaction.new_version.0).collect();
            let last = *versions.last().unwrap();
            handed
                .lock()
                .unwrap()
                .push((name.clone(), p.base.map(|b| b.version.0), versions));
            keep.contains(&name.as_str()).then(|| ObjectBase {
                version: Version(last),
                record: contact(&name, &format!("{name} at {last}")),
            })
        })
        .await
        .unwrap();
    handed.into_inner().unwrap()
}

/// Versions of an object's remaining rows, and its base.
async fn kept(store: &SqlStore, id: &CollectionId, name: &str) -> (Vec<u64>, Option<ObjectBase>) {
    let history = store.object_history(id, &ObjectName(name.into())).await.unwrap();
    let versions = history.changes.iter().map(|c| c.transaction.new_version.0).collect();
    (versions, history.base)
}

fn base(name: &str, version: u64) -> Option<ObjectBase> {
    Some(ObjectBase {
        version: Version(version),
        record: contact(name, &format!("{name} at {version}")),
    })
}

/// Retention hands its caller each object's pruned rows with the base kept
/// before, writes the base the caller makes in the prune's transaction,
/// reads it back beside the rows left, and drops it when the caller makes
/// none, with its collection, and when its collection moves away.
async fn prune_keeps_object_bases(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let write = |name, op, version: u64, at| {
        let expected = match version {
            1 => Expected::Absent,
            v => Expected::Version(Version(v - 1)),
        };
        let txid = format!("{name}-{version}");
        Write {
            collection: &id,
            name,
            uid: name,
            op,
            expected,
            version,
            txid: &txid,
            at,
        }
        .build()
    };
    for w in [
        write("a.vcf", Op::Create, 1, 0),
        write("a.vcf", Op::Update, 2, 10),
        write("b.vcf", Op::Create, 1, 20),
        write("b.vcf", Op::Delete, 2, 30),
        write("a.vcf", Op::Update, 3, 5_000),
    ] {
        store.commit(w).await.unwrap();
    }
    let handed = prune_keeping(store, &id, 1_000, &["a.vcf"]).await;
    assert_eq!(
        handed,
        [
            ("a.vcf".to_owned(), None, vec![1, 2]),
            ("b.vcf".to_owned(), None, vec![1, 2])
        ]
    );
    assert_eq!(kept(store, &id, "a.vcf").await, (vec![3], base("a.vcf", 2)));
    assert_eq!(kept(store, &id, "b.vcf").await, (vec![], None));

    // A later prune starts from the base kept and replaces it …
    let handed = prune_keeping(store, &id, 10_000, &["a.vcf"]).await;
    assert_eq!(handed, [("a.vcf".to_owned(), Some(2), vec![3])]);
    assert_eq!(kept(store, &id, "a.vcf").await, (vec![], base("a.vcf", 3)));
    // … or drops it when the caller makes none.
    store.commit(write("a.vcf", Op::Update, 4, 10_001)).await.unwrap();
    let handed = prune_keeping(store, &id, 20_000, &[]).await;
    assert_eq!(handed, [("a.vcf".to_owned(), Some(3), vec![4])]);
    assert_eq!(kept(store, &id, "a.vcf").await, (vec![], None));
    store.commit(write("a.vcf", Op::Update, 5, 20_001)).await.unwrap();
    prune_keeping(store, &id, 30_000, &["a.vcf"]).await;
    assert_eq!(kept(store, &id, "a.vcf").await, (vec![], base("a.vcf", 5)));

    // A MOVE of the collection leaves no base behind, and brings none
    // along: the objects start a new log in the new collection.
    let moved = Collection::new("alice", "moved", CollectionKind::AddressBook, T0);
    let transfer = Transfer {
        steps: vec![
            TransferStep::CopyCollection {
                from: id.clone(),
                to: moved.clone(),
                members: true,
                moved: true,
            },
            TransferStep::DeleteCollection(id.clone()),
        ],
        at: T0,
        origin: DeviceId("test".into()),
    };
    store
        .transfer(&transfer, |copying| {
            let Copying::Collection { to, objects } = copying else {
                unreachable!("only a collection is moved")
            };
            objects
                .iter()
                .map(|o| create(&to.id, o.name.as_str(), o.uid.as_str(), o.name.as_str()))
                .collect()
        })
        .await
        .unwrap();
    assert_eq!(kept(store, &id, "a.vcf").await, (vec![], None));
    assert_eq!(kept(store, &moved.id, "a.vcf").await, (vec![1], None));

    // Deleting a collection takes its bases along.
    prune_keeping(store, &moved.id, 100_000, &["a.vcf"]).await;
    assert_eq!(kept(store, &moved.id, "a.vcf").await, (vec![], base("a.vcf", 1)));
    store.delete_collection(&moved.id).await.unwrap();
    assert_eq!(kept(store, &moved.id, "a.vcf").await, (vec![], None));
}

async fn collections_made_again_start_a_new_log(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let born = store.current_seq(&id).await.unwrap();
    let a = store.commit(create(&id, "a.vcf", "a", "t1")).await.unwrap();
    let b = store.commit(create(&id, "b.vcf", "b", "t2")).await.unwrap();
    let handed_out = [born, a, b];
    store.delete_collection(&id).await.unwrap();
    let again = Collection::new("alice", "contacts", CollectionKind::AddressBook, T0);
    store.create_collection(&again).await.unwrap();
    // Its CTag is new, and above every position its predecessor handed out.
    let start = store.current_seq(&id).await.unwrap();
    assert!(handed_out.iter().all(|p| *p < start), "{start} after {handed_out:?}");
    let c = store.commit(create(&id, "c.vcf", "c", "t3")).await.unwrap();
    assert!(c > start);
    // The predecessor's positions are refused, though the log is past them.
    for given in handed_out {
        let log = store.changes_since(&id, given, 10).await;
        assert!(matches!(log, Err(StoreError::TokenExpired { .. })), "{given}: {log:?}");
        let members = store.members_since(&id, given, 10, false).await;
        assert!(
            matches!(members, Err(StoreError::TokenExpired { .. })),
            "{given}: {members:?}"
        );
    }
    // Its own positions, and 0 (from the beginning), read its log only.
    for given in [Seq(0), start] {
        let log = store.changes_since(&id, given, 10).await.unwrap();
        assert_eq!(log.changes.len(), 1, "{given}");
        assert_eq!(log.changes[0].object.as_str(), "c.vcf");
        let members = store.members_since(&id, given, 10, false).await.unwrap();
        let names: Vec<&str> = members.members.iter().map(|m| m.name().as_str()).collect();
        assert_eq!(names, ["c.vcf"], "{given}");
        assert_eq!(members.next, c);
    }
    // Another collection made meanwhile starts above both.
    let other = Collection::new("alice", "other", CollectionKind::AddressBook, T0);
    store.create_collection(&other).await.unwrap();
    assert!(store.current_seq(&other.id).await.unwrap() > c);
}

async fn leases(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let lease = store.acquire(&id, "phone", 30_000, T0).await.unwrap();
    assert_eq!(
        (lease.holder.as_str(), lease.expires_at),
        ("phone", Timestamp(T0.0 + 30_000))
    );
    let err = store
        .acquire(&id, "laptop", 30_000, Timestamp(T0.0 + 1))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Locked { holder, until } if holder == "phone" && *until == lease.expires_at),
        "{err:?}"
    );
    // Re-acquiring is a renewal that keeps the acquisition time.
    let renewed = store.acquire(&id, "phone", 60_000, Timestamp(T0.0 + 10)).await.unwrap();
    assert_eq!(
        (renewed.acquired_at, renewed.expires_at),
        (T0, Timestamp(T0.0 + 60_010))
    );
    let kept = store.renew(&id, "phone", 1_000, Timestamp(T0.0 + 20)).await.unwrap();
    assert_eq!(kept.expires_at, Timestamp(T0.0 + 1_020));
    assert!(matches!(
        store.renew(&id, "laptop", 1_000, T0).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.list_leases(T0).await.unwrap().len(), 1);
    // Expired: frees itself.
    let after = Timestamp(T0.0 + 1_021);
    assert_eq!(store.lease(&id, after).await.unwrap(), None);
    let taken = store.acquire(&id, "laptop", 30_000, after).await.unwrap();
    assert_eq!(taken.holder, "laptop");
    assert!(
        !store.release(&id, "phone").await.unwrap(),
        "the expired holder has nothing to release"
    );
    assert!(store.release(&id, "laptop").await.unwrap());
    assert!(store.acquire(&id, "phone", 1, after).await.is_ok());
    // A live lease held by someone else refuses writes; its holder may write.
    let mut blocked = create(&id, "locked.vcf", "locked", "l1");
    blocked.transaction.at = after;
    blocked.writer = "laptop".into();
    assert!(matches!(store.commit(blocked.clone()).await, Err(StoreError::Locked { holder, .. }) if holder == "phone"));
    blocked.writer = "phone".into();
    store.commit(blocked).await.unwrap();
    assert!(store.force_release(&id).await.unwrap());
    assert!(matches!(
        store.acquire(&CollectionId("no/such".into()), "x", 1, T0).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn reopening_keeps_everything(s: TestStore) {
    let id = setup(&s).await;
    s.store.commit(create(&id, "a.vcf", "uid-a", "t1")).await.unwrap();
    s.store.close().await;
    let reopened = pimgate::store::SqlStore::connect(&s.url).await.unwrap();
    assert!(
        reopened
            .object(&id, &ObjectName("a.vcf".into()))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(reopened.changes_since(&id, Seq(0), 10).await.unwrap().changes.len(), 1);
}

fn app_password(id: &str, label: &str, at: i64) -> AppPassword {
    AppPassword {
        id: id.into(),
        user: "alice".into(),
        label: label.into(),
        password_hash: format!("$argon2id$fake-{id}"),
        created_at: Timestamp(T0.0 + at),
        revoked_at: None,
    }
}

async fn app_passwords_create_list_revoke(s: TestStore) {
    setup(&s).await;
    let store = &s.store;
    let phone = app_password("p1", "phone", 1);
    store.create_app_password(&phone).await.unwrap();
    store
        .create_app_password(&app_password("p2", "laptop", 2))
        .await
        .unwrap();
    assert!(
        matches!(
            store.create_app_password(&app_password("p3", "phone", 3)).await,
            Err(StoreError::AlreadyExists(_))
        ),
        "a label is unique among a user's active app passwords"
    );
    let mut ghost = app_password("p4", "x", 4);
    ghost.user = "nobody".into();
    assert!(matches!(
        store.create_app_password(&ghost).await,
        Err(StoreError::NotFound(_))
    ));
    let listed = store.list_app_passwords("alice").await.unwrap();
    assert_eq!(listed, vec![phone.clone(), app_password("p2", "laptop", 2)]);

    let revoked_at = Timestamp(T0.0 + 10);
    store.revoke_app_password("alice", "phone", revoked_at).await.unwrap();
    assert!(
        matches!(
            store.revoke_app_password("alice", "phone", revoked_at).await,
            Err(StoreError::NotFound(_))
        ),
        "revoking twice finds no active password"
    );
    store.revoke_app_password("alice", "p2", revoked_at).await.unwrap();
    let listed = store.list_app_passwords("alice").await.unwrap();
    assert!(
        listed
            .iter()
            .all(|p| p.revoked_at == Some(revoked_at) && !p.is_active())
    );
    store
        .create_app_password(&app_password("p5", "phone", 5))
        .await
        .expect("a revoked label can be used again");
    assert_eq!(store.list_app_passwords("alice").await.unwrap().len(), 3);
    assert!(store.list_app_passwords("bob").await.unwrap().is_empty());

    store.delete_user("alice").await.unwrap();
    assert!(
        store.list_app_passwords("alice").await.unwrap().is_empty(),
        "deleting a user deletes their app passwords"
    );
}

fn dead(resource: &str, name: &str, xml: &str) -> DeadProperty {
    DeadProperty {
        resource: resource.into(),
        namespace: "urn:x".into(),
        name: name.into(),
        xml: xml.into(),
    }
}

async fn dead_properties_set_replace_remove(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    assert!(store.dead_properties(&id, "").await.unwrap().is_empty());
    let a = dead("", "a", "<x:a xmlns:x=\"urn:x\">1</x:a>");
    let b = dead("", "b", "<x:b xmlns:x=\"urn:x\"/>");
    let member = dead("m.vcf", "a", "<x:a xmlns:x=\"urn:x\">m</x:a>");
    store
        .update_dead_properties(&id, "", &[a.clone(), b.clone()], &[])
        .await
        .unwrap();
    store
        .update_dead_properties(&id, "m.vcf", std::slice::from_ref(&member), &[])
        .await
        .unwrap();
    assert_eq!(
        store.dead_properties(&id, "").await.unwrap(),
        vec![a.clone(), b.clone()]
    );
    // Replace one and remove the other in one update; removing an absent one is fine.
    let a2 = dead("", "a", "<x:a xmlns:x=\"urn:x\">2</x:a>");
    let remove = [
        ("urn:x".to_owned(), "b".to_owned()),
        ("urn:x".to_owned(), "absent".to_owned()),
    ];
    store
        .update_dead_properties(&id, "", std::slice::from_ref(&a2), &remove)
        .await
        .unwrap();
    assert_eq!(store.dead_properties(&id, "").await.unwrap(), vec![a2.clone()]);
    assert_eq!(store.dead_properties_in(&id).await.unwrap(), vec![a2.clone(), member]);
    store.clear_dead_properties(&id, "m.vcf").await.unwrap();
    assert_eq!(store.dead_properties_in(&id).await.unwrap(), vec![a2]);
    // Deleting the collection deletes its properties.
    store.delete_collection(&id).await.unwrap();
    assert!(store.dead_properties_in(&id).await.unwrap().is_empty());
}

async fn plain_resources_put_replace_delete(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let name = ObjectName("notes.txt".into());
    let mut resource = PlainResource {
        collection: id.clone(),
        name: name.clone(),
        content_type: "text/plain".into(),
        body: b"\x00binary\xff".to_vec(),
        etag: ETag("e1".into()),
        modified_at: T0,
    };
    assert!(store.put_plain_resource(&resource).await.unwrap(), "created");
    assert_eq!(store.plain_resource(&id, &name).await.unwrap(), Some(resource.clone()));
    resource.body = b"second".to_vec();
    resource.etag = ETag("e2".into());
    assert!(!store.put_plain_resource(&resource).await.unwrap(), "replaced");
    assert_eq!(store.plain_resources(&id).await.unwrap(), vec![resource.clone()]);
    assert!(store.delete_plain_resource(&id, &name).await.unwrap());
    assert!(!store.delete_plain_resource(&id, &name).await.unwrap());
    assert_eq!(store.plain_resource(&id, &name).await.unwrap(), None);
}

fn resource_lock(collection: &CollectionId, token: &str, resource: &str, scope: LockScope) -> ResourceLock {
    ResourceLock {
        token: token.into(),
        collection: collection.clone(),
        resource: resource.into(),
        scope,
        deep: resource.is_empty(),
        principal: "alice".into(),
        owner: Some("<d:owner xmlns:d=\"DAV:\">phone</d:owner>".into()),
        created_at: T0,
        expires_at: Timestamp(T0.0 + 10_000),
    }
}

/// collection_in_space: the collection, and whether any collection of its
/// owner's space holds a live lock or lease; another owner's locks and
/// expired ones do not count.
async fn collection_in_space_says_whether_the_space_holds_locks(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let other = Collection::new("alice", "work", CollectionKind::AddressBook, T0);
    store.create_collection(&other).await.unwrap();
    let bob = User {
        name: "bob".into(),
        password_hash: "$argon2id$fake".into(),
        created_at: T0,
    };
    store.create_user(&bob).await.unwrap();
    let bobs = Collection::new("bob", "contacts", CollectionKind::AddressBook, T0);
    store.create_collection(&bobs).await.unwrap();
    let in_space = |id: CollectionId, at: Timestamp| async move { store.collection_in_space(&id, at).await.unwrap() };

    let (found, held) = in_space(id.clone(), T0).await.expect("exists");
    assert_eq!(found, store.collection(&id).await.unwrap().unwrap());
    assert!(!held);
    assert!(
        in_space(CollectionId("alice/addressbooks/none".into()), T0)
            .await
            .is_none()
    );

    // A lock on another collection of the space counts; bob's space is not alice's.
    let lock = resource_lock(&other.id, "t1", "a.vcf", LockScope::Exclusive);
    store.create_resource_lock(&lock, T0, |_| Ok(())).await.unwrap();
    assert!(in_space(id.clone(), T0).await.unwrap().1);
    assert!(!in_space(bobs.id.clone(), T0).await.unwrap().1);
    // Expired, it does not.
    assert!(!in_space(id.clone(), Timestamp(lock.expires_at.0 + 1)).await.unwrap().1);
    assert!(store.delete_resource_lock("t1").await.unwrap());
    assert!(!in_space(id.clone(), T0).await.unwrap().1);

    // A device's lease counts too, until it expires.
    store.acquire(&other.id, "phone", 30_000, T0).await.unwrap();
    assert!(in_space(id.clone(), T0).await.unwrap().1);
    assert!(!in_space(id.clone(), Timestamp(T0.0 + 30_001)).await.unwrap().1);
}

async fn resource_locks_beside_leases(s: TestStore) {
    let id = setup(&s).await;
    let store = &s.store;
    let shared = resource_lock(&id, "t1", "a.vcf", LockScope::Shared);
    store.create_resource_lock(&shared, T0, |_| Ok(())).await.unwrap();
    // The check sees what is live in the space, placed in its collection.
    let mut seen = SpaceLocks::default();
    let second = resource_lock(&id, "t2", "", LockScope::Shared);
    store
        .create_resource_lock(&second, T0, |space| {
            seen = space.clone();
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(seen.locks.len(), 1);
    assert_eq!(
        (
            seen.locks[0].collection_name.as_str(),
            seen.locks[0].collection_home,
            &seen.locks[0].item
        ),
        ("contacts", pimgate::store::Home::AddressBooks, &shared)
    );
    // A refusal writes nothing.
    let refused = store
        .create_resource_lock(&resource_lock(&id, "t3", "b.vcf", LockScope::Exclusive), T0, |_| {
            Err(StoreError::Locked {
                holder: "someone".into(),
                until: T0,
            })
        })
        .await;
    assert!(matches!(refused, Err(StoreError::Locked { .. })), "{refused:?}");
    assert_eq!(store.space_locks("alice", T0).await.unwrap().locks.len(), 2);
    assert!(matches!(
        store.create_resource_lock(&shared, T0, |_| Ok(())).await,
        Err(StoreError::AlreadyExists(_))
    ));
    // A lease is exclusive: not while a resource lock is live.
    let err = store.acquire(&id, "phone", 30_000, T0).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Locked { holder, .. } if holder == "dav:alice"),
        "{err:?}"
    );
    let refreshed = store
        .refresh_resource_lock("t1", Timestamp(T0.0 + 20_000), Timestamp(T0.0 + 1))
        .await
        .unwrap();
    assert_eq!(refreshed.expires_at, Timestamp(T0.0 + 20_000));
    assert_eq!(store.delete_resource_locks_at(&id, "a.vcf").await.unwrap(), 1);
    assert!(store.delete_resource_lock("t2").await.unwrap());
    assert!(!store.delete_resource_lock("t2").await.unwrap());
    assert!(matches!(
        store.refresh_resource_lock("t1", T0, T0).await,
        Err(StoreError::NotFound(_))
    ));
    // Now the lease is free, and the next lock's check sees it.
    store.acquire(&id, "phone", 30_000, T0).await.unwrap();
    let mut leases = Vec::new();
    store
        .create_resource_lock(&resource_lock(&id, "t4", "", LockScope::Shared), T0, |space| {
            leases = space.leases.iter().map(|l| l.item.holder.clone()).collect();
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(leases, ["phone"]);
    // Expired locks are not live; a deleted collection takes its locks along.
    assert!(
        store
            .space_locks("alice", Timestamp(T0.0 + 10_000))
            .await
            .unwrap()
            .locks
            .is_empty()
    );
    assert!(matches!(
        store
            .create_resource_lock(
                &resource_lock(&CollectionId("no/such".into()), "t5", "", LockScope::Shared),
                T0,
                |_| Ok(())
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    store.delete_collection(&id).await.unwrap();
    assert_eq!(store.space_locks("alice", T0).await.unwrap(), SpaceLocks::default());
}

macro_rules! contract {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    super::$check(super::stores::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $check() {
                    if let Some(url) = super::stores::postgres_url() {
                        super::$check(super::stores::postgres(&url).await).await;
                    }
                }
            )*
        }
    };
}

contract!(
    accounts_and_grants,
    app_passwords_create_list_revoke,
    objects_and_preconditions,
    batches_are_all_or_nothing,
    listings_page_by_name,
    members_since_lists_changed_members_with_summaries,
    bodies_are_the_bytes_as_written,
    objects_meeting_a_window_by_span,
    objects_containing_a_pattern_by_search_text,
    concurrent_commits_answer_each_writer,
    concurrent_commits_refused_by_lease_or_version_fail_alone,
    change_log_positions_and_retention,
    prune_keeps_object_bases,
    collections_made_again_start_a_new_log,
    leases,
    reopening_keeps_everything,
    dead_properties_set_replace_remove,
    plain_resources_put_replace_delete,
    resource_locks_beside_leases,
    collection_in_space_says_whether_the_space_holds_locks,
);
