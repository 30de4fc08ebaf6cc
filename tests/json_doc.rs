//! `docs/universal-format.md` cannot drift from the code: every ```json
//! block is deserialized into the type its fence names, serialized again and
//! compared with the block (so the page shows the canonical form).

use pimgate::adapters::json::universal::{self, Document};
use pimgate::universal::{Change, ChangeTransaction, Component, FieldPath, Param, Prop, Record, Value};
use serde::Serialize;
use serde::de::DeserializeOwned;

const DOC: &str = include_str!("../docs/universal-format.md");

/// `(type name, block text, line of the fence)` for every ```json block.
fn json_blocks() -> Vec<(String, String, usize)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String, usize)> = None;
    for (number, line) in DOC.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) if info.starts_with("json") => {
                let kind = info.trim_start_matches("json").trim().to_owned();
                current = Some((kind, String::new(), number + 1));
            }
            (Some(_), Some("")) => blocks.extend(current.take()),
            (Some((_, text, _)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            _ => {}
        }
    }
    assert!(current.is_none(), "unterminated ```json block");
    blocks
}

fn canonical<T: DeserializeOwned + Serialize>(text: &str) -> Result<(), String> {
    let typed: T = serde_json::from_str(text).map_err(|e| format!("does not deserialize: {e}"))?;
    let written = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    let shown: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if written == shown {
        Ok(())
    } else {
        Err(format!("serializes differently:\n{written}"))
    }
}

fn check(kind: &str, text: &str) -> Result<(), String> {
    match kind {
        "Document" => canonical::<Document>(text),
        "Record" => canonical::<Record>(text),
        "Component" => canonical::<Component>(text),
        "Prop" => canonical::<Prop>(text),
        "Param" => canonical::<Param>(text),
        "Value" => canonical::<Value>(text),
        "FieldPath" => canonical::<FieldPath>(text),
        "ChangeTransaction" => canonical::<ChangeTransaction>(text),
        "Change" => canonical::<Change>(text),
        "Input" => universal::parse(text.as_bytes()).map(drop).map_err(|e| e.to_string()),
        other => Err(format!("unknown block type {other:?} (write ```json <Type>)")),
    }
}

#[test]
fn every_json_example_in_the_universal_format_doc_is_canonical() {
    let blocks = json_blocks();
    let failures: Vec<String> = blocks
        .iter()
        .filter_map(|(kind, text, line)| {
            check(kind, text)
                .err()
                .map(|e| format!("docs/universal-format.md:{line} ({kind}): {e}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(blocks.len() >= 20, "only {} json blocks", blocks.len());
}

#[test]
fn every_value_type_has_an_example() {
    let shown: Vec<String> = json_blocks()
        .into_iter()
        .filter(|(kind, _, _)| kind == "Value")
        .filter_map(|(_, text, _)| {
            serde_json::from_str::<serde_json::Value>(&text).ok()?["type"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    for kind in [
        "text",
        "text-list",
        "structured",
        "uri",
        "binary",
        "date-times",
        "duration",
        "recur",
        "integer",
        "utc-offset",
        "boolean",
        "raw",
    ] {
        assert!(shown.iter().any(|s| s == kind), "no example of value type {kind}");
    }
}

#[test]
fn a_doc_example_that_drifts_is_caught() {
    assert!(
        check("Value", r#"{"type": "txt", "value": "a"}"#).is_err(),
        "an unknown value type must be caught"
    );
    assert!(check("Blob", "{}").is_err(), "an unknown block type must be caught");
    assert!(
        check("Value", r#"{"type": "duration", "value": {"minutes": 15}}"#).is_err(),
        "a non-canonical form must be caught"
    );
    assert!(check("Prop", r#"{"name": "FN", "value": {"type": "text", "value": "a"}}"#).is_ok());
}
