//! Helpers for the CSV adapter tests: fixture paths and a one-line text
//! summary of each property (`EMAIL;PREF=1;TYPE=home:ada@example.org`).
#![allow(dead_code)]

use std::path::PathBuf;

use pimgate::adapters::contentline::{DateStyle, format_date_times};
use pimgate::universal::{Prop, PropName, Record, Value};

/// `fixtures/csv/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/csv")
        .join(name)
}

/// Every input fixture (`*.csv` that is not a rendered golden).
pub fn input_fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture(""))
        .expect("fixtures/csv exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".csv") && !name.ends_with(".google.csv") && !name.ends_with(".outlook.csv")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 7, "CSV fixtures missing");
    files
}

pub fn parse_file(path: &std::path::Path) -> Vec<Record> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    pimgate::adapters::csv::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Text(t) | Value::Uri(t) | Value::Raw(t) => t.clone(),
        Value::TextList(items) => items.join(","),
        Value::Structured(fields) => fields.iter().map(|f| f.join(",")).collect::<Vec<_>>().join(";"),
        Value::DateTimes(values) => format_date_times(values, DateStyle::Basic),
        other => format!("{other:?}"),
    }
}

/// `NAME;PARAM=a,b;...:value`, parameters sorted by name.
pub fn line(prop: &Prop) -> String {
    let mut params: Vec<String> = prop
        .params()
        .iter()
        .map(|p| format!("{}={}", p.name, p.values.join(",")))
        .collect();
    params.sort();
    let mut out = prop.name().to_string();
    for param in params {
        out.push(';');
        out.push_str(&param);
    }
    out.push(':');
    out.push_str(&value_text(prop.value()));
    out
}

/// Every property of the record as a summary line.
pub fn lines(record: &Record) -> Vec<String> {
    record.root.props.iter().map(line).collect()
}

/// The summary lines of the properties named `names`, sorted.
pub fn lines_of(record: &Record, names: &[PropName]) -> Vec<String> {
    let mut out: Vec<String> = record
        .root
        .props
        .iter()
        .filter(|p| names.contains(p.name()))
        .map(line)
        .collect();
    out.sort();
    out
}

/// Asserts that every expected line is in the record.
pub fn assert_has(record: &Record, expected: &[&str]) {
    let have = lines(record);
    for want in expected {
        assert!(
            have.iter().any(|l| l == want),
            "missing {want:?} in\n{}",
            have.join("\n")
        );
    }
}
