//! addressbook-query filters (RFC 6352 §10.5) over a contact record.
//!
//! A prop-filter is evaluated per property instance: it matches when one
//! instance satisfies its text-matches and param-filters combined by its
//! `test`, so `TEL` with `TYPE=work` *and* containing `555` means the same
//! TEL line, not any two TEL lines.

use crate::server::dav::xml::request::{CardFilter, ParamFilter, PropFilter, Test};
use crate::universal::{Prop, Record};

use super::text::{self, value_text};

/// Whether `record` (a `VCARD`) satisfies `filter` (RFC 6352 §10.5). A filter
/// without prop-filters matches every card (§10.5: "an empty filter").
pub fn matches(filter: &CardFilter, record: &Record) -> bool {
    if filter.prop_filters.is_empty() {
        return true;
    }
    let test = |p: &PropFilter| prop_filter_matches(p, record.root.props_named(&p.name));
    combine(filter.test, filter.prop_filters.iter().map(test))
}

/// `anyof` / `allof` over lazily evaluated tests.
fn combine(test: Test, mut results: impl Iterator<Item = bool>) -> bool {
    match test {
        Test::AnyOf => results.any(|r| r),
        Test::AllOf => results.all(|r| r),
    }
}

/// RFC 6352 §10.5.1, over the instances of the named property.
pub(super) fn prop_filter_matches<'a>(filter: &PropFilter, mut props: impl Iterator<Item = &'a Prop>) -> bool {
    if filter.is_not_defined {
        return props.next().is_none();
    }
    if filter.text_matches.is_empty() && filter.param_filters.is_empty() {
        return props.next().is_some();
    }
    props.any(|prop| instance_matches(filter, prop))
}

fn instance_matches(filter: &PropFilter, prop: &Prop) -> bool {
    let text = value_text(prop.value());
    let texts = filter.text_matches.iter().map(|t| text::matches(t, &text));
    let params = filter.param_filters.iter().map(|p| param_filter_matches(p, prop));
    combine(filter.test, texts.chain(params))
}

/// RFC 6352 §10.5.2 / RFC 4791 §9.7.3: a parameter's presence, absence, or
/// a text-match against any of its values.
pub(super) fn param_filter_matches(filter: &ParamFilter, prop: &Prop) -> bool {
    let param = prop.params().iter().find(|p| p.name == filter.name);
    match (param, filter.is_not_defined, &filter.text_match) {
        (None, is_not_defined, _) => is_not_defined,
        (Some(_), true, _) => false,
        (Some(_), false, None) => true,
        (Some(param), false, Some(text_match)) => {
            // A negated match must hold for every value (no value contains it).
            if text_match.negate {
                param.values.iter().all(|v| text::matches(text_match, v))
            } else {
                param.values.iter().any(|v| text::matches(text_match, v))
            }
        }
    }
}
