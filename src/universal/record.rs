//! The record tree every format maps into: [`Record`] → [`Component`] → [`Prop`] → [`Param`].
//!
//! Invariant: a property's `raw` bytes, when present, are exactly the bytes the
//! property was read from (including any junk lines before it and its line
//! terminator). Every mutator of a [`Prop`] drops them, so a renderer may emit
//! `raw` verbatim for a property nobody changed — that is how an unchanged
//! record is served back byte for byte.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::field_id::FieldId;
use super::name::{ComponentName, ParamName, PropName};
use super::value::Value;

/// One parameter: a name and its values (`TYPE=work,voice` has two values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    pub name: ParamName,
    pub values: Vec<String>,
}

impl Param {
    pub fn new(name: ParamName, values: Vec<String>) -> Self {
        Param { name, values }
    }

    /// Case-insensitive test for one value (`TYPE` values are case-insensitive).
    pub fn has_value(&self, value: &str) -> bool {
        self.values.iter().any(|v| v.eq_ignore_ascii_case(value))
    }
}

/// The parameters of one property, in the order they were written.
///
/// Equality ignores their order: `TYPE=work;PREF=1` equals `PREF=1;TYPE=work`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Params(Vec<Param>);

impl Params {
    pub fn new(params: Vec<Param>) -> Self {
        Params(params)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Param> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The first parameter with this name.
    pub fn get(&self, name: &ParamName) -> Option<&Param> {
        self.0.iter().find(|p| &p.name == name)
    }

    /// The first value of the first parameter with this name.
    pub fn first_value(&self, name: &ParamName) -> Option<&str> {
        self.get(name).and_then(|p| p.values.first()).map(String::as_str)
    }

    /// Whether any `TYPE` value equals `value`, ignoring case.
    pub fn has_type(&self, value: &str) -> bool {
        self.0.iter().any(|p| p.name == ParamName::Type && p.has_value(value))
    }

    /// Appends a parameter.
    pub fn push(&mut self, param: Param) {
        self.0.push(param);
    }

    /// Removes every parameter with this name; returns what was removed.
    pub fn remove(&mut self, name: &ParamName) -> Vec<Param> {
        let (removed, kept) = std::mem::take(&mut self.0).into_iter().partition(|p| &p.name == name);
        self.0 = kept;
        removed
    }

    /// Replaces every parameter with this name by one holding `values`
    /// (at the position of the first one, or at the end).
    pub fn set(&mut self, name: ParamName, values: Vec<String>) {
        match self.0.iter().position(|p| p.name == name) {
            Some(at) => {
                self.0[at].values = values;
                let mut seen = false;
                self.0.retain(|p| {
                    if p.name != name {
                        return true;
                    }
                    let keep = !seen;
                    seen = true;
                    keep
                });
            }
            None => self.0.push(Param::new(name, values)),
        }
    }

    fn sorted(&self) -> Vec<&Param> {
        let mut params: Vec<_> = self.0.iter().collect();
        params.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.values.cmp(&b.values)));
        params
    }
}

impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && (self.0 == other.0 || self.sorted() == other.sorted())
    }
}

impl<'a> IntoIterator for &'a Params {
    type Item = &'a Param;
    type IntoIter = std::slice::Iter<'a, Param>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One property instance: `[group.]NAME;params:value`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Prop {
    #[serde(default, skip_serializing_if = "FieldId::is_unassigned")]
    id: FieldId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: PropName,
    #[serde(default, skip_serializing_if = "Params::is_empty")]
    params: Params,
    value: Value,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "raw_text")]
    raw: Option<Bytes>,
}

impl Prop {
    /// A new property with no parameters, no group and no field id yet.
    pub fn new(name: PropName, value: Value) -> Self {
        Prop {
            id: FieldId::UNASSIGNED,
            group: None,
            name,
            params: Params::default(),
            value,
            raw: None,
        }
    }

    pub fn with_group(mut self, group: Option<String>) -> Self {
        self.group = group;
        self.raw = None;
        self
    }

    pub fn with_params(mut self, params: Params) -> Self {
        self.params = params;
        self.raw = None;
        self
    }

    /// Attaches the exact bytes this property was read from. Only a parser
    /// calls this, right after building the property from those bytes.
    pub fn with_raw(mut self, raw: Bytes) -> Self {
        self.raw = Some(raw);
        self
    }

    pub fn with_id(mut self, id: FieldId) -> Self {
        self.id = id;
        self
    }

    pub fn id(&self) -> FieldId {
        self.id
    }

    /// Field ids are bookkeeping, not content: setting one keeps `raw`.
    pub fn set_id(&mut self, id: FieldId) {
        self.id = id;
    }

    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    pub fn name(&self) -> &PropName {
        &self.name
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The bytes this property was read from, if it is unchanged since.
    pub fn raw(&self) -> Option<&Bytes> {
        self.raw.as_ref()
    }

    pub fn set_value(&mut self, value: Value) {
        self.value = value;
        self.raw = None;
    }

    pub fn set_group(&mut self, group: Option<String>) {
        self.group = group;
        self.raw = None;
    }

    /// Mutable access to the parameters; drops `raw`.
    pub fn params_mut(&mut self) -> &mut Params {
        self.raw = None;
        &mut self.params
    }

    /// Same group, name, parameters and value; ignores the field id and `raw`.
    pub fn same_content(&self, other: &Prop) -> bool {
        self.name == other.name && self.value == other.value && self.group_eq(other) && self.params == other.params
    }

    fn group_eq(&self, other: &Prop) -> bool {
        match (&self.group, &other.group) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => true,
            _ => false,
        }
    }
}

/// Equality is semantic: the field id and the content, never `raw`.
impl PartialEq for Prop {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.same_content(other)
    }
}

/// A component (`BEGIN:NAME` ... `END:NAME`): properties and sub-components.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Component {
    name: ComponentName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Prop>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Component>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "raw_text")]
    begin_raw: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "raw_text")]
    end_raw: Option<Bytes>,
}

impl Component {
    pub fn new(name: ComponentName) -> Self {
        Component {
            name,
            props: Vec::new(),
            children: Vec::new(),
            begin_raw: None,
            end_raw: None,
        }
    }

    /// Attaches the exact `BEGIN:` and `END:` line bytes (parsers only).
    pub fn set_raw_delimiters(&mut self, begin: Option<Bytes>, end: Option<Bytes>) {
        self.begin_raw = begin;
        self.end_raw = end;
    }

    pub fn name(&self) -> &ComponentName {
        &self.name
    }

    pub fn begin_raw(&self) -> Option<&Bytes> {
        self.begin_raw.as_ref()
    }

    pub fn end_raw(&self) -> Option<&Bytes> {
        self.end_raw.as_ref()
    }

    /// The first property with this name.
    pub fn prop(&self, name: &PropName) -> Option<&Prop> {
        self.props.iter().find(|p| p.name() == name)
    }

    /// Every property with this name.
    pub fn props_named<'a>(&'a self, name: &'a PropName) -> impl Iterator<Item = &'a Prop> + 'a {
        self.props.iter().filter(move |p| p.name() == name)
    }

    /// Walks this component and its descendants, depth first.
    pub fn walk(&self, visit: &mut impl FnMut(&Component)) {
        visit(self);
        for child in &self.children {
            child.walk(visit);
        }
    }

    fn walk_props_mut(&mut self, visit: &mut impl FnMut(&mut Prop)) {
        self.props.iter_mut().for_each(&mut *visit);
        for child in &mut self.children {
            child.walk_props_mut(visit);
        }
    }
}

impl PartialEq for Component {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.props == other.props && self.children == other.children
    }
}

/// The format and version a record was read from. Raw bytes are reused only
/// when rendering to the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    #[serde(rename = "vcard-2.1")]
    VCard21,
    #[serde(rename = "vcard-3.0")]
    VCard30,
    #[serde(rename = "vcard-4.0")]
    VCard40,
    ICalendar,
    Csv,
    Json,
}

/// A warning from lenient parsing: what was odd, where, and the offending text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// 1-based line in the input (0 when the input has no lines, e.g. JSON).
    pub line: u32,
    pub message: String,
    /// The input text concerned, when the record does not keep it elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// One application object: a contact (`VCARD`) or a calendar object
/// (`VCALENDAR` holding one UID's master, overrides and time zones).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceFormat>,
    pub root: Component,
    /// Warnings from parsing this record. Not part of equality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

impl Record {
    /// A record around `root`; properties without a field id get fresh ones.
    pub fn new(root: Component, source: Option<SourceFormat>) -> Self {
        let mut record = Record {
            source,
            root,
            diagnostics: Vec::new(),
        };
        record.assign_field_ids();
        record
    }

    /// Gives every property that has no field id the next free one.
    pub fn assign_field_ids(&mut self) {
        let mut next = self.max_field_id().next();
        self.root.walk_props_mut(&mut |prop| {
            if prop.id().is_unassigned() {
                prop.set_id(next);
                next = next.next();
            }
        });
    }

    /// The largest field id in use (UNASSIGNED when none).
    pub fn max_field_id(&self) -> FieldId {
        let mut max = FieldId::UNASSIGNED;
        self.root.walk(&mut |c| {
            for p in &c.props {
                max = max.max(p.id());
            }
        });
        max
    }

    /// The UID: the root's (vCard) or the first child's (iCalendar).
    pub fn uid(&self) -> Option<&str> {
        if let Some(p) = self.root.prop(&PropName::Uid) {
            return p.value().as_text();
        }
        self.root
            .children
            .iter()
            .filter(|c| c.name() != &ComponentName::VTimezone)
            .find_map(|c| c.prop(&PropName::Uid))
            .and_then(|p| p.value().as_text())
    }

    /// Whether this is a contact (`VCARD` root).
    pub fn is_contact(&self) -> bool {
        self.root.name() == &ComponentName::VCard
    }

    /// Forgets every raw byte, so the next render is canonical.
    pub fn clear_raw(&mut self) {
        fn clear(c: &mut Component) {
            c.begin_raw = None;
            c.end_raw = None;
            for p in &mut c.props {
                p.raw = None;
            }
            c.children.iter_mut().for_each(clear);
        }
        clear(&mut self.root);
    }
}

/// Equality is semantic: the tree, not the source format, raw bytes or diagnostics.
impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        self.root == other.root
    }
}

/// Raw bytes travel in JSON as text when they are UTF-8; other bytes are
/// dropped on serialization (the record is then rendered canonically).
mod raw_text {
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(raw: &Option<Bytes>, serializer: S) -> Result<S::Ok, S::Error> {
        match raw.as_deref().map(std::str::from_utf8) {
            Some(Ok(text)) => serializer.serialize_some(text),
            _ => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Bytes>, D::Error> {
        Ok(Option::<String>::deserialize(deserializer)?.map(Bytes::from))
    }
}
