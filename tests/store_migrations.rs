//! Migrations carry existing data forward: a database written by an older
//! schema is opened by the current store and nothing is lost. Each test
//! applies the migrations up to a version, writes rows the way that
//! version's code did, then opens the store (which applies the rest).

mod common;

use std::borrow::Cow;

use pimgate::engine::{Engine, Precondition, PutObject};
use pimgate::store::{
    Access, Accounts, ChangeLog, Collection, CollectionKind, DeadProperties, ObjectStore, PlainResources, SqlStore,
    StoreError, TimeSpan,
};
use pimgate::universal::{CollectionId, DeviceId, ObjectName, Seq, Timestamp};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, Connection, Executor};

/// Applies the backend's migrations numbered up to `version`.
async fn migrate_to(url: &str, postgres: bool, version: i64) {
    sqlx::any::install_default_drivers();
    let all = if postgres {
        sqlx::migrate!("migrations/postgres")
    } else {
        sqlx::migrate!("migrations/sqlite")
    };
    let older = Migrator {
        migrations: Cow::Owned(all.iter().filter(|m| m.version <= version).cloned().collect()),
        ..Migrator::DEFAULT
    };
    let mut conn = AnyConnection::connect(url).await.expect("connect");
    older.run(&mut conn).await.expect("older migrations");
    conn.close().await.unwrap();
}

/// Rows as version 5 stored them: collection ids `owner/name`, one
/// namespace per user.
const VERSION_5_ROWS: &str = "
    INSERT INTO users (name, password_hash, created_at) VALUES ('alice', 'x', 1), ('bob', 'x', 1);
    INSERT INTO devices (id, user_name, name, token_hash, created_at) VALUES ('d1', 'alice', 'laptop', 'x', 1);
    INSERT INTO collections (id, owner, name, kind, display_name, created_at, last_seq)
        VALUES ('alice/contacts', 'alice', 'contacts', 'addressbook', 'Contacts', 1, 1),
               ('alice/calendar', 'alice', 'calendar', 'calendar', 'Calendar', 1, 0),
               ('alice/files', 'alice', 'files', 'plain', NULL, 1, 0);
    INSERT INTO grants (collection_id, user_name, access) VALUES ('alice/contacts', 'bob', 'read');
    INSERT INTO changes (collection_id, object_name, uid, op, txid, origin, new_version, at, changes)
        VALUES ('alice/contacts', 'j.vcf', 'j', 'create', 't1', 'dav:alice', 1, 1, '[]');
    INSERT INTO device_cursors (device_id, collection_id, seq, updated_at) VALUES ('d1', 'alice/contacts', 1, 1);
    INSERT INTO dead_properties (collection_id, resource, namespace, name, xml)
        VALUES ('alice/calendar', '', 'urn:x', 'p', '<p xmlns=\"urn:x\"/>');
";

async fn check_collection_homes(url: &str, postgres: bool) {
    migrate_to(url, postgres, 5).await;
    let mut conn = AnyConnection::connect(url).await.unwrap();
    conn.execute(VERSION_5_ROWS).await.expect("version 5 rows");
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:j\r\nFN:J\r\nEND:VCARD\r\n";
    let record = pimgate::adapters::vcard::parse(card.as_bytes()).unwrap().remove(0);
    sqlx::query(
        "INSERT INTO objects (collection_id, name, uid, version, etag, format, original, record, modified_seq, modified_at) \
         VALUES ('alice/contacts', 'j.vcf', 'j', 1, 'e1', 'vcard', $1, $2, 1, 1)",
    )
    .bind(card.as_bytes().to_vec())
    .bind(serde_json::to_string(&record).unwrap())
    .execute(&mut conn)
    .await
    .expect("a version 5 object");
    sqlx::query(
        "INSERT INTO plain_resources (collection_id, name, content_type, body, etag, modified_at) \
         VALUES ('alice/files', 'a.txt', 'text/plain', $1, 'e2', 1)",
    )
    .bind(b"hello".to_vec())
    .execute(&mut conn)
    .await
    .expect("a version 5 plain resource");
    conn.close().await.unwrap();

    let store = SqlStore::connect(url).await.expect("the store applies migration 6");
    let contacts = CollectionId("alice/addressbooks/contacts".into());
    let calendar = CollectionId("alice/calendars/calendar".into());
    let files = CollectionId("alice/calendars/files".into());
    let found = store
        .collection(&contacts)
        .await
        .unwrap()
        .expect("address book under its new id");
    assert_eq!(found.display_name.as_deref(), Some("Contacts"));
    assert_eq!(store.list_collections("alice").await.unwrap().len(), 3);
    assert!(store.collection(&calendar).await.unwrap().is_some());
    assert_eq!(store.access(&contacts, "bob").await.unwrap(), Some(Access::Read));
    let object = store
        .object(&contacts, &ObjectName("j.vcf".into()))
        .await
        .unwrap()
        .expect("object follows");
    assert_eq!(object.etag.as_str(), "e1");
    assert_eq!(store.current_seq(&contacts).await.unwrap(), Seq(1));
    let log = store.changes_since(&contacts, Seq(0), 10).await.unwrap();
    assert_eq!(log.changes.len(), 1, "the change log follows");
    assert_eq!(store.dead_properties(&calendar, "").await.unwrap().len(), 1);
    assert!(
        store
            .plain_resource(&files, &ObjectName("a.txt".into()))
            .await
            .unwrap()
            .is_some()
    );
    // The point of the change: a calendar may now be called `contacts`.
    store
        .create_collection(&Collection::new(
            "alice",
            "contacts",
            CollectionKind::Calendar,
            Timestamp(2),
        ))
        .await
        .expect("a calendar named like the address book");
    // References are still enforced after the rebuild.
    let dangling = store
        .set_grant(&CollectionId("alice/contacts".into()), "bob", Access::Write)
        .await;
    assert!(dangling.is_err(), "a grant on the old id is refused");
}

#[tokio::test]
async fn migration_6_gives_each_home_its_namespace_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::File::create(&path).unwrap();
    check_collection_homes(&format!("sqlite://{}", path.display()), false).await;
}

#[tokio::test]
async fn migration_6_gives_each_home_its_namespace_postgres() {
    let Some(base) = common::stores::postgres_url() else {
        return;
    };
    let url = common::stores::fresh_postgres_schema(&base).await;
    check_collection_homes(&url, true).await;
}

/// Rows as version 9 stored them: objects without a creation time, and the
/// change log that tells it (or, pruned, does not).
const VERSION_9_ROWS: &str = "
    INSERT INTO users (name, password_hash, created_at) VALUES ('alice', 'x', 1);
    INSERT INTO collections (id, owner, home, name, kind, created_at, last_seq)
        VALUES ('alice/addressbooks/contacts', 'alice', 'addressbooks', 'contacts', 'addressbook', 1, 7);
    INSERT INTO changes (collection_id, object_name, uid, op, txid, origin, new_version, at, changes) VALUES
        ('alice/addressbooks/contacts', 'kept.vcf', 'k', 'create', 't1', 'dav:alice', 1, 100, '[]'),
        ('alice/addressbooks/contacts', 'kept.vcf', 'k', 'update', 't2', 'dav:alice', 2, 200, '[]'),
        ('alice/addressbooks/contacts', 'again.vcf', 'a', 'create', 't3', 'dav:alice', 1, 110, '[]'),
        ('alice/addressbooks/contacts', 'again.vcf', 'a', 'delete', 't4', 'dav:alice', 2, 150, '[]'),
        ('alice/addressbooks/contacts', 'again.vcf', 'a', 'create', 't5', 'dav:alice', 1, 300, '[]'),
        ('alice/addressbooks/contacts', 'pruned.vcf', 'p', 'update', 't6', 'dav:alice', 5, 400, '[]'),
        ('alice/addressbooks/contacts', 'pruned.vcf', 'p', 'update', 't7', 'dav:alice', 6, 500, '[]');
";

async fn check_object_created_at(url: &str, postgres: bool) {
    migrate_to(url, postgres, 9).await;
    let mut conn = AnyConnection::connect(url).await.unwrap();
    conn.execute(VERSION_9_ROWS).await.expect("version 9 rows");
    // (name, uid, modified_at): the last has no log rows at all.
    for (name, uid, modified) in [
        ("kept.vcf", "k", 200),
        ("again.vcf", "a", 300),
        ("pruned.vcf", "p", 500),
        ("unlogged.vcf", "u", 600),
    ] {
        let card = format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{uid}\r\nEND:VCARD\r\n");
        let record = pimgate::adapters::vcard::parse(card.as_bytes()).unwrap().remove(0);
        sqlx::query(
            "INSERT INTO objects (collection_id, name, uid, version, etag, format, original, record, modified_seq, modified_at) \
             VALUES ('alice/addressbooks/contacts', $1, $2, 1, 'e', 'text/vcard; version=3.0', $3, $4, 1, $5)",
        )
        .bind(name)
        .bind(uid)
        .bind(card.into_bytes())
        .bind(serde_json::to_string(&record).unwrap())
        .bind(modified)
        .execute(&mut conn)
        .await
        .expect("a version 9 object");
    }
    conn.close().await.unwrap();

    let store = SqlStore::connect(url).await.expect("the store applies migration 10");
    let contacts = CollectionId("alice/addressbooks/contacts".into());
    for (name, created) in [
        ("kept.vcf", 100),     // its create
        ("again.vcf", 300),    // the create after its delete
        ("pruned.vcf", 400),   // create pruned: the oldest change left
        ("unlogged.vcf", 600), // no log: its last modification
    ] {
        let object = store
            .object(&contacts, &ObjectName(name.into()))
            .await
            .unwrap()
            .expect("object kept");
        assert_eq!(object.created_at, Timestamp(created), "{name}");
    }
    let listed = store.list_objects(&contacts).await.unwrap();
    assert!(listed.iter().all(|s| s.created_at.is_some()), "{listed:?}");
}

#[tokio::test]
async fn migration_10_dates_objects_from_their_change_log_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::File::create(&path).unwrap();
    check_object_created_at(&format!("sqlite://{}", path.display()), false).await;
}

#[tokio::test]
async fn migration_10_dates_objects_from_their_change_log_postgres() {
    let Some(base) = common::stores::postgres_url() else {
        return;
    };
    let url = common::stores::fresh_postgres_schema(&base).await;
    check_object_created_at(&url, true).await;
}

/// Logs a change of `collection` the way version 10 did; its position.
async fn log_change(conn: &mut AnyConnection, collection: &str, txid: &str) -> Seq {
    let row = sqlx::query(
        "INSERT INTO changes (collection_id, object_name, uid, op, txid, origin, new_version, at, changes) \
         VALUES ($1, 'x.vcf', 'x', 'create', $2, 'dav:alice', 1, 1, '[]') RETURNING seq",
    )
    .bind(collection)
    .bind(txid)
    .fetch_one(&mut *conn)
    .await
    .expect("a version 10 change");
    Seq(sqlx::Row::try_get(&row, "seq").unwrap())
}

async fn check_collection_log_starts(url: &str, postgres: bool) {
    migrate_to(url, postgres, 10).await;
    let mut conn = AnyConnection::connect(url).await.unwrap();
    let collection = |name: &str| {
        format!(
            "INSERT INTO collections (id, owner, home, name, kind, created_at) \
             VALUES ('alice/addressbooks/{name}', 'alice', 'addressbooks', '{name}', 'addressbook', 1)"
        )
    };
    conn.execute("INSERT INTO users (name, password_hash, created_at) VALUES ('alice', 'x', 1)")
        .await
        .unwrap();
    // `work` is deleted and made again, as version 10 did it: its log
    // started over at 0, below positions its predecessor handed out.
    let (work, kept) = ("alice/addressbooks/work", "alice/addressbooks/kept");
    conn.execute(collection("work").as_str()).await.unwrap();
    let old = [
        log_change(&mut conn, work, "t1").await,
        log_change(&mut conn, work, "t2").await,
    ];
    conn.execute("DELETE FROM changes WHERE collection_id = 'alice/addressbooks/work'")
        .await
        .unwrap();
    conn.execute("DELETE FROM collections WHERE id = 'alice/addressbooks/work'")
        .await
        .unwrap();
    conn.execute(collection("work").as_str()).await.unwrap();
    let new = log_change(&mut conn, work, "t3").await;
    conn.execute(collection("kept").as_str()).await.unwrap();
    let kept_at = log_change(&mut conn, kept, "t4").await;
    conn.execute(collection("empty").as_str()).await.unwrap();
    for (id, seq) in [(work, new), (kept, kept_at)] {
        sqlx::query("UPDATE collections SET last_seq = $2 WHERE id = $1")
            .bind(id)
            .bind(seq.0)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    conn.close().await.unwrap();

    let store = SqlStore::connect(url).await.expect("the store applies migration 11");
    let (work, kept) = (CollectionId(work.into()), CollectionId(kept.into()));
    for given in old {
        let stale = store.changes_since(&work, given, 10).await;
        assert!(
            matches!(stale, Err(StoreError::TokenExpired { .. })),
            "{given}: {stale:?}"
        );
        let stale = store.members_since(&work, given, 10, false).await;
        assert!(
            matches!(stale, Err(StoreError::TokenExpired { .. })),
            "{given}: {stale:?}"
        );
    }
    assert_eq!(store.changes_since(&work, new, 10).await.unwrap().changes.len(), 0);
    assert_eq!(store.changes_since(&work, Seq(0), 10).await.unwrap().changes.len(), 1);
    // Collections made once keep every position they handed out.
    assert_eq!(store.changes_since(&kept, kept_at, 10).await.unwrap().changes.len(), 0);
    assert_eq!(store.changes_since(&kept, Seq(0), 10).await.unwrap().changes.len(), 1);
    let empty = CollectionId("alice/addressbooks/empty".into());
    assert_eq!(store.current_seq(&empty).await.unwrap(), Seq(0));
    assert_eq!(
        store.members_since(&empty, Seq(0), 10, false).await.unwrap().next,
        Seq(0)
    );
}

#[tokio::test]
async fn migration_11_refuses_positions_of_a_collection_made_before_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::File::create(&path).unwrap();
    check_collection_log_starts(&format!("sqlite://{}", path.display()), false).await;
}

#[tokio::test]
async fn migration_11_refuses_positions_of_a_collection_made_before_postgres() {
    let Some(base) = common::stores::postgres_url() else {
        return;
    };
    let url = common::stores::fresh_postgres_schema(&base).await;
    check_collection_log_starts(&url, true).await;
}

/// Rows as version 10 stored them: a calendar object without a time span.
const VERSION_10_ROWS: &str = "
    INSERT INTO users (name, password_hash, created_at) VALUES ('alice', 'x', 1);
    INSERT INTO collections (id, owner, home, name, kind, created_at, last_seq)
        VALUES ('alice/calendars/work', 'alice', 'calendars', 'work', 'calendar', 1, 1);
";

const MEETING_2020: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:m\r\n\
    DTSTAMP:20200101T000000Z\r\nDTSTART:20200301T100000Z\r\nDTEND:20200301T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// The objects of the `work` calendar a 2026 time range reads.
async fn candidates_in_2026(store: &SqlStore) -> Vec<String> {
    let work = CollectionId("alice/calendars/work".into());
    let window = TimeSpan::between(Some(1_767_225_600), Some(1_798_761_600));
    let found = store.objects_meeting(&work, window, None, 10).await.unwrap();
    found.into_iter().map(|o| o.name.0).collect()
}

async fn check_object_spans(url: &str, postgres: bool) {
    migrate_to(url, postgres, 10).await;
    let mut conn = AnyConnection::connect(url).await.unwrap();
    conn.execute(VERSION_10_ROWS).await.expect("version 10 rows");
    let record = pimgate::adapters::ical::parse(MEETING_2020.as_bytes())
        .unwrap()
        .remove(0);
    sqlx::query(
        "INSERT INTO objects (collection_id, name, uid, version, etag, format, original, record, modified_seq, modified_at, size, created_at) \
         VALUES ('alice/calendars/work', 'm.ics', 'm', 1, 'e', 'text/calendar', $1, $2, 1, 1, $3, 1)",
    )
    .bind(MEETING_2020.as_bytes().to_vec())
    .bind(serde_json::to_string(&record).unwrap())
    .bind(MEETING_2020.len() as i64)
    .execute(&mut conn)
    .await
    .expect("a version 10 object");
    conn.close().await.unwrap();

    let store = SqlStore::connect(url).await.expect("the store applies migration 12");
    assert_eq!(
        candidates_in_2026(&store).await,
        ["m.ics"],
        "an object written before spans were kept is always a candidate"
    );
    // Its next write stores its span.
    let engine = Engine::new(store.clone()).with_spans(pimgate::server::render::time_span);
    engine
        .put_object(PutObject {
            collection: CollectionId("alice/calendars/work".into()),
            name: ObjectName("m.ics".into()),
            record: pimgate::adapters::ical::parse(MEETING_2020.replace("T11", "T12").as_bytes())
                .unwrap()
                .remove(0),
            original: MEETING_2020.replace("T11", "T12").into_bytes(),
            content_type: "text/calendar".into(),
            precondition: Precondition::None,
            origin: DeviceId("dav:alice".into()),
            at: Timestamp(2),
        })
        .await
        .expect("rewritten");
    assert!(candidates_in_2026(&store).await.is_empty());
}

#[tokio::test]
async fn migration_12_keeps_old_objects_candidates_until_rewritten_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::File::create(&path).unwrap();
    check_object_spans(&format!("sqlite://{}", path.display()), false).await;
}

#[tokio::test]
async fn migration_12_keeps_old_objects_candidates_until_rewritten_postgres() {
    let Some(base) = common::stores::postgres_url() else {
        return;
    };
    let url = common::stores::fresh_postgres_schema(&base).await;
    check_object_spans(&url, true).await;
}

const OLD_CARD: &str =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:old\r\nFN:Old\r\nTEL:+1 555 0100\r\nEMAIL:old@example.org\r\nEND:VCARD\r\n";

/// Stores an object the way version 12 did.
async fn old_object(conn: &mut AnyConnection, name: &str, version: i64, deleted: bool, card: &str) {
    let record = pimgate::adapters::vcard::parse(card.as_bytes()).unwrap().remove(0);
    sqlx::query(
        "INSERT INTO objects (collection_id, name, uid, version, etag, format, original, record, deleted, modified_seq, modified_at, size, created_at) \
         VALUES ('alice/addressbooks/contacts', $1, $2, $3, 'e', 'text/vcard; version=3.0', $4, $5, $6, 1, 1, $7, 1)",
    )
    .bind(name)
    .bind(record.uid().unwrap().to_owned())
    .bind(version)
    .bind(card.as_bytes().to_vec())
    .bind(serde_json::to_string(&record).unwrap())
    .bind(i64::from(deleted))
    .bind(card.len() as i64)
    .execute(&mut *conn)
    .await
    .expect("a version 12 object");
}

/// The update of `old.vcf` a device sends after editing its text into `after`.
fn edit_old(txid: &str, after: &str) -> pimgate::universal::ChangeTransaction {
    use pimgate::universal::{Op, TxId, Uid, Version};
    let before = pimgate::adapters::vcard::parse(OLD_CARD.as_bytes()).unwrap().remove(0);
    let mut after = pimgate::adapters::vcard::parse(after.as_bytes()).unwrap().remove(0);
    pimgate::engine::align_ids(&before, &mut after);
    pimgate::universal::ChangeTransaction {
        txid: TxId(txid.into()),
        collection: CollectionId("alice/addressbooks/contacts".into()),
        uid: Uid("old".into()),
        op: Op::Update,
        base_version: Some(Version(3)),
        new_version: Version(4),
        origin: DeviceId(txid.into()),
        at: Timestamp(2),
        changes: pimgate::engine::diff(&before, &after),
    }
}

async fn check_object_bases(url: &str, postgres: bool) {
    migrate_to(url, postgres, 12).await;
    let mut conn = AnyConnection::connect(url).await.unwrap();
    conn.execute(
        "INSERT INTO users (name, password_hash, created_at) VALUES ('alice', 'x', 1);
         INSERT INTO collections (id, owner, home, name, kind, created_at, last_seq, pruned_seq)
             VALUES ('alice/addressbooks/contacts', 'alice', 'addressbooks', 'contacts', 'addressbook', 1, 10, 5);
         INSERT INTO changes (collection_id, object_name, uid, op, txid, origin, base_version, new_version, at, changes)
             VALUES ('alice/addressbooks/contacts', 'recent.vcf', 'recent', 'update', 't', 'dav:alice', 1, 2, 1, '[]');",
    )
    .await
    .expect("version 12 rows");
    // Retention took the whole log of `old` and `gone`, and the create of `recent`.
    old_object(&mut conn, "old.vcf", 3, false, OLD_CARD).await;
    old_object(&mut conn, "gone.vcf", 2, true, &OLD_CARD.replace("old", "gone")).await;
    old_object(&mut conn, "recent.vcf", 2, false, &OLD_CARD.replace("old", "recent")).await;
    conn.close().await.unwrap();

    let store = SqlStore::connect(url).await.expect("the store applies migration 13");
    let contacts = CollectionId("alice/addressbooks/contacts".into());
    let history = async |name: &str| store.object_history(&contacts, &ObjectName(name.into())).await.unwrap();
    let old = history("old.vcf").await;
    let base = old
        .base
        .expect("an object whose whole log went starts with its stored record");
    assert_eq!(base.version.0, 3);
    let stored = pimgate::adapters::vcard::parse(OLD_CARD.as_bytes()).unwrap().remove(0);
    assert!(pimgate::engine::diff(&base.record, &stored).is_empty());
    assert_eq!(history("gone.vcf").await.base, None, "a tombstone has none");
    let recent = history("recent.vcf").await;
    assert_eq!(
        (recent.base, recent.changes.len()),
        (None, 1),
        "its pruned versions stay unknown"
    );

    // Two devices at version 3 of `old` edit different fields: merged.
    let engine = Engine::new(store.clone());
    let renderer = pimgate::server::render::AdapterRenderer;
    for (txid, after) in [
        ("laptop", OLD_CARD.replace("+1 555 0100", "+1 555 0300")),
        ("phone", OLD_CARD.replace("old@example.org", "old@home.example")),
    ] {
        engine
            .apply_transaction(&edit_old(txid, &after), "text/vcard", &renderer)
            .await
            .unwrap_or_else(|e| panic!("{txid}: {e}"));
    }
    let merged = store
        .object(&contacts, &ObjectName("old.vcf".into()))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8(merged.original).unwrap();
    assert!(
        text.contains("+1 555 0300") && text.contains("old@home.example"),
        "{text}"
    );
    assert_eq!(merged.version.0, 5);
}

#[tokio::test]
async fn migration_13_gives_objects_whose_log_went_a_base_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::File::create(&path).unwrap();
    check_object_bases(&format!("sqlite://{}", path.display()), false).await;
}

#[tokio::test]
async fn migration_13_gives_objects_whose_log_went_a_base_postgres() {
    let Some(base) = common::stores::postgres_url() else {
        return;
    };
    let url = common::stores::fresh_postgres_schema(&base).await;
    check_object_bases(&url, true).await;
}
