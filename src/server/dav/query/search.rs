//! The search text the store keeps for every contact, and addressbook-query
//! filters decided on it (docs/decisions.md D12, D13).
//!
//! A search text lists the card's properties: for each, U+001E, the name,
//! U+001F, and the value's text as a text-match sees it ([`value_text`]),
//! case-folded the way `i;unicode-casemap` folds. A value longer than
//! [`LONGEST`] bytes (a photo, a data: URI) is left out: its line starts
//! with U+001D and holds the name alone, so a card is decoded when a
//! filter tests that property. A card with a value that holds one of
//! these three characters (none in practice) gets no search text and is
//! always decoded, so a line is never ambiguous.
//!
//! It serves twice:
//! - as a prefilter: a non-negated text-match, of any collation, can only
//!   hold for a card whose text contains its folded pattern, or leaves the
//!   property's value out ([`card::search_needles`](super::card::search_needles));
//! - as the answer: a filter whose text-matches all use `i;unicode-casemap`
//!   and that tests no parameters ([`decidable`]) is decided on the text
//!   ([`matches`]) unless it tests a value left out, so the query decodes
//!   no record at all for most cards.

use crate::server::dav::xml::request::{CardFilter, Collation, PropFilter, Test};
use crate::universal::Record;

use super::text::{self, unicode_casemap, value_text};

/// Starts a property's line in a search text.
const LINE_START: char = '\u{1e}';
/// Starts the line of a property whose value is left out.
const LEFT_OUT: char = '\u{1d}';
/// Ends a property's name in a search text.
const NAME_END: char = '\u{1f}';
/// Values longer than this many bytes are left out of search texts.
pub const LONGEST: usize = 256;

/// The search text of a contact (none for calendar objects, and for a
/// card with a value that holds [`LINE_START`], [`LEFT_OUT`] or
/// [`NAME_END`]).
pub fn search_text(record: &Record) -> Option<String> {
    if !record.is_contact() {
        return None;
    }
    let mut text = String::new();
    for prop in &record.root.props {
        let value = value_text(prop.value());
        if value.len() > LONGEST {
            text.push(LEFT_OUT);
            text.push_str(prop.name().as_str());
            text.push(NAME_END);
            continue;
        }
        let value = unicode_casemap(&value);
        if value.contains([LINE_START, LEFT_OUT, NAME_END]) {
            return None;
        }
        text.push(LINE_START);
        text.push_str(prop.name().as_str());
        text.push(NAME_END);
        text.push_str(&value);
    }
    Some(text)
}

/// The pattern in the search text of a card that leaves out a value of
/// property `name`: such a card is a candidate for any test of `name`. Its
/// first character occurs only there, so a search for it is one fast scan.
pub fn left_out(name: &str) -> String {
    format!("{LEFT_OUT}{name}{NAME_END}")
}

/// The (name, folded value) of each property in a search text; `None` for
/// a value left out.
fn lines(text: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let mut chars = rest.chars();
        let start = chars.next()?;
        let line = chars.as_str();
        let end = line.find([LINE_START, LEFT_OUT]).unwrap_or(line.len());
        let (line, next) = line.split_at(end);
        rest = next;
        let (name, value) = line.split_once(NAME_END).unwrap_or((line, ""));
        Some((name, (start == LINE_START).then_some(value)))
    })
}

/// Whether [`matches`] decides `filter` exactly: its text-matches fold
/// the way search texts are folded, and it tests no parameters (which
/// search texts do not hold).
pub fn decidable(filter: &CardFilter) -> bool {
    filter
        .prop_filters
        .iter()
        .all(|p| p.param_filters.is_empty() && p.text_matches.iter().all(|t| t.collation == Collation::UnicodeCasemap))
}

/// Whether the card whose search text is `text` satisfies `filter`, for a
/// [`decidable`] filter: the same answer as
/// [`card::matches`](super::card::matches) on the card's record, or `None`
/// when a text-match needs a value the text left out.
pub fn matches(filter: &CardFilter, text: &str) -> Option<bool> {
    if filter.prop_filters.is_empty() {
        return Some(true);
    }
    let results: Vec<Option<bool>> = filter
        .prop_filters
        .iter()
        .map(|p| prop_filter_matches(p, text))
        .collect();
    // A decisive result stands whatever the undecided ones would say.
    let decisive = filter.test == Test::AnyOf;
    if results.contains(&Some(decisive)) {
        Some(decisive)
    } else if results.contains(&None) {
        None
    } else {
        Some(!decisive)
    }
}

/// RFC 6352 §10.5.1 over the lines of one property name (`None`: a value
/// it must test was left out).
fn prop_filter_matches(filter: &PropFilter, text: &str) -> Option<bool> {
    let name = filter.name.as_str();
    let mut values = lines(text).filter(|(n, _)| *n == name).map(|(_, value)| value);
    if filter.is_not_defined {
        return Some(values.next().is_none());
    }
    if filter.text_matches.is_empty() {
        return Some(values.next().is_some());
    }
    let mut undecided = false;
    for value in values {
        let Some(value) = value else {
            undecided = true;
            continue;
        };
        let tests = filter.text_matches.iter().map(|t| text::matches_folded(t, value));
        if combine(filter.test, tests) {
            return Some(true);
        }
    }
    (!undecided).then_some(false)
}

fn combine(test: Test, mut results: impl Iterator<Item = bool>) -> bool {
    match test {
        Test::AnyOf => results.any(|r| r),
        Test::AllOf => results.all(|r| r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::vcard;
    use crate::server::dav::query::card;
    use crate::server::dav::xml::request::{MatchType, ParamFilter, TextMatch};
    use crate::universal::{ParamName, PropName};

    const CARD: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Jörg Müller\r\nN:Müller;Jörg;;;\r\n\
        TEL;TYPE=WORK:+49 30 1234\r\nEMAIL:joerg@example.org\r\nNOTE:Line one\\nLine two\r\nEND:VCARD\r\n";

    fn record(text: &str) -> Record {
        vcard::parse(text.as_bytes()).expect("card parses").remove(0)
    }

    fn text_match(pattern: &str, collation: Collation, match_type: MatchType, negate: bool) -> TextMatch {
        TextMatch {
            text: pattern.into(),
            collation,
            match_type,
            negate,
        }
    }

    /// An `i;unicode-casemap` text-match.
    fn folded(pattern: &str, match_type: MatchType, negate: bool) -> TextMatch {
        text_match(pattern, Collation::UnicodeCasemap, match_type, negate)
    }

    fn prop(name: &str, test: Test, text_matches: Vec<TextMatch>, is_not_defined: bool) -> PropFilter {
        PropFilter {
            name: PropName::parse(name),
            test,
            is_not_defined,
            time_range: None,
            text_matches,
            param_filters: Vec::new(),
        }
    }

    fn filter(test: Test, prop_filters: Vec<PropFilter>) -> CardFilter {
        CardFilter { test, prop_filters }
    }

    #[test]
    fn every_property_is_a_named_folded_line() {
        let text = search_text(&record(CARD)).expect("a card has a search text");
        let lines: Vec<_> = lines(&text).collect();
        assert!(lines.contains(&("FN", Some("jörg müller"))));
        assert!(lines.contains(&("N", Some("müller;jörg;;;"))));
        assert!(lines.contains(&("NOTE", Some("line one\nline two"))));
    }

    #[test]
    fn long_values_are_left_out_and_their_tests_undecided() {
        let photo = "A".repeat(LONGEST + 1);
        let card = CARD.replace("END:VCARD", &format!("PHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nEND:VCARD"));
        let text = search_text(&record(&card)).expect("search text");
        assert!(text.contains(&left_out("PHOTO")));
        assert!(!text.contains("aaaa"));
        let on_photo = |test| {
            let photo = prop(
                "PHOTO",
                Test::AnyOf,
                vec![folded("aaa", MatchType::Contains, false)],
                false,
            );
            let fn_ = prop(
                "FN",
                Test::AnyOf,
                vec![folded("jörg", MatchType::Contains, false)],
                false,
            );
            filter(test, vec![photo, fn_])
        };
        // FN decides anyof alone; allof needs the photo's value.
        assert_eq!(matches(&on_photo(Test::AnyOf), &text), Some(true));
        assert_eq!(matches(&on_photo(Test::AllOf), &text), None);
        let present = filter(Test::AnyOf, vec![prop("PHOTO", Test::AnyOf, Vec::new(), false)]);
        assert_eq!(matches(&present, &text), Some(true));
    }

    #[test]
    fn a_value_holding_a_separator_gets_no_search_text() {
        let card = CARD.replace("EMAIL:joerg@example.org", "EMAIL:joerg\u{1f}@example.org");
        assert_eq!(search_text(&record(&card)), None);
    }

    #[test]
    fn decided_on_the_text_as_on_the_record() {
        use MatchType::*;
        use Test::*;
        let record = record(CARD);
        let text = search_text(&record).expect("search text");
        let filters = [
            filter(
                AnyOf,
                vec![prop("FN", AnyOf, vec![folded("MÜLLER", Contains, false)], false)],
            ),
            filter(
                AnyOf,
                vec![prop("FN", AnyOf, vec![folded("jörg", StartsWith, false)], false)],
            ),
            filter(
                AnyOf,
                vec![prop("FN", AnyOf, vec![folded("jörg", EndsWith, false)], false)],
            ),
            filter(
                AnyOf,
                vec![prop("FN", AnyOf, vec![folded("Jörg Müller", Equals, false)], false)],
            ),
            filter(
                AnyOf,
                vec![prop("FN", AnyOf, vec![folded("müller", Contains, true)], false)],
            ),
            filter(
                AnyOf,
                vec![prop("NOTE", AnyOf, vec![folded("one\nline", Contains, false)], false)],
            ),
            filter(
                AnyOf,
                vec![prop("EMAIL", AnyOf, vec![folded("müller", Contains, false)], false)],
            ),
            filter(AnyOf, vec![prop("TITLE", AnyOf, Vec::new(), true)]),
            filter(AnyOf, vec![prop("TEL", AnyOf, Vec::new(), true)]),
            filter(AnyOf, vec![prop("TEL", AnyOf, Vec::new(), false)]),
            filter(
                AllOf,
                vec![
                    prop("FN", AnyOf, vec![folded("jörg", Contains, false)], false),
                    prop("EMAIL", AnyOf, vec![folded("nobody", Contains, false)], false),
                ],
            ),
            filter(
                AnyOf,
                vec![
                    prop("FN", AnyOf, vec![folded("nobody", Contains, false)], false),
                    prop("EMAIL", AnyOf, vec![folded("EXAMPLE.ORG", EndsWith, false)], false),
                ],
            ),
            filter(
                AnyOf,
                vec![prop(
                    "FN",
                    AllOf,
                    vec![folded("jörg", Contains, false), folded("x", Contains, true)],
                    false,
                )],
            ),
            filter(AllOf, Vec::new()),
        ];
        for filter in &filters {
            assert!(decidable(filter), "{filter:?}");
            assert_eq!(
                matches(filter, &text),
                Some(card::matches(filter, &record)),
                "{filter:?}"
            );
        }
    }

    #[test]
    fn other_collations_and_parameter_tests_are_not_decidable() {
        let octet = filter(
            Test::AnyOf,
            vec![prop(
                "FN",
                Test::AnyOf,
                vec![text_match("J", Collation::Octet, MatchType::Contains, false)],
                false,
            )],
        );
        assert!(!decidable(&octet));
        let mut with_param = prop("TEL", Test::AnyOf, Vec::new(), false);
        with_param.param_filters.push(ParamFilter {
            name: ParamName::parse("TYPE"),
            is_not_defined: false,
            text_match: None,
        });
        assert!(!decidable(&filter(Test::AnyOf, vec![with_param])));
    }
}
