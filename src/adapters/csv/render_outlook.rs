//! Writing contacts as Outlook's English CSV export.

use std::collections::HashMap;

use crate::adapters::FormatError;
use crate::universal::{Prop, PropName, Record, Value};

use super::render::{check_contacts, field, single_date, value_text, write_csv};
use super::tables::{Field, OUTLOOK_EN};
use super::values;

/// The columns of Outlook's English export, in its order.
static OUTLOOK_EXPORT_HEADERS: &[&str] = &[
    "Title",
    "First Name",
    "Middle Name",
    "Last Name",
    "Suffix",
    "Company",
    "Department",
    "Job Title",
    "Business Street",
    "Business Street 2",
    "Business Street 3",
    "Business City",
    "Business State",
    "Business Postal Code",
    "Business Country/Region",
    "Home Street",
    "Home Street 2",
    "Home Street 3",
    "Home City",
    "Home State",
    "Home Postal Code",
    "Home Country/Region",
    "Other Street",
    "Other Street 2",
    "Other Street 3",
    "Other City",
    "Other State",
    "Other Postal Code",
    "Other Country/Region",
    "Assistant's Phone",
    "Business Fax",
    "Business Phone",
    "Business Phone 2",
    "Callback",
    "Car Phone",
    "Company Main Phone",
    "Home Fax",
    "Home Phone",
    "Home Phone 2",
    "ISDN",
    "Mobile Phone",
    "Other Fax",
    "Other Phone",
    "Pager",
    "Primary Phone",
    "Radio Phone",
    "TTY/TDD Phone",
    "Telex",
    "Account",
    "Anniversary",
    "Assistant's Name",
    "Billing Information",
    "Birthday",
    "Business Address PO Box",
    "Categories",
    "Children",
    "Directory Server",
    "E-mail Address",
    "E-mail Type",
    "E-mail Display Name",
    "E-mail 2 Address",
    "E-mail 2 Type",
    "E-mail 2 Display Name",
    "E-mail 3 Address",
    "E-mail 3 Type",
    "E-mail 3 Display Name",
    "Gender",
    "Government ID Number",
    "Hobby",
    "Home Address PO Box",
    "Initials",
    "Internet Free Busy",
    "Keywords",
    "Language",
    "Location",
    "Manager's Name",
    "Mileage",
    "Notes",
    "Office Location",
    "Organizational ID Number",
    "Other Address PO Box",
    "Priority",
    "Private",
    "Profession",
    "Referred By",
    "Sensitivity",
    "Spouse",
    "User 1",
    "User 2",
    "User 3",
    "User 4",
    "Web Page",
];

/// The address column prefixes, by ADR TYPE.
static ADDRESS_BLOCKS: &[(&str, &str, &str)] = &[
    ("work", "Business", "Business Address PO Box"),
    ("home", "Home", "Home Address PO Box"),
    ("", "Other", "Other Address PO Box"),
];

#[derive(Default)]
struct OutlookRow(HashMap<&'static str, String>);

impl OutlookRow {
    /// Sets an empty column; false when it is taken (or the text is empty).
    fn set(&mut self, header: &'static str, text: String) -> bool {
        if text.is_empty() || self.0.get(header).is_some_and(|t| !t.is_empty()) {
            return false;
        }
        self.0.insert(header, text);
        true
    }

    fn free(&self, header: &str) -> bool {
        self.0.get(header).is_none_or(String::is_empty)
    }

    fn take(&mut self, prop: &Prop) {
        let value = prop.value();
        match prop.name() {
            PropName::N => {
                for (header, index) in [
                    ("Title", 3),
                    ("First Name", 1),
                    ("Middle Name", 2),
                    ("Last Name", 0),
                    ("Suffix", 4),
                ] {
                    self.set(header, field(value, index, " "));
                }
            }
            PropName::Org if self.free("Company") => {
                self.set("Company", field(value, 0, " "));
                self.set("Department", field(value, 1, " "));
            }
            PropName::Title => _ = self.set("Job Title", value_text(value)),
            PropName::Note => _ = self.set("Notes", value_text(value)),
            PropName::Url => _ = self.set("Web Page", value_text(value)),
            PropName::Categories => _ = self.set("Categories", field(value, 0, ";").replace(',', ";")),
            PropName::Bday => {
                if let Some(date) = single_date(value)
                    && let (Some(y), Some(m), Some(d)) = (date.year, date.month, date.day)
                {
                    self.set("Birthday", format!("{m}/{d}/{y}"));
                }
            }
            PropName::Tel => self.tel(prop),
            PropName::Adr => self.adr(prop),
            _ => {}
        }
    }

    /// The first free phone column whose TYPEs are the property's, else a
    /// free fax / mobile / other column.
    fn tel(&mut self, prop: &Prop) {
        let types = values::significant_types(prop.params());
        let exact = OUTLOOK_EN.iter().filter_map(|(header, field)| match field {
            Field::Tel(t) if values::same_types(t, &types) => Some(*header),
            _ => None,
        });
        let fallback: &[&str] = if types.iter().any(|t| t == "fax") {
            &["Other Fax", "Other Phone", "Callback", "Radio Phone"]
        } else {
            &["Other Phone", "Callback", "Radio Phone"]
        };
        let text = value_text(prop.value());
        if let Some(header) = exact.chain(fallback.iter().copied()).find(|h| self.free(h)) {
            let header = OUTLOOK_EXPORT_HEADERS
                .iter()
                .find(|h| **h == header)
                .copied()
                .unwrap_or("Other Phone");
            self.set(header, text);
        }
    }

    /// Business / Home / Other by TYPE; street items fill Street, Street 2, Street 3.
    fn adr(&mut self, prop: &Prop) {
        let types = values::significant_types(prop.params());
        let wanted = ADDRESS_BLOCKS
            .iter()
            .position(|(t, _, _)| t.is_empty() || types.iter().any(|u| u == t))
            .unwrap_or(2);
        let block = ADDRESS_BLOCKS[wanted..]
            .iter()
            .chain(&ADDRESS_BLOCKS[2..])
            .find(|(_, prefix, _)| {
                ["Street", "City", "State", "Postal Code", "Country/Region"]
                    .iter()
                    .all(|part| self.free(&format!("{prefix} {part}")))
            });
        let Some((_, prefix, po_box)) = block else {
            return;
        };
        let value = prop.value();
        let streets: Vec<String> = match value {
            Value::Structured(fields) => fields.get(2).cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        let header = |part: &str| -> &'static str {
            let name = format!("{prefix} {part}");
            OUTLOOK_EXPORT_HEADERS
                .iter()
                .find(|h| **h == name)
                .copied()
                .unwrap_or("Other Street")
        };
        for (i, line) in streets.iter().filter(|s| !s.is_empty()).take(3).enumerate() {
            self.set(header(["Street", "Street 2", "Street 3"][i]), line.clone());
        }
        self.set(po_box, field(value, 0, " "));
        for (part, index) in [("City", 3), ("State", 4), ("Postal Code", 5), ("Country/Region", 6)] {
            self.set(header(part), field(value, index, " "));
        }
    }
}

/// Renders Outlook's English CSV export (UTF-8 with a byte-order mark, so
/// Outlook and Excel read it as UTF-8).
pub(super) fn outlook(records: &[Record]) -> Result<Vec<u8>, FormatError> {
    check_contacts(records)?;
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|record| {
            let mut row = OutlookRow::default();
            let props = &record.root.props;
            // The preferred e-mail goes first: Outlook's first address is its primary.
            let mut emails: Vec<&Prop> = props.iter().filter(|p| *p.name() == PropName::Email).collect();
            emails.sort_by_key(|p| !values::is_primary(p.params()));
            for (prop, header) in emails
                .iter()
                .zip(["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"])
            {
                row.set(header, value_text(prop.value()));
            }
            props.iter().for_each(|p| row.take(p));
            if row.free("First Name")
                && row.free("Last Name")
                && let Some(name) = record.root.prop(&PropName::Fn)
            {
                row.set("First Name", value_text(name.value()));
            }
            OUTLOOK_EXPORT_HEADERS
                .iter()
                .map(|h| row.0.get(h).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    let header: Vec<String> = OUTLOOK_EXPORT_HEADERS.iter().map(|h| (*h).to_owned()).collect();
    write_csv(b"\xEF\xBB\xBF", &header, &rows)
}
