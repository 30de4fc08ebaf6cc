//! One CSV row → one VCARD component, in the vCard 4.0 vocabulary the vCard
//! adapter uses (RFC 6350 §6): cells are collected into a [`Draft`] first,
//! because one property can span many columns (N, ADR, BDAY, Google's
//! label/value pairs), then emitted in a fixed order.

use std::collections::BTreeMap;

use crate::universal::{Component, DateTimeValue, Diagnostic, Param, ParamName, Params, Prop, PropName, Value};

use super::dialect::{Columns, DateOrder, Target};
use super::tables::{AdrKind, AdrPart, Field, Group, Part};
use super::values::{self, HEADER_PARAM};

/// Which address a cell belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AdrKey {
    Fixed(AdrKind),
    Numbered(u32),
}

#[derive(Debug, Default)]
struct AdrDraft {
    /// The 7 ADR fields (RFC 6350 §6.3.1), each a list.
    fields: [Vec<String>; 7],
    formatted: Option<String>,
    params: Params,
}

/// One row, collected column by column.
#[derive(Debug, Default)]
pub(super) struct Draft {
    full_name: Option<String>,
    /// N fields: family, given, additional, prefix, suffix (RFC 6350 §6.2.2).
    name: [Vec<String>; 5],
    nickname: Vec<String>,
    org: Vec<(String, String)>,
    titles: Vec<String>,
    birthday: Option<Prop>,
    birth_parts: [Option<String>; 3],
    notes: Vec<String>,
    categories: Vec<String>,
    emails: Vec<Prop>,
    tels: Vec<Prop>,
    urls: Vec<Prop>,
    addresses: Vec<(AdrKey, AdrDraft)>,
    numbered: BTreeMap<(Group, u32), BTreeMap<Part, String>>,
    extras: Vec<Prop>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Builds the VCARD for one row. `cells` may be longer or shorter than the header.
pub(super) fn build(header: &[String], columns: &Columns, cells: &[&str], line: u32) -> (Component, Vec<Diagnostic>) {
    let mut draft = Draft::default();
    let order = columns.dialect.date_order();
    for (column, cell) in cells.iter().enumerate() {
        if cell.trim().is_empty() {
            continue;
        }
        match (columns.targets.get(column), header.get(column)) {
            (Some(Target::Field(field)), _) => draft.field(*field, cell, order, line),
            (Some(Target::Numbered { group, index, part }), _) => {
                draft
                    .numbered
                    .entry((*group, *index))
                    .or_default()
                    .insert(*part, (*cell).to_owned());
            }
            (Some(Target::Unmapped), Some(name)) => draft.extra(name, column, cell),
            _ => {
                draft.diagnostics.push(Diagnostic {
                    line,
                    message: format!(
                        "cell {} has no column in the header row; kept as {}",
                        column + 1,
                        values::x_name("", column)
                    ),
                    text: None,
                });
                draft.extra("", column, cell);
            }
        }
    }
    draft.numbered_groups();
    let uid = values::row_uid(header, cells);
    draft.finish(&uid, line)
}

fn text_prop(name: PropName, text: &str) -> Prop {
    Prop::new(name, Value::Text(text.to_owned()))
}

fn typed(name: PropName, value: Value, types: &[&str], primary: bool) -> Prop {
    let types: Vec<String> = types.iter().map(|t| (*t).to_owned()).collect();
    Prop::new(name, value).with_params(values::label_params(&types, primary, None))
}

impl Draft {
    fn field(&mut self, field: Field, cell: &str, order: DateOrder, line: u32) {
        let text = cell.trim();
        match field {
            Field::FullName => self.full_name = Some(text.to_owned()),
            Field::Family => self.name[0].push(text.to_owned()),
            Field::Given => self.name[1].push(text.to_owned()),
            Field::Additional => self.name[2].push(text.to_owned()),
            Field::Prefix => self.name[3].push(text.to_owned()),
            Field::Suffix => self.name[4].push(text.to_owned()),
            Field::Nickname => self.nickname.extend(split_trimmed(text, ",")),
            Field::Org => self.set_org(Some(text), None),
            Field::Department => self.set_org(None, Some(text)),
            Field::Title => self.titles.push(text.to_owned()),
            Field::Birthday => self.birthday(text, order, line),
            Field::BirthYear => self.birth_parts[0] = Some(text.to_owned()),
            Field::BirthMonth => self.birth_parts[1] = Some(text.to_owned()),
            Field::BirthDay => self.birth_parts[2] = Some(text.to_owned()),
            Field::Note => self.notes.push(cell.to_owned()),
            Field::Categories(separator) => self.categories.extend(split_trimmed(text, separator)),
            Field::Email { types, primary } => {
                self.emails
                    .push(typed(PropName::Email, Value::Text(text.into()), types, primary))
            }
            Field::Tel(types) => self
                .tels
                .push(typed(PropName::Tel, Value::Text(text.into()), types, false)),
            Field::Url(types) => self
                .urls
                .push(typed(PropName::Url, Value::Uri(text.into()), types, false)),
            Field::Adr(kind, part) => {
                let adr = self.address(AdrKey::Fixed(kind));
                if adr.params.is_empty() && !kind.types().is_empty() {
                    adr.params = values::label_params(&[kind.types()[0].to_owned()], false, None);
                }
                adr.set(part, text);
            }
        }
    }

    /// The first ORG gets the department; a department alone starts one.
    fn set_org(&mut self, org: Option<&str>, department: Option<&str>) {
        if self.org.is_empty() {
            self.org.push(Default::default());
        }
        let entry = &mut self.org[0];
        if let Some(org) = org {
            entry.0 = org.to_owned();
        }
        if let Some(department) = department {
            entry.1 = department.to_owned();
        }
    }

    fn birthday(&mut self, text: &str, order: DateOrder, line: u32) {
        match values::parse_birthday(text, order) {
            Some(Some(date)) => {
                self.birthday = Some(Prop::new(
                    PropName::Bday,
                    Value::DateTimes(vec![DateTimeValue::Date(date)]),
                ))
            }
            Some(None) => {}
            None => {
                self.diagnostics.push(Diagnostic {
                    line,
                    message: "birthday is not a date; kept as text".into(),
                    text: Some(text.into()),
                });
                let params = Params::new(vec![Param::new(ParamName::Value, vec!["text".into()])]);
                self.birthday = Some(text_prop(PropName::Bday, text).with_params(params));
            }
        }
    }

    fn birth_parts(&mut self, line: u32) {
        if self.birth_parts.iter().all(Option::is_none) {
            return;
        }
        let numbers: Vec<Option<u32>> = self
            .birth_parts
            .iter()
            .map(|p| p.as_deref().and_then(|t| t.trim().parse().ok()))
            .collect();
        match values::make_date(numbers[0], numbers[1], numbers[2]) {
            Some(date) => {
                self.birthday = Some(Prop::new(
                    PropName::Bday,
                    Value::DateTimes(vec![DateTimeValue::Date(date)]),
                ))
            }
            None => {
                let text = self
                    .birth_parts
                    .iter()
                    .map(|p| p.as_deref().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("-");
                self.diagnostics.push(Diagnostic {
                    line,
                    message: "birth year/month/day do not form a date; kept as text".into(),
                    text: Some(text.clone()),
                });
                let params = Params::new(vec![Param::new(ParamName::Value, vec!["text".into()])]);
                self.birthday = Some(text_prop(PropName::Bday, &text).with_params(params));
            }
        }
    }

    fn address(&mut self, key: AdrKey) -> &mut AdrDraft {
        let at = match self.addresses.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                self.addresses.push((key, AdrDraft::default()));
                self.addresses.len() - 1
            }
        };
        &mut self.addresses[at].1
    }

    /// An unmapped column (or Google custom field) as `X-CSV-<header>`.
    fn extra(&mut self, header: &str, column: usize, cell: &str) {
        let mut prop = Prop::new(values::x_name(header, column), Value::Text(cell.to_owned()));
        if !header.trim().is_empty() {
            prop = prop.with_params(Params::new(vec![Param::new(
                ParamName::Other(HEADER_PARAM.into()),
                vec![header.trim().to_owned()],
            )]));
        }
        self.extras.push(prop);
    }
}

impl AdrDraft {
    fn set(&mut self, part: AdrPart, text: &str) {
        match part.index() {
            // Street lines (Outlook's Street 2/3, Google's multi-line Street) are items of the street field.
            Some(2) => self.fields[2].extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned)),
            Some(index) => self.fields[index].push(text.to_owned()),
            None => self.formatted = Some(text.to_owned()),
        }
    }

    fn into_prop(mut self) -> Prop {
        if let Some(formatted) = self.formatted {
            self.params.push(Param::new(ParamName::Label, vec![formatted]));
        }
        let fields = self
            .fields
            .into_iter()
            .map(|f| if f.is_empty() { vec![String::new()] } else { f })
            .collect();
        Prop::new(PropName::Adr, Value::Structured(fields)).with_params(self.params)
    }
}

fn split_trimmed(text: &str, separator: &str) -> Vec<String> {
    text.split(separator)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

mod emit;
