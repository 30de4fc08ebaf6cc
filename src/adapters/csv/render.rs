//! Writing contacts as CSV: the shared parts (checks, value text, the CSV
//! writer) and the Google Contacts dialect. Outlook is in `render_outlook.rs`.

use crate::adapters::contentline::{DateStyle, format_date_times, join_structured};
use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::{DateTimeValue, ParamName, Prop, PropName, Record, Value};

use super::tables::{GOOGLE_ADDRESS_PARTS, GOOGLE_EXPORT_FIXED, GOOGLE_PHONE_LABELS, GOOGLE_PLAIN_LABELS};
use super::values::{self, HEADER_PARAM};

/// Fails unless every record is a contact.
pub(super) fn check_contacts(records: &[Record]) -> Result<(), FormatError> {
    match records.iter().position(|r| !r.is_contact()) {
        Some(at) => Err(FormatError::new(
            0,
            0,
            FormatErrorKind::Unrenderable("CSV holds contacts only; this record is not a VCARD".into()),
        )
        .in_record(at + 1)),
        None => Ok(()),
    }
}

/// Writes a header and rows (CRLF line ends, RFC 4180 §2 quoting).
pub(super) fn write_csv(prefix: &[u8], header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, FormatError> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .flexible(false)
        .from_writer(prefix.to_vec());
    let fail = |e: ::csv::Error| FormatError::new(0, 0, FormatErrorKind::Unrenderable(format!("CSV writer: {e}")));
    writer.write_record(header).map_err(fail)?;
    for row in rows {
        writer.write_record(row).map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| FormatError::new(0, 0, FormatErrorKind::Unrenderable(format!("CSV writer: {e}"))))
}

/// A value as cell text.
pub(super) fn value_text(value: &Value) -> String {
    match value {
        Value::Text(text) | Value::Uri(text) | Value::Raw(text) | Value::Binary(text) => text.clone(),
        Value::TextList(items) => items.join(","),
        Value::Structured(fields) => join_structured(fields),
        Value::DateTimes(values) => format_date_times(values, DateStyle::Extended),
        Value::Duration(_) | Value::Recur(_) | Value::UtcOffset(_) => serde_json::to_string(value).unwrap_or_default(),
        Value::Integer(n) => n.to_string(),
        Value::Boolean(b) => b.to_string(),
    }
}

/// One structured field as text (list items joined by `sep`).
pub(super) fn field(value: &Value, index: usize, sep: &str) -> String {
    match value {
        Value::Structured(fields) => fields.get(index).map(|f| f.join(sep)).unwrap_or_default(),
        other if index == 0 => value_text(other),
        _ => String::new(),
    }
}

/// The single date of a BDAY, if it is one.
pub(super) fn single_date(value: &Value) -> Option<&crate::universal::Date> {
    match value {
        Value::DateTimes(values) => match values.as_slice() {
            [DateTimeValue::Date(date)] | [DateTimeValue::DateTime { date, .. }] => Some(date),
            _ => None,
        },
        _ => None,
    }
}

/// Properties the CSV carries implicitly (VERSION) or regenerates on
/// import (UID, FN from the name parts).
pub(super) fn implicit(prop: &Prop) -> bool {
    matches!(
        prop.name(),
        PropName::Version | PropName::Uid | PropName::Fn | PropName::Prodid | PropName::Rev
    )
}

/// One Google contact row under construction.
#[derive(Default)]
struct GoogleRow {
    fixed: Vec<String>,
    emails: Vec<[String; 2]>,
    phones: Vec<[String; 2]>,
    addresses: Vec<Vec<String>>,
    websites: Vec<[String; 2]>,
    custom: Vec<[String; 2]>,
}

impl GoogleRow {
    fn set(&mut self, header: &str, text: String) -> bool {
        let at = GOOGLE_EXPORT_FIXED
            .iter()
            .position(|h| *h == header)
            .expect("header is in GOOGLE_EXPORT_FIXED");
        if !self.fixed[at].is_empty() || text.is_empty() {
            return false;
        }
        self.fixed[at] = text;
        true
    }

    fn is_empty(&self, header: &str) -> bool {
        GOOGLE_EXPORT_FIXED
            .iter()
            .position(|h| *h == header)
            .is_none_or(|at| self.fixed[at].is_empty())
    }

    /// Puts a property in its columns; what has no column (or finds its
    /// column taken) becomes a custom field labelled with its CSV header or
    /// property name.
    fn take(&mut self, prop: &Prop) {
        let value = prop.value();
        let taken = match prop.name() {
            PropName::N
                if ["First Name", "Middle Name", "Last Name"]
                    .iter()
                    .all(|h| self.is_empty(h)) =>
            {
                let parts = [
                    ("First Name", 1),
                    ("Middle Name", 2),
                    ("Last Name", 0),
                    ("Name Prefix", 3),
                    ("Name Suffix", 4),
                ];
                parts
                    .iter()
                    .for_each(|(header, i)| _ = self.set(header, field(value, *i, " ")));
                true
            }
            PropName::Org if self.is_empty("Organization Name") && self.is_empty("Organization Department") => {
                self.set("Organization Name", field(value, 0, " "));
                self.set("Organization Department", field(value, 1, " "));
                true
            }
            PropName::Nickname => self.set("Nickname", value_text(value)),
            PropName::Title => self.set("Organization Title", value_text(value)),
            PropName::Bday => self.set("Birthday", value_text(value)),
            PropName::Note => self.set("Notes", value_text(value)),
            PropName::Categories => match value {
                Value::TextList(items) => self.set("Labels", items.join(" ::: ")),
                other => self.set("Labels", value_text(other)),
            },
            PropName::Email => push_pair(&mut self.emails, prop, GOOGLE_PLAIN_LABELS),
            PropName::Tel => push_pair(&mut self.phones, prop, GOOGLE_PHONE_LABELS),
            PropName::Url => push_pair(&mut self.websites, prop, GOOGLE_PLAIN_LABELS),
            PropName::Adr => {
                self.addresses.push(google_address(prop));
                true
            }
            _ => false,
        };
        if !taken && !implicit(prop) {
            let label = prop
                .params()
                .first_value(&ParamName::Other(HEADER_PARAM.into()))
                .unwrap_or(prop.name().as_str());
            self.custom.push([label.to_owned(), value_text(value)]);
        }
    }

    /// FN has no column: it is recomposed from the name parts on import,
    /// and written as the first name only when there are no name parts.
    fn take_formatted_name(&mut self, prop: &Prop) {
        if ["First Name", "Middle Name", "Last Name", "Name Prefix", "Name Suffix"]
            .iter()
            .all(|h| self.is_empty(h))
        {
            self.set("First Name", value_text(prop.value()));
        }
    }
}

fn push_pair(list: &mut Vec<[String; 2]>, prop: &Prop, map: super::tables::LabelMap) -> bool {
    list.push([values::write_label(prop.params(), map), value_text(prop.value())]);
    true
}

/// Label, Formatted, Street, City, PO Box, Region, Postal Code, Country, Extended Address.
fn google_address(prop: &Prop) -> Vec<String> {
    let mut cells = vec![values::write_label(prop.params(), GOOGLE_PLAIN_LABELS)];
    for (_, part) in GOOGLE_ADDRESS_PARTS {
        cells.push(match part.index() {
            Some(index) => field(prop.value(), index, if index == 2 { "\n" } else { " " }),
            None => prop.params().first_value(&ParamName::Label).unwrap_or("").to_owned(),
        });
    }
    cells
}

/// Renders the current Google Contacts export (see the module doc of `csv`).
pub(super) fn google(records: &[Record]) -> Result<Vec<u8>, FormatError> {
    check_contacts(records)?;
    let rows: Vec<GoogleRow> = records
        .iter()
        .map(|record| {
            let mut row = GoogleRow {
                fixed: vec![String::new(); GOOGLE_EXPORT_FIXED.len()],
                ..Default::default()
            };
            record.root.props.iter().for_each(|p| row.take(p));
            record
                .root
                .props
                .iter()
                .filter(|p| *p.name() == PropName::Fn)
                .take(1)
                .for_each(|p| row.take_formatted_name(p));
            row
        })
        .collect();
    let count = |f: fn(&GoogleRow) -> usize, min: usize| rows.iter().map(f).max().unwrap_or(0).max(min);
    let counts = [
        count(|r| r.emails.len(), 1),
        count(|r| r.phones.len(), 1),
        count(|r| r.addresses.len(), 1),
        count(|r| r.websites.len(), 0),
        count(|r| r.custom.len(), 0),
    ];
    let header = google_header(counts);
    let cells = rows.iter().map(|row| google_cells(row, counts)).collect::<Vec<_>>();
    write_csv(b"", &header, &cells)
}

fn google_header([emails, phones, addresses, websites, custom]: [usize; 5]) -> Vec<String> {
    let mut header: Vec<String> = GOOGLE_EXPORT_FIXED.iter().map(|h| (*h).to_owned()).collect();
    let pairs = |header: &mut Vec<String>, group: &str, n: usize| {
        for i in 1..=n {
            header.push(format!("{group} {i} - Label"));
            header.push(format!("{group} {i} - Value"));
        }
    };
    pairs(&mut header, "E-mail", emails);
    pairs(&mut header, "Phone", phones);
    for i in 1..=addresses {
        header.push(format!("Address {i} - Label"));
        header.extend(
            GOOGLE_ADDRESS_PARTS
                .iter()
                .map(|(part, _)| format!("Address {i} - {part}")),
        );
    }
    pairs(&mut header, "Website", websites);
    pairs(&mut header, "Custom Field", custom);
    header
}

fn google_cells(row: &GoogleRow, [emails, phones, addresses, websites, custom]: [usize; 5]) -> Vec<String> {
    let mut cells = row.fixed.clone();
    let pairs = |cells: &mut Vec<String>, list: &[[String; 2]], n: usize| {
        for i in 0..n {
            cells.extend(list.get(i).cloned().unwrap_or_default());
        }
    };
    pairs(&mut cells, &row.emails, emails);
    pairs(&mut cells, &row.phones, phones);
    for i in 0..addresses {
        cells.extend(
            row.addresses
                .get(i)
                .cloned()
                .unwrap_or_else(|| vec![String::new(); GOOGLE_ADDRESS_PARTS.len() + 1]),
        );
    }
    pairs(&mut cells, &row.websites, websites);
    pairs(&mut cells, &row.custom, custom);
    cells
}
