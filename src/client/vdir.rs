//! The vdir: one `.vcf` or `.ics` file per object (the layout vdirsyncer,
//! khard and khal use). Scanning parses every file; one that does not parse
//! to exactly one object with a UID is reported and never touched. Writes
//! are atomic: a hidden temp file in the same folder, then a rename.

use std::path::{Path, PathBuf};

use crate::adapters::{ical, vcard};
use crate::universal::Record;

/// One parsed file.
#[derive(Debug, Clone)]
pub struct LocalObject {
    pub file: String,
    pub record: Record,
    pub hash: String,
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct Scan {
    pub objects: Vec<LocalObject>,
    /// Files that could not be read, with why (left untouched).
    pub unreadable: Vec<(String, String)>,
}

/// The content hash the agent compares files by.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_owned()
}

fn is_object_file(name: &str) -> bool {
    !name.starts_with('.') && (name.ends_with(".vcf") || name.ends_with(".ics"))
}

/// Parses one file's bytes into its single object.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Record, String> {
    let records = if file.ends_with(".vcf") {
        vcard::parse(bytes)
    } else {
        ical::parse(bytes)
    }
    .map_err(|e| e.to_string())?;
    match <[Record; 1]>::try_from(records) {
        Ok([record]) if record.uid().is_some_and(|u| !u.is_empty()) => Ok(record),
        Ok(_) => Err("the object has no UID".into()),
        Err(records) => Err(format!(
            "{} objects in one file; a vdir holds one per file",
            records.len()
        )),
    }
}

/// Reads and parses every object file of `dir`.
pub fn scan(dir: &Path) -> std::io::Result<Scan> {
    let mut scan = Scan::default();
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_object_file(n))
        .collect();
    names.sort();
    for file in names {
        match std::fs::read(dir.join(&file)) {
            Ok(bytes) => match parse(&file, &bytes) {
                Ok(record) => scan.objects.push(LocalObject {
                    hash: hash(&bytes),
                    file,
                    record,
                }),
                Err(why) => scan.unreadable.push((file, why)),
            },
            Err(e) => scan.unreadable.push((file, e.to_string())),
        }
    }
    Ok(scan)
}

/// The bytes of `record` for `file`; a vCard keeps 4.0 when `previous` was 4.0.
pub fn render(record: &Record, previous: Option<&[u8]>) -> Result<Vec<u8>, String> {
    if !record.is_contact() {
        return ical::render(record).map_err(|e| e.to_string());
    }
    let v4 = previous.is_some_and(|b| memchr::memmem::find(b, b"VERSION:4.0").is_some());
    let version = if v4 {
        vcard::VCardVersion::V4
    } else {
        vcard::VCardVersion::V3
    };
    vcard::render(record, version).map_err(|e| e.to_string())
}

/// Writes `bytes` to `dir/file` atomically (temp file, fsync, rename).
pub fn write_atomic(dir: &Path, file: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let temp: PathBuf = dir.join(format!(".{file}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut out = std::fs::File::create(&temp)?;
    out.write_all(bytes)?;
    out.sync_all()?;
    drop(out);
    std::fs::rename(&temp, dir.join(file))
}

/// A safe file name for a server object name (no separators, not hidden).
pub fn file_name(object: &str, uid: &str, is_contact: bool) -> String {
    let clean: String = object
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ext = if is_contact { ".vcf" } else { ".ics" };
    if clean.is_empty() || clean.starts_with('.') || !clean.ends_with(ext) {
        return format!("{}{ext}", hash(uid.as_bytes()));
    }
    clean
}
