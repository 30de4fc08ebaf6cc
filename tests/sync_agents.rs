//! Three device agents (`client::sync_once`, what `pimgate sync` runs) on
//! three vdirs plus a CardDAV client (an HTTP PUT) edit one contact
//! concurrently; after syncing until quiet every folder holds the same
//! objects and no field edit is lost.

mod common;
mod sync_support;

use std::path::Path;

use pimgate::adapters::vcard;
use pimgate::client::{Options, sync_once};
use pimgate::store::{ChangeLog, ObjectStore};
use pimgate::universal::ObjectName;
use sync_support::*;

fn vcf(dir: &Path) -> (String, String) {
    let entry = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(".vcf") && name != "broken.vcf"
        })
        .expect("a .vcf file");
    (
        entry.file_name().to_string_lossy().into_owned(),
        std::fs::read_to_string(entry.path()).unwrap(),
    )
}

fn edit(dir: &Path, from: &str, to: &str) {
    let (file, text) = vcf(dir);
    assert!(text.contains(from), "{file} lacks {from:?}:\n{text}");
    std::fs::write(dir.join(file), text.replace(from, to)).unwrap();
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
