//! addressbook-query filters (RFC 6352 §10.5) over a contact record.
//!
//! A prop-filter is evaluated per property instance: it matches when one
//! instance satisfies its text-matches and param-filters combined by its
//! `test`, so `TEL` with `TYPE=work` *and* containing `555` means the same
//! TEL line, not any two TEL lines.

use crate::server::dav::xml::request::{CardFilter, ParamFilter, PropFilter, Test, TextMatch};
use crate::universal::{Prop, Record};

use super::search;
use super::text::{self, unicode_casemap, value_text};

/// Whether `record` (a `VCARD`) satisfies `filter` (RFC 6352 §10.5). A filter
/// without prop-filters matches every card (§10.5: "an empty filter").
pub fn matches(filter: &CardFilter, record: &Record) -> bool {
    if filter.prop_filters.is_empty() {
        return true;
    }
    let test = |p: &PropFilter| prop_filter_matches(p, record.root.props_named(&p.name));
    combine(filter.test, filter.prop_filters.iter().map(test))
}

/// Patterns, case-folded, of which a card's search text
/// ([`search::search_text`]) holds at least one whenever `filter` matches
/// the card (a value's folded pattern, or the mark of a value left out); `None` when the filter can match a
/// card that holds none (a negated match, a parameter or presence test
/// alone), so every card must be read.
///
/// A text-match holds only where the folded value contains the folded
/// pattern, whatever its collation (folding is per character, so it keeps
/// octet and ASCII-casemap matches) and match type (each implies contains).
pub fn search_needles(filter: &CardFilter) -> Option<Vec<String>> {
    /// More patterns than this and the prefilter costs more than it saves.
    const MAX: usize = 16;
    if filter.prop_filters.is_empty() {
        return None;
    }
    let mut each = filter.prop_filters.iter().map(prop_needles);
    let needles = match filter.test {
        // Any one matching prop-filter's patterns will do: the fewest.
        Test::AllOf => each.flatten().min_by_key(Vec::len)?,
        Test::AnyOf => each.try_fold(Vec::new(), |mut all, needles| {
            all.extend(needles?);
            Some(all)
        })?,
    };
    (needles.len() <= MAX).then_some(needles)
}

/// [`search_needles`] of one prop-filter: the instance test combines its
/// text-matches and param-filters by its `test`.
fn prop_needles(filter: &PropFilter) -> Option<Vec<String>> {
    if filter.is_not_defined {
        return None;
    }
    let tests: Vec<Option<String>> = filter
        .text_matches
        .iter()
        .map(text_needle)
        .chain(filter.param_filters.iter().map(|_| None))
        .collect();
    if tests.is_empty() {
        return None;
    }
    let mut needles = match filter.test {
        Test::AllOf => vec![tests.into_iter().flatten().max_by_key(String::len)?],
        Test::AnyOf => tests.into_iter().collect::<Option<Vec<_>>>()?,
    };
    // A card that left this property's value out of its text may match too.
    needles.push(search::left_out(filter.name.as_str()));
    Some(needles)
}

/// The folded pattern a non-negated text-match needs (none when empty).
fn text_needle(text_match: &TextMatch) -> Option<String> {
    if text_match.negate {
        return None;
    }
    let needle = unicode_casemap(&text_match.text);
    (!needle.is_empty()).then_some(needle)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::dav::xml::request::{Collation, MatchType};
    use crate::universal::{ParamName, PropName};

    fn text(pattern: &str, collation: Collation, negate: bool) -> TextMatch {
        TextMatch {
            text: pattern.into(),
            collation,
            match_type: MatchType::Contains,
            negate,
        }
    }

    fn prop(name: &str, test: Test, texts: Vec<TextMatch>, params: usize) -> PropFilter {
        PropFilter {
            name: PropName::parse(name),
            test,
            is_not_defined: false,
            time_range: None,
            text_matches: texts,
            param_filters: (0..params)
                .map(|_| ParamFilter {
                    name: ParamName::parse("TYPE"),
                    is_not_defined: false,
                    text_match: None,
                })
                .collect(),
        }
    }

    fn needles(test: Test, props: Vec<PropFilter>) -> Option<Vec<String>> {
        search_needles(&CardFilter {
            test,
            prop_filters: props,
        })
    }

    #[test]
    fn needles_are_folded_patterns_a_match_needs() {
        use Collation::*;
        use Test::*;
        let fn_has = |p: &str, c| prop("FN", AnyOf, vec![text(p, c, false)], 0);
        assert_eq!(
            needles(AnyOf, vec![fn_has("MÜLLER", UnicodeCasemap)]),
            Some(vec!["müller".into(), search::left_out("FN")])
        );
        assert_eq!(
            needles(AnyOf, vec![fn_has("Doe", Octet)]),
            Some(vec!["doe".into(), search::left_out("FN")])
        );
        // Either prop-filter may match: both patterns are candidates.
        let both = needles(
            AnyOf,
            vec![
                fn_has("ann", AsciiCasemap),
                prop("EMAIL", AnyOf, vec![text("@x", Octet, false)], 0),
            ],
        );
        let expected = vec![
            "ann".into(),
            search::left_out("FN"),
            "@x".into(),
            search::left_out("EMAIL"),
        ];
        assert_eq!(both, Some(expected));
        // All must match: one prop-filter's pattern is enough.
        let mut absent = prop("NICKNAME", AnyOf, Vec::new(), 0);
        absent.is_not_defined = true;
        assert_eq!(
            needles(AllOf, vec![absent.clone(), fn_has("x", Octet)]),
            Some(vec!["x".into(), search::left_out("FN")])
        );
        // Tests that can hold without any pattern read every card.
        assert_eq!(needles(AnyOf, vec![absent, fn_has("x", Octet)]), None);
        assert_eq!(
            needles(AnyOf, vec![prop("FN", AnyOf, vec![text("x", Octet, true)], 0)]),
            None
        );
        assert_eq!(needles(AnyOf, vec![prop("TEL", AnyOf, Vec::new(), 0)]), None);
        assert_eq!(needles(AnyOf, vec![prop("TEL", AnyOf, Vec::new(), 1)]), None);
        assert_eq!(
            needles(AnyOf, vec![prop("TEL", AnyOf, vec![text("555", Octet, false)], 1)]),
            None
        );
        assert_eq!(
            needles(AnyOf, vec![prop("TEL", AllOf, vec![text("555", Octet, false)], 1)]),
            Some(vec!["555".into(), search::left_out("TEL")])
        );
        assert_eq!(needles(AnyOf, vec![fn_has("", Octet)]), None);
        assert_eq!(needles(AnyOf, Vec::new()), None);
    }
}
