//! The application object store (issue 3 §2): versions through the engine
//! over a real store — SQLite always, PostgreSQL when
//! `PIMGATE_TEST_POSTGRES_URL` is set.

mod common;

use common::stores::{self, TestStore};
use pimgate::adapters::vcard;
use pimgate::engine::{ConflictValue, Engine, EngineError, MergeRule, Precondition, PutObject, Written, diff, etag_of};
use pimgate::server::render::AdapterRenderer;
use pimgate::store::{
    Accounts, ChangeLog, Collection, CollectionKind, Locks, ObjectStore, SqlStore, TimeSpan, Transfer, TransferStep,
    User,
};
use pimgate::universal::{
    Action, ChangeTransaction, CollectionId, DeviceId, FieldPath, ObjectName, Op, PropName, Seq, Timestamp, TxId, Uid,
    Value, Version,
};

const T0: Timestamp = Timestamp(1_700_000_000_000);
const V3: &str = "text/vcard; version=3.0";

fn card(tel: &str, email: &str) -> Vec<u8> {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jane\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\nTEL;TYPE=work:{tel}\r\n\
         TEL;TYPE=cell:+1 555 0199\r\nEMAIL;TYPE=home:{email}\r\nNOTE:Met at the conference\r\nEND:VCARD\r\n"
    )
    .into_bytes()
}

async fn setup(s: &TestStore) -> (Engine<SqlStore>, CollectionId) {
    s.store
        .create_user(&User {
            name: "alice".into(),
            password_hash: "h".into(),
            created_at: T0,
        })
        .await
        .unwrap();
    let collection = Collection::new("alice", "contacts", CollectionKind::AddressBook, T0);
    s.store.create_collection(&collection).await.unwrap();
    (Engine::new(s.store.clone()), collection.id)
}

async fn put(
    engine: &Engine<SqlStore>,
    id: &CollectionId,
    bytes: Vec<u8>,
    precondition: Precondition,
) -> Result<Written, EngineError> {
    let record = vcard::parse(&bytes).unwrap().remove(0);
    engine
        .put_object(PutObject {
            collection: id.clone(),
            name: ObjectName("jane.vcf".into()),
            record,
            original: bytes,
            content_type: V3.into(),
            precondition,
            origin: DeviceId("dav:alice".into()),
            at: T0,
        })
        .await
}

fn tel_work(engine_record: &pimgate::universal::Record) -> (u32, String) {
    let prop = engine_record
        .root
        .props
        .iter()
        .find(|p| p.name() == &PropName::Tel && p.params().has_type("work"))
        .unwrap();
    (prop.id().0, prop.value().as_text().unwrap().to_owned())
}

async fn puts_log_field_level_changes(s: TestStore) {
    let (engine, id) = setup(&s).await;
    let created = put(
        &engine,
        &id,
        card("+1 555 0100", "jane@example.com"),
        Precondition::IfNoneMatchAny,
    )
    .await
    .unwrap();
    assert!(created.created);
    assert_eq!(
        (created.version, created.etag.clone()),
        (Version(1), etag_of(&card("+1 555 0100", "jane@example.com")))
    );
    let stored = s
        .store
        .object(&id, &ObjectName("jane.vcf".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.original,
        card("+1 555 0100", "jane@example.com"),
        "stored byte for byte"
    );
    let (tel_id, _) = tel_work(&stored.record);

    // The same bytes again: nothing changes, nothing is logged.
    let again = put(
        &engine,
        &id,
        card("+1 555 0100", "jane@example.com"),
        Precondition::None,
    )
    .await
    .unwrap();
    assert_eq!((again.seq, again.version), (None, Version(1)));

    // The work phone changed: one `set` on the same field id.
    let updated = put(
        &engine,
        &id,
        card("+1 555 0111", "jane@example.com"),
        Precondition::IfMatch(created.etag.clone()),
    )
    .await
    .unwrap();
    assert_eq!(updated.version, Version(2));
    let log = s.store.changes_since(&id, created.seq.unwrap(), 10).await.unwrap();
    let changes = &log.changes[0].transaction.changes;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(
        (changes[0].action, changes[0].path.clone()),
        (Action::Set, FieldPath::root_field(pimgate::universal::FieldId(tel_id)))
    );
    let stored = s
        .store
        .object(&id, &ObjectName("jane.vcf".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        tel_work(&stored.record),
        (tel_id, "+1 555 0111".to_owned()),
        "field id stable across versions"
    );

    // Stale If-Match and If-None-Match: * on an existing object (RFC 7232 §3.1, §3.2).
    let stale = put(&engine, &id, card("+1", "x@y"), Precondition::IfMatch(created.etag))
        .await
        .unwrap_err();
    assert!(
        matches!(&stale, EngineError::PreconditionFailed { current: Some(e) } if *e == updated.etag),
        "{stale:?}"
    );
    assert!(matches!(
        put(&engine, &id, card("+1", "x@y"), Precondition::IfNoneMatchAny).await,
        Err(EngineError::PreconditionFailed { .. })
    ));

    // A second resource with the same UID (RFC 6352 §6.3.2.1).
    let other = engine
        .put_object(PutObject {
            collection: id.clone(),
            name: ObjectName("copy.vcf".into()),
            record: vcard::parse(&card("+1", "x@y")).unwrap().remove(0),
            original: card("+1", "x@y"),
            content_type: V3.into(),
            precondition: Precondition::None,
            origin: DeviceId("dav:alice".into()),
            at: T0,
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&other, EngineError::UidConflict { existing } if existing.as_str() == "jane.vcf"),
        "{other:?}"
    );

    let deleted = engine
        .delete_object(
            &id,
            &ObjectName("jane.vcf".into()),
            &Precondition::IfMatch(updated.etag),
            &DeviceId("dav:alice".into()),
            T0,
        )
        .await
        .unwrap();
    let log = s.store.changes_since(&id, Seq(deleted.0 - 1), 10).await.unwrap();
    assert_eq!(log.changes[0].op(), Op::Delete);
    assert!(s.store.list_objects(&id).await.unwrap().is_empty());
}

fn push(id: &CollectionId, txid: &str, base: u64, changes: Vec<pimgate::universal::Change>) -> ChangeTransaction {
    ChangeTransaction {
        txid: TxId(txid.into()),
        collection: id.clone(),
        uid: Uid("jane".into()),
        op: Op::Update,
        base_version: Some(Version(base)),
        new_version: Version(base + 1),
        origin: DeviceId("laptop".into()),
        at: T0,
        changes,
    }
}

/// The change that sets one property of the stored record to a new text.
async fn set_change(
    s: &TestStore,
    id: &CollectionId,
    name: PropName,
    ty: &str,
    text: &str,
) -> pimgate::universal::Change {
    let stored = s
        .store
        .object(id, &ObjectName("jane.vcf".into()))
        .await
        .unwrap()
        .unwrap();
    let prop = stored
        .record
        .root
        .props
        .iter()
        .find(|p| p.name() == &name && p.params().has_type(ty))
        .unwrap();
    let mut new = prop.clone();
    new.set_value(Value::Text(text.into()));
    pimgate::universal::Change {
        path: FieldPath::root_field(prop.id()),
        action: Action::Set,
        prop: Some(new),
        component: None,
    }
}

async fn pushes_merge_with_concurrent_edits(s: TestStore) {
    let (engine, id) = setup(&s).await;
    put(
        &engine,
        &id,
        card("+1 555 0100", "jane@example.com"),
        Precondition::None,
    )
    .await
    .unwrap();
    // The laptop edits the email against version 1 ...
    let email = set_change(&s, &id, PropName::Email, "home", "jane@home.example").await;
    let tel_by_laptop = set_change(&s, &id, PropName::Tel, "work", "+1 555 0300").await;
    // ... while a phone changed the work phone over DAV (version 2).
    put(
        &engine,
        &id,
        card("+1 555 0200", "jane@example.com"),
        Precondition::None,
    )
    .await
    .unwrap();

    let merged = engine
        .apply_transaction(&push(&id, "laptop-1", 1, vec![email]), V3, &AdapterRenderer)
        .await
        .unwrap();
    assert_eq!((merged.version, merged.conflicts.len()), (Version(3), 0));
    let stored = s
        .store
        .object(&id, &ObjectName("jane.vcf".into()))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8(stored.original.clone()).unwrap();
    assert!(
        text.contains("+1 555 0200") && text.contains("jane@home.example"),
        "both edits survive:\n{text}"
    );
    assert_eq!(stored.etag, etag_of(&stored.original));

    // Retried: applied once.
    let retried = engine
        .apply_transaction(&push(&id, "laptop-1", 1, vec![]), V3, &AdapterRenderer)
        .await
        .unwrap();
    assert!(retried.duplicate);
    assert_eq!(s.store.current_seq(&id).await.unwrap(), merged.seq.unwrap());

    // Same field, concurrently: the later-arriving push wins, the loser is logged.
    let conflict = engine
        .apply_transaction(&push(&id, "laptop-2", 1, vec![tel_by_laptop]), V3, &AdapterRenderer)
        .await
        .unwrap();
    assert_eq!(conflict.conflicts.len(), 1);
    assert_eq!(conflict.conflicts[0].rule, MergeRule::TheirsWins);
    assert!(
        matches!(&conflict.conflicts[0].lost, ConflictValue::Prop(p) if p.value().as_text() == Some("+1 555 0200"))
    );
    let row = s
        .store
        .changes_since(&id, merged.seq.unwrap(), 10)
        .await
        .unwrap()
        .changes
        .remove(0);
    assert!(
        row.conflicts.unwrap().to_string().contains("+1 555 0200"),
        "the losing value is in the change log"
    );

    // A base from the future, and a stale delete (edit beats delete).
    let future = engine
        .apply_transaction(&push(&id, "laptop-3", 99, vec![]), V3, &AdapterRenderer)
        .await
        .unwrap_err();
    assert!(matches!(future, EngineError::FutureBase { .. }), "{future:?}");
    let mut delete = push(&id, "laptop-4", 1, vec![]);
    delete.op = Op::Delete;
    let refused = engine.apply_transaction(&delete, V3, &AdapterRenderer).await.unwrap();
    assert_eq!(refused.seq, None);
    assert_eq!(refused.conflicts[0].rule, MergeRule::EditBeatsDelete);
    assert!(s.store.object_by_uid(&id, &Uid("jane".into())).await.unwrap().is_some());
}

/// Retention pruned the object's create: a push against the version every
/// device had read when it ran still merges, from the base the prune kept
/// (the batch path hands merges to the one-at-a-time path); a push against
/// an older version cannot be rebuilt; a later prune carries the base
/// forward, and a deleted object keeps none.
async fn pushes_merge_against_the_base_retention_kept(s: TestStore) {
    let (engine, id) = setup(&s).await;
    let jane = ObjectName("jane.vcf".into());
    for (tel, email) in [
        ("+1 555 0100", "jane@example.com"),
        ("+1 555 0101", "jane@example.com"),
        ("+1 555 0101", "jane@example.net"),
        ("+1 555 0102", "jane@example.net"),
        ("+1 555 0102", "jane@example.org"),
    ] {
        put(&engine, &id, card(tel, email), Precondition::None).await.unwrap();
    }
    let after_all = Timestamp(T0.0 + 1);
    assert_eq!(engine.prune(&id, after_all).await.unwrap(), 5);
    let history = s.store.object_history(&id, &jane).await.unwrap();
    assert!(history.changes.is_empty(), "the create is gone");
    let kept = history.base.expect("a base at the last pruned version");
    let current = s.store.object(&id, &jane).await.unwrap().unwrap();
    assert_eq!(kept.version, Version(5));
    assert!(diff(&kept.record, &current.record).is_empty());

    // Both devices saw version 5; the laptop pushes first …
    let tel = set_change(&s, &id, PropName::Tel, "work", "+1 555 0300").await;
    let email = set_change(&s, &id, PropName::Email, "home", "jane@home.example").await;
    let cell = set_change(&s, &id, PropName::Tel, "cell", "+1 555 0999").await;
    let first = engine
        .apply_transaction(&push(&id, "laptop-1", 5, vec![tel]), V3, &AdapterRenderer)
        .await
        .unwrap();
    assert_eq!(first.version, Version(6));
    // … then the phone, whose edit is merged.
    let batch = engine
        .apply_batch(&[push(&id, "phone-1", 5, vec![email])], V3, &AdapterRenderer)
        .await;
    assert!(batch.stopped.is_none(), "{:?}", batch.stopped);
    assert_eq!(
        (batch.results[0].version, batch.results[0].conflicts.len()),
        (Version(7), 0)
    );
    let stored = s.store.object(&id, &jane).await.unwrap().unwrap();
    let text = String::from_utf8(stored.original.clone()).unwrap();
    assert!(
        text.contains("+1 555 0300") && text.contains("jane@home.example"),
        "both edits survive:\n{text}"
    );

    // Version 4's rows are gone and no base holds it.
    let stale = engine
        .apply_transaction(&push(&id, "laptop-2", 4, vec![cell]), V3, &AdapterRenderer)
        .await
        .unwrap_err();
    assert!(
        matches!(stale, EngineError::BaseUnavailable { given, .. } if given == Version(4)),
        "{stale:?}"
    );

    assert_eq!(engine.prune(&id, after_all).await.unwrap(), 2);
    let kept = s.store.object_history(&id, &jane).await.unwrap().base.unwrap();
    assert_eq!(kept.version, Version(7));
    assert!(diff(&kept.record, &stored.record).is_empty());
    let origin = DeviceId("dav:alice".into());
    engine
        .delete_object(&id, &jane, &Precondition::None, &origin, T0)
        .await
        .unwrap();
    assert_eq!(engine.prune(&id, after_all).await.unwrap(), 1);
    assert_eq!(s.store.object_history(&id, &jane).await.unwrap(), Default::default());
}

async fn a_lease_holds_off_other_writers(s: TestStore) {
    let (engine, id) = setup(&s).await;
    s.store.acquire(&id, "laptop", 60_000, T0).await.unwrap();
    let err = put(&engine, &id, card("+1", "x@y"), Precondition::None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, EngineError::Locked { holder, .. } if holder == "laptop"),
        "{err:?}"
    );
    s.store.release(&id, "laptop").await.unwrap();
    put(&engine, &id, card("+1", "x@y"), Precondition::None).await.unwrap();
}

/// A span that tells which version it was computed from: a record whose
/// note says "pushed" happens later.
fn span_by_note(record: &pimgate::universal::Record) -> TimeSpan {
    let pushed = record.root.props.iter().any(|p| p.value().as_text() == Some("pushed"));
    let at = if pushed { 30 } else { 10 };
    TimeSpan::between(Some(at), Some(at + 5))
}

/// The names in `id` whose span meets `at`.
async fn meeting(s: &TestStore, id: &CollectionId, at: i64) -> Vec<String> {
    let window = TimeSpan::between(Some(at), Some(at));
    let found = s.store.objects_meeting(id, window, None, 100).await.unwrap();
    found.into_iter().map(|o| o.name.0).collect()
}

/// A DAV write, a pushed change, a pushed batch and a copy store the span
/// of the version they write; a tombstone has none and is no candidate.
async fn every_write_stores_its_span(s: TestStore) {
    let (engine, id) = setup(&s).await;
    let engine = engine.with_spans(span_by_note);
    put(&engine, &id, card("+1", "x@y"), Precondition::None).await.unwrap();
    assert_eq!(meeting(&s, &id, 12).await, ["jane.vcf"]);
    assert!(meeting(&s, &id, 100).await.is_empty());

    let stored = s
        .store
        .object(&id, &ObjectName("jane.vcf".into()))
        .await
        .unwrap()
        .unwrap();
    let mut note = stored.record.root.prop(&PropName::Note).unwrap().clone();
    note.set_value(Value::Text("pushed".into()));
    let note = pimgate::universal::Change {
        path: FieldPath::root_field(note.id()),
        action: Action::Set,
        prop: Some(note),
        component: None,
    };
    engine
        .apply_transaction(&push(&id, "laptop-1", 1, vec![note]), V3, &AdapterRenderer)
        .await
        .unwrap();
    assert_eq!(meeting(&s, &id, 32).await, ["jane.vcf"]);
    assert!(meeting(&s, &id, 12).await.is_empty());

    let joe = vcard::parse(b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:joe\r\nFN:Joe\r\nNOTE:pushed\r\nEND:VCARD\r\n")
        .unwrap()
        .remove(0);
    let create = ChangeTransaction {
        txid: TxId("laptop-2".into()),
        uid: Uid("joe".into()),
        op: Op::Create,
        base_version: None,
        new_version: Version(1),
        changes: vec![pimgate::universal::Change {
            path: FieldPath {
                components: Vec::new(),
                field: None,
            },
            action: Action::Add,
            prop: None,
            component: Some(joe.root),
        }],
        ..push(&id, "", 0, Vec::new())
    };
    let batch = engine.apply_batch(&[create], V3, &AdapterRenderer).await;
    assert!(batch.stopped.is_none(), "{:?}", batch.stopped);
    assert_eq!(meeting(&s, &id, 32).await, ["jane.vcf", "joe.vcf"]);

    let copy = Collection::new("alice", "copy", CollectionKind::AddressBook, T0);
    engine
        .transfer(&Transfer {
            steps: vec![TransferStep::CopyCollection {
                from: id.clone(),
                to: copy.clone(),
                members: true,
                moved: false,
            }],
            at: T0,
            origin: DeviceId("dav:alice".into()),
        })
        .await
        .unwrap();
    assert_eq!(meeting(&s, &copy.id, 32).await, ["jane.vcf", "joe.vcf"]);
    assert!(meeting(&s, &copy.id, 12).await.is_empty());

    engine
        .delete_object(
            &id,
            &ObjectName("joe.vcf".into()),
            &Precondition::None,
            &DeviceId("dav:alice".into()),
            T0,
        )
        .await
        .unwrap();
    assert_eq!(meeting(&s, &id, 32).await, ["jane.vcf"]);
}

macro_rules! on_both_backends {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $check() { super::$check(super::stores::sqlite().await).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $check() {
                if let Some(url) = super::stores::postgres_url() {
                    super::$check(super::stores::postgres(&url).await).await;
                }
            })*
        }
    };
}

on_both_backends!(
    puts_log_field_level_changes,
    pushes_merge_with_concurrent_edits,
    pushes_merge_against_the_base_retention_kept,
    every_write_stores_its_span,
    a_lease_holds_off_other_writers
);
