//! Three device agents (`client::sync_once`, what `pimgate sync` runs) on
//! three vdirs plus a DAV client (HTTP PUT) edit one object concurrently —
//! different fields of a contact; different occurrences and fields of a
//! recurring event — and after syncing until quiet every folder and the
//! DAV view hold the same objects and no edit is lost.

mod common;
mod sync_support;

use std::path::Path;

use pimgate::adapters::{ical, vcard};
use pimgate::client::{Options, Report, sync_once};
use pimgate::store::{ChangeLog, ObjectStore};
use pimgate::universal::{CollectionId, ObjectName, Record, Uid};
use sync_support::*;

/// The one object file with this extension in a vdir (not the broken one): name and text.
fn object_file(dir: &Path, ext: &str) -> (String, String) {
    let entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(ext) && !name.starts_with("broken")
        })
        .collect();
    assert_eq!(entries.len(), 1, "one {ext} file in {}", dir.display());
    (
        entries[0].file_name().to_string_lossy().into_owned(),
        std::fs::read_to_string(entries[0].path()).unwrap(),
    )
}

fn vcf(dir: &Path) -> (String, String) {
    object_file(dir, ".vcf")
}

fn edit_file(dir: &Path, ext: &str, from: &str, to: &str) {
    let (file, text) = object_file(dir, ext);
    assert!(text.contains(from), "{file} lacks {from:?}:\n{text}");
    std::fs::write(dir.join(file), text.replacen(from, to, 1)).unwrap();
}

fn edit(dir: &Path, from: &str, to: &str) {
    edit_file(dir, ".vcf", from, to);
}

#[tokio::test]
async fn three_agents_and_a_dav_writer_converge_without_losing_a_field_edit() {
    let server = setup().await;
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut agents = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let d = device(&server, "alice", &format!("agent{i}")).await;
        agents.push(Options::new(&server.base, &d.token, contacts(), dir.path().to_owned()));
    }
    std::fs::write(dirs[0].path().join("jane.vcf"), CARD).unwrap();
    std::fs::write(dirs[0].path().join("broken.vcf"), "BEGIN:VCARD\r\nFN:no end\r\n").unwrap();
    let report = sync_once(&agents[0]).await.unwrap();
    assert_eq!(report.pushed, 1);
    assert!(report.problems.iter().any(|p| p.contains("broken.vcf")), "{report:?}");
    // Store-and-forward: B and C were offline; they catch up now.
    for agent in &agents[1..] {
        sync_once(agent).await.unwrap();
    }
    // Concurrent edits: B the phone number, C the e-mail, A the name,
    // and a DAV client the name too (a same-field conflict) and the title.
    edit(dirs[1].path(), "TEL:+1 555 0100", "TEL:+1 555 0199");
    edit(dirs[2].path(), "EMAIL:jane@example.org", "EMAIL:jane@work.example");
    edit(dirs[0].path(), "FN:Jane Doe", "FN:Jane A. Doe");
    let dav = CARD
        .replace("FN:Jane Doe", "FN:Jane DAV")
        .replace("END:VCARD", "TITLE:Engineer\r\nEND:VCARD");
    // A DAV client (a phone) PUTs its version of the card over HTTP.
    let put = reqwest::Client::new()
        .put(server.url("/dav/addressbooks/alice/contacts/jane.vcf"))
        .basic_auth("alice", Some(PASSWORD))
        .header("Content-Type", "text/vcard; charset=utf-8")
        .body(dav)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "DAV PUT: {}", put.status());
    let (a, b, c) = tokio::join!(sync_once(&agents[0]), sync_once(&agents[1]), sync_once(&agents[2]));
    for r in [a, b, c] {
        r.unwrap();
    }
    for _ in 0..2 {
        for agent in &agents {
            sync_once(agent).await.unwrap();
        }
    }
    let texts: Vec<String> = dirs.iter().map(|d| vcf(d.path()).1).collect();
    let records: Vec<_> = texts
        .iter()
        .map(|t| vcard::parse(t.as_bytes()).unwrap().remove(0))
        .collect();
    let served = server
        .store()
        .object(&contacts(), &ObjectName("jane.vcf".into()))
        .await
        .unwrap()
        .unwrap();
    let served_text = String::from_utf8(served.original).unwrap();
    for text in texts.iter().chain([&served_text]) {
        for field in [
            "TEL:+1 555 0199",
            "EMAIL:jane@work.example",
            "FN:Jane A. Doe",
            "TITLE:Engineer",
        ] {
            assert!(text.contains(field), "{field} lost:\n{text}");
        }
    }
    let plain = |r: &pimgate::universal::Record| {
        let mut r = r.clone();
        r.clear_raw();
        pimgate::engine::diff(&records[0], &r)
    };
    assert!(plain(&records[1]).is_empty() && plain(&records[2]).is_empty());
    // The losing name is in the change log (theirs wins: A pushed after the DAV write).
    let log = server
        .store()
        .changes_since(&contacts(), pimgate::universal::Seq(0), 100)
        .await
        .unwrap();
    assert!(
        log.changes
            .iter()
            .filter_map(|c| c.conflicts.as_ref())
            .any(|c| c.to_string().contains("Jane DAV")),
        "the loser is logged"
    );
    // The broken file was reported and left untouched.
    assert_eq!(
        std::fs::read_to_string(dirs[0].path().join("broken.vcf")).unwrap(),
        "BEGIN:VCARD\r\nFN:no end\r\n"
    );
    // A local delete reaches the others.
    let (file, _) = vcf(dirs[1].path());
    std::fs::remove_file(dirs[1].path().join(file)).unwrap();
    sync_once(&agents[1]).await.unwrap();
    let report = sync_once(&agents[2]).await.unwrap();
    assert_eq!(report.removed, 1);
    assert!(
        std::fs::read_dir(dirs[2].path())
            .unwrap()
            .filter_map(|e| e.ok())
            .all(|e| !e.file_name().to_string_lossy().ends_with(".vcf")),
        "the delete reached C"
    );
}

/// A daily standup, ten occurrences from Monday 2025-01-06 09:00 UTC.
const STANDUP: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pimgate tests//EN\r\nBEGIN:VEVENT\r\n\
UID:standup\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250106T090000Z\r\nDTEND:20250106T091500Z\r\n\
RRULE:FREQ=DAILY;COUNT=10\r\nSUMMARY:Standup\r\nDESCRIPTION:Daily standup\r\nLOCATION:Room 1\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

/// An override of the standup's occurrence at `recurrence_id` with these extra lines.
fn occurrence(recurrence_id: &str, start: &str, lines: &str) -> String {
    format!(
        "BEGIN:VEVENT\r\nUID:standup\r\nDTSTAMP:20250102T000000Z\r\nRECURRENCE-ID:{recurrence_id}\r\n\
         DTSTART:{start}\r\nDURATION:PT15M\r\n{lines}END:VEVENT\r\n"
    )
}

/// Adds an override to the calendar file of a vdir.
fn add_occurrence(dir: &Path, vevent: &str) {
    edit_file(dir, ".ics", "END:VCALENDAR", &format!("{vevent}END:VCALENDAR"));
}

/// The record in canonical text, one block per VEVENT: the master first, then by RECURRENCE-ID.
fn events(record: &Record) -> Vec<String> {
    let mut plain = record.clone();
    plain.clear_raw();
    let text = String::from_utf8(ical::render(&plain).unwrap()).unwrap();
    let mut blocks: Vec<String> = text
        .split("BEGIN:VEVENT\r\n")
        .skip(1)
        .map(|b| b.split("END:VEVENT").next().unwrap().to_owned())
        .collect();
    blocks.sort_by_key(|b| b.contains("RECURRENCE-ID").then(|| b.to_owned()));
    blocks
}

/// The block of the occurrence overridden at `recurrence_id`.
fn block<'a>(blocks: &'a [String], recurrence_id: &str) -> &'a str {
    let wanted = format!("RECURRENCE-ID:{recurrence_id}\r\n");
    blocks
        .iter()
        .find(|b| b.contains(&wanted))
        .unwrap_or_else(|| panic!("no override at {recurrence_id} in {blocks:#?}"))
}

/// Syncs every agent, one after another, until a round changes nothing on
/// the server and writes no file; the number of rounds it took.
async fn sync_until_quiet(server: &common::server::TestServer, agents: &[Options], collection: &CollectionId) -> usize {
    for round in 1..=6 {
        let before = server.store().current_seq(collection).await.unwrap();
        let mut written = 0;
        for agent in agents {
            let report: Report = sync_once(agent).await.unwrap();
            assert!(report.problems.is_empty(), "{report:?}");
            written += report.written + report.removed;
        }
        if written == 0 && server.store().current_seq(collection).await.unwrap() == before {
            return round;
        }
    }
    panic!("the agents did not settle in 6 rounds");
}

#[tokio::test]
async fn three_agents_and_a_dav_client_edit_occurrences_and_fields_of_one_recurring_event_without_loss() {
    let server = setup().await;
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut agents = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let d = device(&server, "alice", &format!("calendar agent {i}")).await;
        agents.push(Options::new(&server.base, &d.token, calendar(), dir.path().to_owned()));
    }
    std::fs::write(dirs[0].path().join("standup.ics"), STANDUP).unwrap();
    sync_until_quiet(&server, &agents, &calendar()).await;

    // Concurrent edits, all made against the same version:
    // A renames the series; B overrides Tuesday's title; C moves Wednesday
    // to 10:00 in another room; a DAV client moves the series to Room 2 and
    // overrides Thursday.
    edit_file(dirs[0].path(), ".ics", "SUMMARY:Standup", "SUMMARY:Team standup");
    add_occurrence(
        dirs[1].path(),
        &occurrence("20250107T090000Z", "20250107T090000Z", "SUMMARY:Standup (demo)\r\n"),
    );
    add_occurrence(
        dirs[2].path(),
        &occurrence("20250108T090000Z", "20250108T100000Z", "LOCATION:Room 9\r\n"),
    );
    let name = server
        .store()
        .object_by_uid(&calendar(), &Uid("standup".into()))
        .await
        .unwrap()
        .unwrap()
        .name;
    let href = format!("/dav/calendars/alice/calendar/{name}");
    let http = reqwest::Client::new();
    let got = http
        .get(server.url(&href))
        .basic_auth("alice", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let etag = got.headers()["etag"].to_str().unwrap().to_owned();
    let phone = got
        .text()
        .await
        .unwrap()
        .replacen("LOCATION:Room 1", "LOCATION:Room 2", 1)
        .replace(
            "END:VCALENDAR",
            &format!(
                "{}END:VCALENDAR",
                occurrence("20250109T090000Z", "20250109T090000Z", "SUMMARY:Standup (remote)\r\n")
            ),
        );
    assert!(phone.contains("LOCATION:Room 2"), "{phone}");
    let put = http
        .put(server.url(&href))
        .basic_auth("alice", Some(PASSWORD))
        .header("content-type", "text/calendar; charset=utf-8")
        .header("if-match", etag)
        .body(phone)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "DAV PUT: {}", put.status());
    let (a, b, c) = tokio::join!(sync_once(&agents[0]), sync_once(&agents[1]), sync_once(&agents[2]));
    for report in [a, b, c] {
        assert!(report.unwrap().problems.is_empty());
    }
    sync_until_quiet(&server, &agents, &calendar()).await;

    // Every folder, the store and the DAV view hold the same event …
    let served = http
        .get(server.url(&href))
        .basic_auth("alice", Some(PASSWORD))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut views: Vec<(String, Record)> = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (
                format!("agent {i}"),
                ical::parse(object_file(d.path(), ".ics").1.as_bytes())
                    .unwrap()
                    .remove(0),
            )
        })
        .collect();
    views.push(("DAV GET".into(), ical::parse(served.as_bytes()).unwrap().remove(0)));
    let stored = server.store().object(&calendar(), &name).await.unwrap().unwrap();
    let expected = events(&stored.record);
    for (who, record) in &views {
        assert_eq!(events(record), expected, "{who} differs from the store");
    }
    // … with every edit in it.
    assert_eq!(expected.len(), 4, "{expected:#?}");
    let master = &expected[0];
    assert!(!master.contains("RECURRENCE-ID"), "{master}");
    for line in [
        "SUMMARY:Team standup",
        "LOCATION:Room 2",
        "DESCRIPTION:Daily standup",
        "RRULE:FREQ=DAILY;COUNT=10",
    ] {
        assert!(master.contains(line), "master lost {line}:\n{master}");
    }
    assert!(block(&expected, "20250107T090000Z").contains("SUMMARY:Standup (demo)"));
    let wednesday = block(&expected, "20250108T090000Z");
    assert!(
        wednesday.contains("DTSTART:20250108T100000Z") && wednesday.contains("LOCATION:Room 9"),
        "{wednesday}"
    );
    assert!(block(&expected, "20250109T090000Z").contains("SUMMARY:Standup (remote)"));
}

#[tokio::test]
async fn an_edit_whose_base_left_the_log_is_merged_by_the_agent_and_pushed_not_lost() {
    let server = setup().await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let token_a = device(&server, "alice", "a").await.token;
    let a = Options::new(&server.base, &token_a, contacts(), dir_a.path().into());
    let b = Options::new(
        &server.base,
        &device(&server, "alice", "b").await.token,
        contacts(),
        dir_b.path().into(),
    );
    std::fs::write(dir_a.path().join("jane.vcf"), CARD).unwrap();
    sync_once(&a).await.unwrap();
    sync_once(&b).await.unwrap();
    edit(dir_b.path(), "TEL:+1 555 0100", "TEL:+1 555 0199");
    sync_once(&b).await.unwrap();
    // A edits against version 1. Meanwhile a second folder on A's token
    // reads B's edit, so the device's cursor no longer holds the log, and
    // retention prunes the create and B's edit: the server keeps version 2
    // as the object's base and cannot rebuild A's base, version 1.
    edit(dir_a.path(), "EMAIL:jane@example.org", "EMAIL:jane@work.example");
    let dir_a2 = tempfile::tempdir().unwrap();
    sync_once(&Options::new(&server.base, &token_a, contacts(), dir_a2.path().into()))
        .await
        .unwrap();
    let far = pimgate::universal::Timestamp(i64::MAX / 2);
    assert_eq!(
        pimgate::server::retention::prune_all(server.store(), 0, far)
            .await
            .unwrap(),
        2
    );
    let report = sync_once(&a).await.unwrap();
    assert!(
        report.problems.iter().any(|p| p.contains("resync")),
        "the server could not merge: {report:?}"
    );
    let (_, text) = vcf(dir_a.path());
    assert!(
        text.contains("TEL:+1 555 0199") && text.contains("EMAIL:jane@work.example"),
        "{text}"
    );
    // The merged file goes out on the next run and reaches B.
    sync_once(&a).await.unwrap();
    sync_once(&b).await.unwrap();
    let (_, text) = vcf(dir_b.path());
    assert!(
        text.contains("TEL:+1 555 0199") && text.contains("EMAIL:jane@work.example"),
        "{text}"
    );
}

#[tokio::test]
async fn a_create_refused_because_its_uid_was_taken_meanwhile_keeps_both_objects_in_the_folder() {
    let server = setup().await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Options::new(
        &server.base,
        &device(&server, "alice", "a").await.token,
        contacts(),
        dir_a.path().into(),
    );
    let b = Options::new(
        &server.base,
        &device(&server, "alice", "b").await.token,
        contacts(),
        dir_b.path().into(),
    );
    std::fs::write(dir_a.path().join("jane.vcf"), CARD).unwrap();
    let b_card = CARD.replace("FN:Jane Doe", "FN:Jane from B");
    std::fs::write(dir_b.path().join("jane.vcf"), &b_card).unwrap();
    sync_once(&a).await.unwrap();
    let report = sync_once(&b).await.unwrap();
    assert!(report.problems.iter().any(|p| p.contains("both kept")), "{report:?}");
    assert_eq!(std::fs::read_to_string(dir_b.path().join("jane.vcf")).unwrap(), b_card);
    let texts: Vec<String> = std::fs::read_dir(dir_b.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".vcf"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("FN:Jane Doe")), "{texts:?}");
    // Later runs report the clash and leave the user's file alone.
    for _ in 0..2 {
        let report = sync_once(&b).await.unwrap();
        assert!(report.problems.iter().any(|p| p.contains("UID jane")), "{report:?}");
    }
    let served = server
        .store()
        .object(&contacts(), &ObjectName("jane.vcf".into()))
        .await
        .unwrap()
        .unwrap();
    assert!(
        String::from_utf8(served.original).unwrap().contains("FN:Jane Doe"),
        "A's object stands on the server"
    );
}

#[tokio::test]
async fn a_folder_that_lost_its_state_file_adopts_the_servers_equal_objects_without_duplicates() {
    let server = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let agent = Options::new(
        &server.base,
        &device(&server, "alice", "a").await.token,
        contacts(),
        dir.path().into(),
    );
    for i in 0..3 {
        let card = CARD.replace("UID:jane", &format!("UID:jane{i}"));
        std::fs::write(dir.path().join(format!("jane{i}.vcf")), card).unwrap();
    }
    assert_eq!(sync_once(&agent).await.unwrap().pushed, 3);
    std::fs::remove_file(dir.path().join(pimgate::client::state::STATE_FILE)).unwrap();
    sync_once(&agent).await.unwrap();
    let report = sync_once(&agent).await.unwrap();
    assert_eq!((report.pushed, report.written, report.removed), (0, 0, 0), "{report:?}");
    assert!(report.problems.is_empty(), "{report:?}");
    let files = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".vcf"))
        .count();
    assert_eq!(files, 3);
}
