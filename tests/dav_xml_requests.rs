//! Golden tests for DAV request bodies (STYLE G11/G12): every
//! `fixtures/dav/<method>-<case>.request.xml` is parsed by the parser its
//! method prefix names, and the typed result (or the error) is compared with
//! `<method>-<case>.parsed.txt`. Rewritten only with `UPDATE_EXPECT=1`.

use std::path::{Path, PathBuf};

use expect_test::expect_file;
use pimgate::server::dav::xml::XmlLimits;
use pimgate::server::dav::xml::request::{parse_lockinfo, parse_mkcol, parse_propfind, parse_proppatch, parse_report};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dav")
}

/// Parses one request fixture with the parser its name selects and returns
/// the Debug text of the typed request or the error.
fn parse_fixture(name: &str, body: &[u8]) -> String {
    let limits = XmlLimits::default();
    let method = name.split('-').next().unwrap_or_default();
    match method {
        "propfind" => format!("{:#?}", parse_propfind(body, &limits)),
        "proppatch" => format!("{:#?}", parse_proppatch(body, &limits)),
        "mkcol" => format!("{:#?}", parse_mkcol(body, &limits, false)),
        "mkcalendar" => format!("{:#?}", parse_mkcol(body, &limits, true)),
        "lock" => format!("{:#?}", parse_lockinfo(body, &limits)),
        "report" => format!("{:#?}", parse_report(body, &limits)),
        other => panic!("fixture {name}: unknown method prefix {other:?}"),
    }
}

/// The one place that touches the request parsers.
fn check_request(path: &Path) {
    let name = path.file_name().and_then(|n| n.to_str()).expect("UTF-8 name");
    let name = name.strip_suffix(".request.xml").expect("request fixture");
    let body = std::fs::read(path).expect("fixture readable");
    let parsed = parse_fixture(name, &body) + "\n";
    expect_file![path.with_file_name(format!("{name}.parsed.txt"))].assert_eq(&parsed);
}

fn request_fixtures() -> Vec<PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(fixtures())
        .expect("fixtures/dav")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".request.xml")))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_request_fixture_parses_to_its_golden_typed_request() {
    let paths = request_fixtures();
    assert!(paths.len() >= 30, "only {} request fixtures found", paths.len());
    for path in paths {
        check_request(&path);
    }
}

#[test]
fn every_golden_has_its_request() {
    // A stale .parsed.txt whose request was renamed would otherwise never be checked.
    for entry in std::fs::read_dir(fixtures()).expect("fixtures/dav") {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if let Some(stem) = name.strip_suffix(".parsed.txt") {
            assert!(
                path.with_file_name(format!("{stem}.request.xml")).exists(),
                "orphan golden {name}"
            );
        }
    }
}
