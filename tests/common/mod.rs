//! Shared test support: the real-world corpus in `../shared/fixtures/realworld`.
#![allow(dead_code)]

pub mod dav_client;
pub mod server;
pub mod stores;

use std::path::PathBuf;

/// One file of the real-world corpus, from its MANIFEST.tsv.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    /// Path relative to the corpus root (`vcard/…`).
    pub name: String,
    pub path: PathBuf,
    /// `vcard`, `ical` or `csv`.
    pub kind: String,
    pub version: String,
    /// `real-world/test-data` or `edge/malformed`.
    pub label: String,
    pub license: String,
}

impl CorpusFile {
    pub fn is_malformed(&self) -> bool {
        self.label == "edge/malformed"
    }

    /// Whether the licence lets us copy the file into `fixtures/`.
    pub fn copyable(&self) -> bool {
        ["MIT", "BSD", "Apache"].iter().any(|l| self.license.contains(l)) && !self.license.contains("GPL")
    }

    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).unwrap_or_else(|e| panic!("{}: {e}", self.path.display()))
    }
}

/// The corpus root: `$PIMGATE_CORPUS`, or `../shared/fixtures/realworld`
/// beside the crate.
pub fn corpus_root() -> PathBuf {
    if let Ok(dir) = std::env::var("PIMGATE_CORPUS") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/realworld")
}

/// Every corpus file of one kind. Panics when the corpus is missing: the
/// round-trip law must never pass vacuously.
pub fn corpus(kind: &str) -> Vec<CorpusFile> {
    let root = corpus_root();
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv"))
        .unwrap_or_else(|e| panic!("corpus manifest {}: {e} (set PIMGATE_CORPUS)", root.display()));
    let files: Vec<CorpusFile> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols.len() >= 10 && cols[1] == kind).then(|| CorpusFile {
                name: cols[0].to_owned(),
                path: root.join(cols[0]),
                kind: cols[1].to_owned(),
                version: cols[2].to_owned(),
                label: cols[5].to_owned(),
                license: cols[9].to_owned(),
            })
        })
        .collect();
    assert!(!files.is_empty(), "no {kind} files in the corpus manifest");
    files
}
