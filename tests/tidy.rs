//! Architecture invariants (ARCHITECTURE.md), checked on the source tree.
//!
//! Layers may only use layers below them; HTTP and DAV XML exist only in
//! `src/server/`; every module says what it owns; no test is ignored.

use std::path::{Path, PathBuf};

/// (layer directory, what its code must never name, why)
const FORBIDDEN: &[(&str, &[&str], &str)] = &[
    (
        "src/universal",
        &[
            "crate::adapters",
            "crate::engine",
            "crate::store",
            "crate::server",
            "crate::client",
            "axum",
            "sqlx",
            "quick_xml",
            "http::",
        ],
        "the universal model is the bottom layer",
    ),
    (
        "src/adapters",
        &[
            "crate::engine",
            "crate::store",
            "crate::server",
            "crate::client",
            "axum",
            "sqlx",
            "quick_xml",
            "http::",
        ],
        "adapters know formats, nothing above them",
    ),
    (
        "src/engine",
        &[
            "crate::adapters",
            "crate::server",
            "crate::client",
            "axum",
            "quick_xml",
            "http::",
            "StatusCode",
        ],
        "the engine knows no formats and no HTTP",
    ),
    (
        "src/store",
        &[
            "crate::adapters",
            "crate::engine",
            "crate::server",
            "crate::client",
            "axum",
            "quick_xml",
            "http::",
            "StatusCode",
        ],
        "the store persists records; it knows no formats, engine or HTTP",
    ),
    (
        "src/client",
        &["crate::server", "axum::"],
        "the device agent is an HTTP client, never the server",
    ),
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Code lines only: comments and doc comments may mention other layers.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
}

fn violations(layer: &str, text: &str, forbidden: &[&str]) -> Vec<String> {
    code_lines(text)
        .flat_map(|(n, line)| {
            forbidden
                .iter()
                .filter(move |f| line.contains(**f))
                .map(move |f| format!("{layer}:{n}: uses `{f}`"))
        })
        .collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn layers_only_use_layers_below_them() {
    let mut problems = Vec::new();
    let mut scanned = 0;
    for (dir, forbidden, why) in FORBIDDEN {
        for file in rust_files(&root().join(dir)) {
            scanned += 1;
            let text = std::fs::read_to_string(&file).unwrap();
            let name = file.strip_prefix(root()).unwrap().display().to_string();
            problems.extend(
                violations(&name, &text, forbidden)
                    .into_iter()
                    .map(|v| format!("{v} ({why})")),
            );
        }
    }
    assert!(scanned >= 10, "tidy scanned only {scanned} files: wrong root?");
    assert!(problems.is_empty(), "layering violations:\n{}", problems.join("\n"));
}

#[test]
fn into_response_lives_only_in_server_error() {
    let allowed = root().join("src/server/error.rs");
    let offenders: Vec<_> = rust_files(&root().join("src"))
        .into_iter()
        .filter(|f| *f != allowed)
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("impl IntoResponse"))
        .collect();
    assert!(
        offenders.is_empty(),
        "impl IntoResponse outside src/server/error.rs: {offenders:?}"
    );
}

#[test]
fn every_module_opens_with_a_module_doc() {
    let missing: Vec<_> = rust_files(&root().join("src"))
        .into_iter()
        .filter(|f| !f.ends_with("main.rs"))
        .filter(|f| !std::fs::read_to_string(f).unwrap().trim_start().starts_with("//!"))
        .collect();
    assert!(missing.is_empty(), "modules without a //! doc: {missing:?}");
}

#[test]
fn no_test_is_ignored() {
    let marker = ["#[", "ignore]"].concat();
    let offenders: Vec<_> = [root().join("src"), root().join("tests")]
        .iter()
        .flat_map(|d| rust_files(d))
        .filter(|f| std::fs::read_to_string(f).unwrap().contains(&marker))
        .collect();
    assert!(
        offenders.is_empty(),
        "ignored tests (assert the current behaviour with a FIXME instead): {offenders:?}"
    );
}

#[test]
fn the_checker_catches_a_violation() {
    let text = "//! doc\nuse crate::server::dav;\n// use axum in a comment is fine\n";
    let found = violations("src/engine/x.rs", text, &["crate::server", "axum"]);
    assert_eq!(found, vec!["src/engine/x.rs:2: uses `crate::server`"]);
}
