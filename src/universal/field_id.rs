//! Field ids and paths: stable addresses for the properties of a record.
//!
//! A [`FieldId`] names one property instance inside its record for the whole
//! life of the record (RFC 9554's PROP-ID idea): when a new version arrives,
//! the delta engine matches its properties to the previous version's and
//! carries the ids over, so "the work phone changed" is one change on one id.
//! A [`FieldPath`] adds the component the field lives in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::name::ComponentName;

/// A property instance's id inside its record. 0 means "not assigned yet".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldId(pub u32);

impl FieldId {
    pub const UNASSIGNED: FieldId = FieldId(0);

    pub fn is_unassigned(&self) -> bool {
        self.0 == 0
    }

    pub fn next(self) -> FieldId {
        FieldId(self.0 + 1)
    }
}

impl fmt::Display for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Selects one sub-component of a record: its name and, where the name alone
/// is ambiguous, a key — the RECURRENCE-ID of an override (`VEVENT[RECURRENCE-ID=20240105T090000Z]`),
/// the TZID of a time zone, or the position among same-named siblings (`VALARM[2]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ComponentSelector {
    pub name: ComponentName,
    pub key: SelectorKey,
}

/// How a [`ComponentSelector`] tells same-named siblings apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SelectorKey {
    /// The only (or master) component of that name.
    None,
    /// `[NAME=value]`: a property that identifies it (RECURRENCE-ID, TZID, UID).
    Prop { name: String, value: String },
    /// `[n]`: 1-based position among siblings of the same name.
    Index(u32),
}

/// Where a change applies: a component path below the record root, and the
/// field id (absent when the change adds or removes a whole component).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldPath {
    pub components: Vec<ComponentSelector>,
    pub field: Option<FieldId>,
}

impl FieldPath {
    /// A field of the root component.
    pub fn root_field(field: FieldId) -> Self {
        FieldPath {
            components: Vec::new(),
            field: Some(field),
        }
    }
}

impl fmt::Display for FieldPath {
    /// `VEVENT[RECURRENCE-ID=20240105T090000Z]/VALARM[1]/#7`; a root field is `#7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for selector in &self.components {
            if !first {
                f.write_str("/")?;
            }
            first = false;
            f.write_str(selector.name.as_str())?;
            match &selector.key {
                SelectorKey::None => {}
                SelectorKey::Prop { name, value } => write!(f, "[{name}={value}]")?,
                SelectorKey::Index(n) => write!(f, "[{n}]")?,
            }
        }
        if let Some(field) = self.field {
            if !first {
                f.write_str("/")?;
            }
            write!(f, "{field}")?;
        }
        Ok(())
    }
}

/// Why a field path did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid field path {path:?}: {reason}")]
pub struct FieldPathError {
    pub path: String,
    pub reason: &'static str,
}

impl FromStr for FieldPath {
    type Err = FieldPathError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason| FieldPathError {
            path: text.to_owned(),
            reason,
        };
        let mut path = FieldPath {
            components: Vec::new(),
            field: None,
        };
        if text.is_empty() {
            return Ok(path);
        }
        // Keys may contain '/', so split only on '/' outside brackets.
        let mut segments = Vec::new();
        let (mut depth, mut start) = (0usize, 0usize);
        for (i, ch) in text.char_indices() {
            match ch {
                '[' => depth += 1,
                ']' => depth = depth.checked_sub(1).ok_or_else(|| error("unbalanced ']'"))?,
                '/' if depth == 0 => {
                    segments.push(&text[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        segments.push(&text[start..]);
        let last = segments.len() - 1;
        for (i, segment) in segments.into_iter().enumerate() {
            if let Some(id) = segment.strip_prefix('#') {
                if i != last {
                    return Err(error("a field id must come last"));
                }
                let id: u32 = id.parse().map_err(|_| error("field id is not a number"))?;
                path.field = Some(FieldId(id));
                continue;
            }
            path.components
                .push(parse_selector(segment).ok_or_else(|| error("bad component selector"))?);
        }
        Ok(path)
    }
}

fn parse_selector(segment: &str) -> Option<ComponentSelector> {
    let Some(open) = segment.find('[') else {
        return (!segment.is_empty()).then(|| ComponentSelector {
            name: ComponentName::parse(segment),
            key: SelectorKey::None,
        });
    };
    let inner = segment[open + 1..].strip_suffix(']')?;
    let name = ComponentName::parse(&segment[..open]);
    let key = match inner.split_once('=') {
        Some((prop, value)) => SelectorKey::Prop {
            name: prop.to_ascii_uppercase(),
            value: value.to_owned(),
        },
        None => SelectorKey::Index(inner.parse().ok()?),
    };
    Some(ComponentSelector { name, key })
}

impl Serialize for FieldPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_round_trip_through_text() {
        for text in [
            "#7",
            "VEVENT[RECURRENCE-ID=20240105T090000Z]/VALARM[2]/#12",
            "VTIMEZONE[TZID=Europe/Berlin]",
            "VEVENT/#3",
        ] {
            let path: FieldPath = text.parse().unwrap();
            assert_eq!(path.to_string(), text);
        }
        assert!("#x".parse::<FieldPath>().is_err());
        assert!("#1/VEVENT".parse::<FieldPath>().is_err());
    }
}
