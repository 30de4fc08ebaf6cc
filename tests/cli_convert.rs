//! `pimgate convert` between the content-line and CSV formats and the JSON
//! views, run as the real binary. These need the vCard, iCalendar and CSV
//! adapters (they fail until those are merged).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pimgate::adapters::{self, Format};
use pimgate::universal::Record;

fn fixture(name: &str) -> String {
    format!("{}/fixtures/json/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `pimgate convert <input> --to <target> -o <out>`; returns the output
/// bytes after checking the exit status is 0.
fn convert(input: &str, to: &str, out: &Path) -> Vec<u8> {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_pimgate"))
        .args(["convert", input, "--to", to, "-o", out.to_str().unwrap()])
        .output()
        .expect("the pimgate binary starts");
    assert!(
        output.status.success(),
        "convert {input} --to {to}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(out).expect("the output file was written")
}

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_convert").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn records(format: Format, bytes: &[u8]) -> Vec<Record> {
    adapters::parse(format, bytes).unwrap_or_else(|e| panic!("{format}: {e}"))
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("UTF-8 output")
}

#[test]
fn vcard_converts_to_vcard4_json_and_jscontact() {
    let dir = scratch("vcard");
    let input = fixture("contacts.vcf");
    let original = records(Format::VCard, &std::fs::read(&input).unwrap());
    assert_eq!(original.len(), 2);

    let vcard4 = convert(&input, "vcard4", &dir.join("out.vcf"));
    assert_eq!(text(&vcard4).matches("BEGIN:VCARD").count(), 2);
    assert!(
        text(&vcard4).contains("VERSION:4.0") && text(&vcard4).contains("FN:Jane Doe"),
        "{}",
        text(&vcard4)
    );
    assert!(
        text(&vcard4).contains("X-PIMGATE-NOTE:vendor property"),
        "vendor properties are kept"
    );

    let json = convert(&input, "json", &dir.join("out.json"));
    assert_eq!(
        records(Format::Json, &json),
        original,
        "universal JSON keeps the records"
    );

    let jscontact = convert(&input, "jscontact", &dir.join("out.jscontact.json"));
    let cards: serde_json::Value = serde_json::from_slice(&jscontact).unwrap();
    assert_eq!(cards.as_array().map(Vec::len), Some(2), "{cards}");
    assert_eq!(cards[0]["@type"], "Card");
    assert_eq!(cards[0]["name"]["full"], "Jane Doe");
    let back = records(Format::JsContact, &jscontact);
    assert_eq!(back.len(), 2);
    assert_eq!(back[1].uid(), Some("urn:uuid:0c1b2a3d-0000-4000-8000-000000000002"));
}

#[test]
fn icalendar_converts_to_ical_and_jscalendar() {
    let dir = scratch("ical");
    let input = fixture("calendar.ics");
    let original = records(Format::ICalendar, &std::fs::read(&input).unwrap());
    assert_eq!(original.len(), 2, "one record per UID");

    let ical = convert(&input, "ical", &dir.join("out.ics"));
    assert_eq!(
        text(&ical).matches("BEGIN:VCALENDAR").count(),
        1,
        "joined into one VCALENDAR"
    );
    assert_eq!(records(Format::ICalendar, &ical), original);

    let jscalendar = convert(&input, "jscalendar", &dir.join("out.jscalendar.json"));
    let group: serde_json::Value = serde_json::from_slice(&jscalendar).unwrap();
    assert_eq!(group["@type"], "Group");
    let titles: Vec<&str> = group["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert_eq!(titles, ["Standup", "Write the report"]);
    let back = records(Format::JsCalendar, &jscalendar);
    let uids: Vec<_> = back.iter().filter_map(Record::uid).collect();
    assert_eq!(uids, ["standup-1", "todo-1"]);
}

#[test]
fn google_csv_converts_to_csv_google() {
    let dir = scratch("csv");
    let input = fixture("google.csv");
    let original = records(Format::Csv, &std::fs::read(&input).unwrap());
    assert_eq!(original.len(), 2);
    let csv = convert(&input, "csv-google", &dir.join("out.csv"));
    assert!(
        text(&csv).contains("jane@example.com") && text(&csv).contains("John"),
        "{}",
        text(&csv)
    );
    assert_eq!(records(Format::Csv, &csv).len(), 2);
}
