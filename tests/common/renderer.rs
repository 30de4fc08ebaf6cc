//! An [`ObjectRenderer`] over the real adapters, for engine tests.

use pimgate::adapters::{ical, vcard};
use pimgate::engine::ObjectRenderer;
use pimgate::universal::{ObjectName, Record};

pub struct AdapterRenderer;

impl ObjectRenderer for AdapterRenderer {
    fn render(&self, record: &Record, content_type: &str) -> Result<(Vec<u8>, String), String> {
        if record.is_contact() {
            let version = if content_type.contains("4.0") {
                vcard::VCardVersion::V4
            } else {
                vcard::VCardVersion::V3
            };
            let bytes = vcard::render(record, version).map_err(|e| e.to_string())?;
            let content_type = if version == vcard::VCardVersion::V4 {
                "text/vcard; version=4.0"
            } else {
                "text/vcard; version=3.0"
            };
            Ok((bytes, content_type.into()))
        } else {
            Ok((
                ical::render(record).map_err(|e| e.to_string())?,
                "text/calendar; charset=utf-8".into(),
            ))
        }
    }

    fn object_name(&self, record: &Record) -> ObjectName {
        let uid: String = record
            .uid()
            .unwrap_or("object")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
            .collect();
        ObjectName(format!("{uid}.{}", if record.is_contact() { "vcf" } else { "ics" }))
    }
}
