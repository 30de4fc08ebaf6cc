//! `pimgate convert` on JSON inputs, run as the real binary: round trips,
//! stdin/stdout, sniffing, warnings and `--strict`, and the exit codes
//! (0 success, 1 bad input, 2 usage). Needs no other adapter.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const MIXED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/json/mixed.json");

/// Runs `pimgate args...` with `stdin` piped in.
fn pimgate(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pimgate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the pimgate binary starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin)
        .expect("stdin accepts the input");
    child.wait_with_output().expect("pimgate finishes")
}

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("json_cli").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn json_to_json_round_trip_is_byte_identical() {
    let out = scratch("round_trip").join("out.json");
    let output = pimgate(
        &[
            "convert",
            MIXED,
            "--from",
            "json",
            "--to",
            "json",
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(MIXED).unwrap());
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
}

#[test]
fn dash_reads_stdin_and_writes_stdout_and_json_is_sniffed() {
    let input = std::fs::read(MIXED).unwrap();
    let output = pimgate(&["convert", "-", "--to", "json"], &input);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(output.stdout, input);
}

#[test]
fn unknown_format_name_is_a_usage_error_listing_the_formats() {
    let output = pimgate(&["convert", MIXED, "--to", "vcard5"], b"");
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("invalid value 'vcard5'"), "{message}");
    assert!(
        message.contains("vcard3, vcard4, ical, csv-google, csv-outlook, json, jscontact, jscalendar"),
        "{message}"
    );
    let output = pimgate(&["convert", MIXED, "--from", "ics", "--to", "json"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("vcard, ical, csv, json, jscontact, jscalendar, vcard3, vcard4, csv-google, csv-outlook"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bad_json_exits_1_naming_file_line_and_column_and_writes_nothing() {
    let dir = scratch("bad_json");
    let (input, out) = (dir.join("bad.json"), dir.join("out.json"));
    std::fs::write(&input, "{\n  \"records\": [\n    {,\n  ]\n}\n").unwrap();
    let output = pimgate(
        &[
            "convert",
            input.to_str().unwrap(),
            "--to",
            "json",
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "pimgate: {}: line 3, column 6: invalid JSON: key must be a string\n",
            input.display()
        )
    );
    assert!(!out.exists(), "no output on failure");
}

#[test]
fn input_that_cannot_be_sniffed_asks_for_from() {
    let output = pimgate(&["convert", "-", "--to", "json"], b"hello world\n");
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with("pimgate: <stdin>: cannot tell the input format"),
        "{message}"
    );
    assert!(message.contains("--from"), "{message}");
}

#[test]
fn missing_input_file_exits_1() {
    let output = pimgate(&["convert", "/nonexistent/pimgate.json", "--to", "json"], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("pimgate: /nonexistent/pimgate.json: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn contacts_cannot_be_written_to_a_calendar_format() {
    let output = pimgate(&["convert", MIXED, "--to", "ical"], b"");
    assert_eq!(output.status.code(), Some(1));
    let expected =
        format!("pimgate: {MIXED}: record 1, a contact cannot be written as ical, which holds only calendar objects\n");
    assert_eq!(stderr(&output), expected);
    let output = pimgate(&["convert", MIXED, "--to", "vcard4"], b"");
    assert!(
        stderr(&output).contains("record 2, a calendar object cannot be written as vcard4"),
        "{}",
        stderr(&output)
    );
}

const WITH_DIAGNOSTIC: &[u8] = br#"{"records": [{"root": {"name": "VCARD"}, "diagnostics": [{"line": 3, "message": "odd parameter", "text": "X;;Y:1"}]}]}"#;

#[test]
fn warnings_go_to_stderr_without_failing() {
    let output = pimgate(&["convert", "-", "--to", "json"], WITH_DIAGNOSTIC);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "<stdin>: record 1, line 3: warning: odd parameter: \"X;;Y:1\"\n"
    );
    assert!(!output.stdout.is_empty());
}

#[test]
fn strict_turns_warnings_into_failure() {
    let output = pimgate(&["convert", "-", "--to", "json", "--strict"], WITH_DIAGNOSTIC);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "pimgate: <stdin>: record 1, line 3: odd parameter (strict mode)\n"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn jscontact_input_that_is_not_a_card_names_the_record() {
    let output = pimgate(
        &["convert", "-", "--from", "jscontact", "--to", "json"],
        br#"[{"@type": "Event"}]"#,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("<stdin>: record 1, expected a JSContact Card"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn version_is_printed() {
    let output = pimgate(&["--version"], b"");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("pimgate {}\n", env!("CARGO_PKG_VERSION"))
    );
}
