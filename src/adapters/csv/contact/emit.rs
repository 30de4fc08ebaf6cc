//! The second half of a row: Google's numbered groups become properties,
//! then the draft is emitted as a VCARD in a fixed property order.

use crate::universal::{Component, ComponentName, Diagnostic, Prop, PropName, Value};

use super::super::tables::{GOOGLE_PHONE_LABELS, GOOGLE_PLAIN_LABELS, Group, LabelMap, Part};
use super::super::values::{self, Label};
use super::{AdrKey, Draft, text_prop};

/// Google puts several values with the same label in one cell, ` ::: `-separated.
const MULTI: &str = " ::: ";

impl Draft {
    pub(super) fn numbered_groups(&mut self) {
        for ((group, index), parts) in std::mem::take(&mut self.numbered) {
            let label_cell = parts.get(&Part::Label).map(String::as_str).unwrap_or("");
            let value = parts.get(&Part::Value).map(|v| v.trim()).unwrap_or("");
            match group {
                Group::Email => self.labelled(PropName::Email, label_cell, value, GOOGLE_PLAIN_LABELS),
                Group::Phone => self.labelled(PropName::Tel, label_cell, value, GOOGLE_PHONE_LABELS),
                Group::Website => self.labelled(PropName::Url, label_cell, value, GOOGLE_PLAIN_LABELS),
                Group::CustomField => {
                    let header = if label_cell.trim().is_empty() {
                        format!("Custom Field {index}")
                    } else {
                        label_cell.trim().to_owned()
                    };
                    if !value.is_empty() {
                        self.extra(&header, 0, value);
                    }
                }
                Group::Organization => {
                    let name = parts.get(&Part::OrgName).map(|s| s.trim()).unwrap_or("");
                    let department = parts.get(&Part::OrgDepartment).map(|s| s.trim()).unwrap_or("");
                    if !name.is_empty() || !department.is_empty() {
                        self.org.push((name.to_owned(), department.to_owned()));
                    }
                    if let Some(title) = parts.get(&Part::OrgTitle) {
                        self.titles.push(title.trim().to_owned());
                    }
                }
                Group::Address => {
                    let label = values::read_label(label_cell, GOOGLE_PLAIN_LABELS);
                    let adr = self.address(AdrKey::Numbered(index));
                    adr.params = values::label_params(&label.types, label.primary, label.custom.as_deref());
                    for (part, text) in &parts {
                        if let Part::Adr(adr_part) = part {
                            adr.set(*adr_part, text.trim());
                        }
                    }
                }
            }
        }
    }

    /// EMAIL, TEL or URL values of one numbered group.
    fn labelled(&mut self, name: PropName, label_cell: &str, value: &str, map: LabelMap) {
        let Label { types, primary, custom } = values::read_label(label_cell, map);
        for (i, item) in value.split(MULTI).map(str::trim).filter(|v| !v.is_empty()).enumerate() {
            let params = values::label_params(&types, primary && i == 0, custom.as_deref());
            let value = if name == PropName::Url {
                Value::Uri(item.to_owned())
            } else {
                Value::Text(item.to_owned())
            };
            let prop = Prop::new(name.clone(), value).with_params(params);
            match name {
                PropName::Email => self.emails.push(prop),
                PropName::Tel => self.tels.push(prop),
                _ => self.urls.push(prop),
            }
        }
    }

    /// FN: the display-name column, else the name parts, else the
    /// organization, e-mail or phone (RFC 6350 §6.2.1 requires an FN).
    fn formatted_name(&self) -> String {
        if let Some(full) = &self.full_name {
            return full.clone();
        }
        let order = [3, 1, 2, 0, 4];
        let parts: Vec<&str> = order
            .iter()
            .flat_map(|i| self.name[*i].iter())
            .map(String::as_str)
            .collect();
        if !parts.is_empty() {
            return parts.join(" ");
        }
        let fallback = self.org.first().map(|(org, _)| org.as_str()).filter(|o| !o.is_empty());
        fallback
            .or_else(|| self.emails.first().and_then(|p| p.value().as_text()))
            .or_else(|| self.tels.first().and_then(|p| p.value().as_text()))
            .unwrap_or("")
            .to_owned()
    }

    /// The VCARD: VERSION, UID, FN, N, NICKNAME, EMAIL, TEL, ADR, ORG,
    /// TITLE, BDAY, URL, CATEGORIES, NOTE, then the `X-CSV-` columns.
    pub(super) fn finish(mut self, uid: &str, line: u32) -> (Component, Vec<Diagnostic>) {
        self.birth_parts(line);
        let mut card = Component::new(ComponentName::VCard);
        let props = &mut card.props;
        props.push(text_prop(PropName::Version, "4.0"));
        props.push(text_prop(PropName::Uid, uid));
        props.push(text_prop(PropName::Fn, &self.formatted_name()));
        if self.name.iter().any(|f| !f.is_empty()) {
            let fields = self
                .name
                .iter()
                .map(|f| if f.is_empty() { vec![String::new()] } else { f.clone() })
                .collect();
            props.push(Prop::new(PropName::N, Value::Structured(fields)));
        }
        if !self.nickname.is_empty() {
            props.push(Prop::new(PropName::Nickname, Value::TextList(self.nickname)));
        }
        props.append(&mut self.emails);
        props.append(&mut self.tels);
        props.extend(self.addresses.into_iter().map(|(_, adr)| adr.into_prop()));
        for (org, department) in self.org {
            let mut fields = vec![vec![org]];
            if !department.is_empty() {
                fields.push(vec![department]);
            }
            props.push(Prop::new(PropName::Org, Value::Structured(fields)));
        }
        props.extend(
            self.titles
                .iter()
                .filter(|t| !t.is_empty())
                .map(|t| text_prop(PropName::Title, t)),
        );
        props.extend(self.birthday);
        props.append(&mut self.urls);
        if !self.categories.is_empty() {
            props.push(Prop::new(PropName::Categories, Value::TextList(self.categories)));
        }
        props.extend(self.notes.iter().map(|n| text_prop(PropName::Note, n)));
        props.append(&mut self.extras);
        (card, self.diagnostics)
    }
}
