//! The universal format: records as JSON, exactly as the serde attributes of
//! [`crate::universal`] write them (documented in `docs/universal-format.md`).
//!
//! A document is `{"records": [ <Record>, ... ]}`; a bare array of records is
//! accepted on input too. Raw bytes are neither written nor read: JSON is
//! for programs that may edit it, and stale raw bytes would then be rendered
//! instead of the edited values. Field ids missing from the input are assigned
//! (after the largest one present); a field id used twice in one record is an
//! error, because the delta engine addresses fields by id.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{syntax_error, to_pretty};
use crate::adapters::contentline::whole_input_to_utf8;
use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::{FieldId, Record};

/// The top level of a universal JSON document.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub records: Vec<Record>,
}

/// Reads a universal JSON document (or a bare array of records).
pub fn parse(input: &[u8]) -> Result<Vec<Record>, FormatError> {
    let text = whole_input_to_utf8(input);
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let starts_with_array = text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let records = if starts_with_array {
        serde_json::from_slice::<Vec<Record>>(text)
    } else {
        serde_json::from_slice::<Document>(text).map(|document| document.records)
    }
    .map_err(|e| syntax_error(&e))?;
    records
        .into_iter()
        .enumerate()
        .map(|(index, record)| checked(record).map_err(|e| e.in_record(index + 1)))
        .collect()
}

/// Writes records as a universal JSON document (pretty-printed, final newline).
pub fn render(records: &[Record]) -> Result<Vec<u8>, FormatError> {
    #[derive(Serialize)]
    struct DocumentRef<'a> {
        records: &'a [Record],
    }
    let records: Vec<Record> = records
        .iter()
        .map(|record| {
            let mut record = record.clone();
            record.clear_raw();
            record
        })
        .collect();
    to_pretty(&DocumentRef { records: &records })
}

/// Rejects duplicate field ids and assigns the missing ones.
fn checked(mut record: Record) -> Result<Record, FormatError> {
    let mut seen = HashSet::new();
    let mut duplicate = None;
    record.root.walk(&mut |component| {
        for prop in &component.props {
            let id = prop.id();
            if !id.is_unassigned() && !seen.insert(id) && duplicate.is_none() {
                duplicate = Some(id);
            }
        }
    });
    if let Some(FieldId(id)) = duplicate {
        return Err(FormatError::new(
            0,
            0,
            FormatErrorKind::Syntax(format!("field id {id} is used by two properties")),
        ));
    }
    record.assign_field_ids();
    record.clear_raw();
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::universal::{Component, ComponentName, Prop, PropName, SourceFormat, Value};

    fn contact(name: &str) -> Record {
        let mut root = Component::new(ComponentName::VCard);
        root.props.push(Prop::new(PropName::Fn, Value::Text(name.into())));
        root.props
            .push(Prop::new(PropName::Tel, Value::Text("+1 555 0100".into())));
        Record::new(root, Some(SourceFormat::VCard40))
    }

    #[test]
    fn records_round_trip_through_universal_json() {
        let records = vec![contact("Jane"), contact("John")];
        let json = render(&records).unwrap();
        assert!(
            json.starts_with(b"{\n  \"records\": ["),
            "{}",
            String::from_utf8_lossy(&json)
        );
        assert_eq!(parse(&json).unwrap(), records);
    }

    #[test]
    fn bare_array_is_accepted_and_missing_field_ids_are_assigned() {
        let json = br#"[{"root": {"name": "VCARD", "props": [
            {"id": 4, "name": "FN", "value": {"type": "text", "value": "Jane"}},
            {"name": "NOTE", "value": {"type": "text", "value": "x"}}]}}]"#;
        let records = parse(json).unwrap();
        let ids: Vec<u32> = records[0].root.props.iter().map(|p| p.id().0).collect();
        assert_eq!(ids, vec![4, 5]);
    }

    #[test]
    fn duplicate_field_ids_name_the_record() {
        let json = br#"{"records": [{"root": {"name": "VCARD"}}, {"root": {"name": "VCARD", "props": [
            {"id": 1, "name": "FN", "value": {"type": "text", "value": "a"}},
            {"id": 1, "name": "NOTE", "value": {"type": "text", "value": "b"}}]}}]}"#;
        let error = parse(json).unwrap_err();
        assert_eq!(error.to_string(), "record 2, field id 1 is used by two properties");
    }

    #[test]
    fn unknown_value_type_names_line_and_column() {
        let json = b"{\"records\": [\n{\"root\": {\"name\": \"VCARD\", \"props\": [\n{\"name\": \"FN\", \"value\": {\"type\": \"txt\", \"value\": \"a\"}}]}}]}";
        let error = parse(json).unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.to_string().contains("unknown variant `txt`"), "{error}");
    }

    #[test]
    fn unknown_top_level_key_is_an_error_not_silent_loss() {
        let error = parse(br#"{"records": [], "record": []}"#).unwrap_err();
        assert!(error.to_string().contains("unknown field `record`"), "{error}");
    }

    #[test]
    fn raw_bytes_are_neither_written_nor_trusted_on_input() {
        let mut root = Component::new(ComponentName::VCard);
        root.props
            .push(Prop::new(PropName::Fn, Value::Text("Jane".into())).with_raw("FN:Jane\r\n".into()));
        let record = Record::new(root, Some(SourceFormat::VCard40));
        let json = String::from_utf8(render(&[record]).unwrap()).unwrap();
        assert!(!json.contains("\"raw\""), "{json}");
        // Edited JSON whose stale raw says otherwise: the value wins.
        let edited = br#"[{"source": "vcard-4.0", "root": {"name": "VCARD", "props": [
            {"id": 1, "name": "FN", "value": {"type": "text", "value": "Joan"}, "raw": "FN:Jane\r\n"}]}}]"#;
        let records = parse(edited).unwrap();
        assert!(records[0].root.props[0].raw().is_none());
    }
}
