//! Query filters: CalDAV `comp-filter` (RFC 4791 §9.7) and CardDAV
//! `filter` (RFC 6352 §10.5). They share prop-filter, param-filter and
//! text-match; only defaults differ (collation, and CardDAV's `test` and
//! `match-type`), so one parser takes the dialect's [`Namespace`].

use crate::universal::{ComponentName, ParamName, PropName};

use super::super::error::{XmlError, XmlErrorKind};
use super::super::names::Namespace;
use super::super::tree::Element;
use super::data::{TimeRange, name_attr};

/// How several tests combine (RFC 6352 §10.5 `test`; CalDAV is always all-of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Test {
    AnyOf,
    AllOf,
}

/// A collation (RFC 4790 §9; RFC 4791 §7.5, RFC 6352 §8.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Collation {
    /// `i;ascii-casemap`, the CalDAV default.
    AsciiCasemap,
    /// `i;unicode-casemap` (RFC 5051), the CardDAV default.
    UnicodeCasemap,
    /// `i;octet`.
    Octet,
    /// Unsupported: the caller answers `supported-collation` (403).
    Other(String),
}

/// How a text-match compares (RFC 6352 §10.5.4; CalDAV is always `Contains`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchType {
    Equals,
    Contains,
    StartsWith,
    EndsWith,
}

/// `<text-match>` (RFC 4791 §9.7.5, RFC 6352 §10.5.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMatch {
    pub text: String,
    pub collation: Collation,
    pub match_type: MatchType,
    /// `negate-condition="yes"`.
    pub negate: bool,
}

/// `<param-filter name=…>` (RFC 4791 §9.7.3, RFC 6352 §10.5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamFilter {
    pub name: ParamName,
    pub is_not_defined: bool,
    pub text_match: Option<TextMatch>,
}

/// `<prop-filter name=…>` (RFC 4791 §9.7.2, RFC 6352 §10.5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropFilter {
    pub name: PropName,
    pub test: Test,
    pub is_not_defined: bool,
    /// CalDAV only.
    pub time_range: Option<TimeRange>,
    /// At most one in CalDAV; any number in CardDAV.
    pub text_matches: Vec<TextMatch>,
    pub param_filters: Vec<ParamFilter>,
}

/// `<C:comp-filter name=…>` (RFC 4791 §9.7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompFilter {
    pub name: ComponentName,
    pub is_not_defined: bool,
    pub time_range: Option<TimeRange>,
    pub prop_filters: Vec<PropFilter>,
    pub comp_filters: Vec<CompFilter>,
}

/// `<CR:filter test=…>` of addressbook-query (RFC 6352 §10.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardFilter {
    pub test: Test,
    pub prop_filters: Vec<PropFilter>,
}

/// The children of `parent` named `ns:name`.
fn named<'a>(parent: &'a Element, ns: &'a Namespace, name: &'a str) -> impl Iterator<Item = &'a Element> {
    parent.elements().filter(move |e| e.is(ns, name))
}

fn test_attr(element: &Element, default: Test) -> Result<Test, XmlError> {
    match element.attr("test").map(str::trim) {
        None => Ok(default),
        Some("anyof") => Ok(Test::AnyOf),
        Some("allof") => Ok(Test::AllOf),
        Some(other) => Err(element.error(XmlErrorKind::InvalidValue {
            what: "test",
            value: other.into(),
        })),
    }
}

impl CardFilter {
    /// Reads `<CR:filter>`; `test` defaults to `anyof` (RFC 6352 §10.5).
    pub(super) fn from_element(element: &Element) -> Result<CardFilter, XmlError> {
        let ns = Namespace::CardDav;
        Ok(CardFilter {
            test: test_attr(element, Test::AnyOf)?,
            prop_filters: named(element, &ns, "prop-filter")
                .map(|p| PropFilter::from_element(p, &ns))
                .collect::<Result<_, _>>()?,
        })
    }
}

impl CompFilter {
    /// Reads `<C:comp-filter>` recursively (depth is bounded by [`XmlLimits`](super::super::XmlLimits)).
    pub(super) fn from_element(element: &Element) -> Result<CompFilter, XmlError> {
        let ns = Namespace::CalDav;
        Ok(CompFilter {
            name: ComponentName::parse(name_attr(element)?),
            is_not_defined: element.child(&ns, "is-not-defined").is_some(),
            time_range: element
                .child(&ns, "time-range")
                .map(TimeRange::from_element)
                .transpose()?,
            prop_filters: named(element, &ns, "prop-filter")
                .map(|p| PropFilter::from_element(p, &ns))
                .collect::<Result<_, _>>()?,
            comp_filters: named(element, &ns, "comp-filter")
                .map(CompFilter::from_element)
                .collect::<Result<_, _>>()?,
        })
    }
}

impl PropFilter {
    fn from_element(element: &Element, ns: &Namespace) -> Result<PropFilter, XmlError> {
        // CardDAV prop-filters default to anyof (RFC 6352 §10.5.1); CalDAV has no test.
        let default_test = if *ns == Namespace::CardDav {
            Test::AnyOf
        } else {
            Test::AllOf
        };
        Ok(PropFilter {
            name: PropName::parse(name_attr(element)?),
            test: test_attr(element, default_test)?,
            is_not_defined: element.child(ns, "is-not-defined").is_some(),
            time_range: element
                .child(ns, "time-range")
                .map(TimeRange::from_element)
                .transpose()?,
            text_matches: named(element, ns, "text-match")
                .map(|t| TextMatch::from_element(t, ns))
                .collect::<Result<_, _>>()?,
            param_filters: named(element, ns, "param-filter")
                .map(|p| ParamFilter::from_element(p, ns))
                .collect::<Result<_, _>>()?,
        })
    }
}

impl ParamFilter {
    fn from_element(element: &Element, ns: &Namespace) -> Result<ParamFilter, XmlError> {
        Ok(ParamFilter {
            name: ParamName::parse(name_attr(element)?),
            is_not_defined: element.child(ns, "is-not-defined").is_some(),
            text_match: element
                .child(ns, "text-match")
                .map(|t| TextMatch::from_element(t, ns))
                .transpose()?,
        })
    }
}

impl TextMatch {
    fn from_element(element: &Element, ns: &Namespace) -> Result<TextMatch, XmlError> {
        let invalid = |what, value: &str| {
            element.error(XmlErrorKind::InvalidValue {
                what,
                value: value.into(),
            })
        };
        let collation = match element.attr("collation").map(str::trim) {
            None if *ns == Namespace::CardDav => Collation::UnicodeCasemap,
            None | Some("i;ascii-casemap") => Collation::AsciiCasemap,
            Some("i;unicode-casemap") => Collation::UnicodeCasemap,
            Some("i;octet") => Collation::Octet,
            Some(other) => Collation::Other(other.to_owned()),
        };
        let match_type = match element.attr("match-type").map(str::trim) {
            None | Some("contains") => MatchType::Contains,
            Some("equals") => MatchType::Equals,
            Some("starts-with") => MatchType::StartsWith,
            Some("ends-with") => MatchType::EndsWith,
            Some(other) => return Err(invalid("match-type", other)),
        };
        let negate = match element.attr("negate-condition").map(str::trim) {
            None | Some("no") => false,
            Some("yes") => true,
            Some(other) => return Err(invalid("negate-condition", other)),
        };
        Ok(TextMatch {
            text: element.text(),
            collation,
            match_type,
            negate,
        })
    }
}
