//! addressbook-query filters (RFC 6352 §10.5) over vCard fixtures.

mod common;
mod dav_query_support;

use dav_query_support::{card_filter, record};
use pimgate::adapters::vcard;
use pimgate::server::dav::query::text::value_text;
use pimgate::server::dav::query::{card, search};
use pimgate::server::dav::xml::request::{CardFilter, Collation, MatchType, PropFilter, Test, TextMatch};
use pimgate::server::render::search_text;

const CARDS: [&str; 2] = ["jane.vcf", "john.vcf"];

/// Runs the `<C:filter>` element `filter` over every card; `expected` lists
/// the matches. The query's prefilter must keep each of them: a matching
/// card's stored search text holds one of the filter's search needles.
fn check(filter: &str, expected: &[&str]) {
    let filter = card_filter(filter);
    let needles = card::search_needles(&filter);
    for fixture in CARDS {
        let want = expected.contains(&fixture);
        let record = record(fixture);
        assert_eq!(card::matches(&filter, &record), want, "{fixture} with {filter:?}");
        let text = search_text(&record).expect("contacts have a search text");
        if let (true, Some(needles)) = (want, &needles) {
            assert!(
                needles.iter().any(|n| text.contains(n.as_str())),
                "{fixture} matches {filter:?} but its search text holds none of {needles:?}"
            );
        }
        // Decided on the search text, the answer is the same (or left to the record).
        if search::decidable(&filter) {
            let decided = search::matches(&filter, &text);
            assert!(
                decided.is_none_or(|d| d == want),
                "{fixture} with {filter:?}: {decided:?}"
            );
        }
    }
}

fn prop(name: &str, attrs: &str, text: &str) -> String {
    format!(
        r#"<C:filter><C:prop-filter name="{name}"><C:text-match {attrs}>{text}</C:text-match></C:prop-filter></C:filter>"#
    )
}

#[test]
fn rfc6352_10_5_4_default_collation_is_unicode_casemap_contains() {
    check(&prop("FN", "", "DOE"), &["jane.vcf"]);
    check(&prop("NICKNAME", r#"match-type="equals""#, "élodie"), &["jane.vcf"]);
    check(
        &prop("NICKNAME", r#"collation="i;octet" match-type="equals""#, "élodie"),
        &[],
    );
}

#[test]
fn rfc6352_10_5_4_match_types_and_negation() {
    check(&prop("FN", r#"match-type="starts-with""#, "john"), &["john.vcf"]);
    check(&prop("FN", r#"match-type="ends-with""#, "doe"), &["jane.vcf"]);
    check(
        &prop("FN", r#"match-type="equals" collation="i;ascii-casemap""#, "jane doe"),
        &["jane.vcf"],
    );
    check(&prop("FN", r#"match-type="equals""#, "jane"), &[]);
    check(&prop("FN", r#"negate-condition="yes""#, "jane"), &["john.vcf"]);
}

#[test]
fn rfc6352_10_5_structured_values_match_as_vcard_text() {
    check(&prop("N", r#"match-type="starts-with""#, "smith;john"), &["john.vcf"]);
    check(&prop("ORG", "", "acme;research"), &["john.vcf"]);
}

#[test]
fn rfc6352_10_5_1_is_not_defined_and_grouped_properties() {
    check(
        r#"<C:filter><C:prop-filter name="TEL"><C:is-not-defined/></C:prop-filter></C:filter>"#,
        &["john.vcf"],
    );
    // item1.EMAIL is an EMAIL.
    check(&prop("EMAIL", "", "smith.example"), &["john.vcf"]);
}

#[test]
fn rfc6352_10_5_2_param_filter_on_the_same_instance() {
    // allof: one TEL that is TYPE=work *and* ends in the digits.
    let tel = |digits: &str| {
        format!(
            r#"<C:filter><C:prop-filter name="TEL" test="allof"><C:text-match match-type="ends-with">{digits}</C:text-match><C:param-filter name="TYPE"><C:text-match match-type="equals">work</C:text-match></C:param-filter></C:prop-filter></C:filter>"#
        )
    };
    check(&tel("0199"), &["jane.vcf"]);
    check(&tel("0100"), &[]);
    check(
        r#"<C:filter><C:prop-filter name="TEL"><C:param-filter name="PREF"><C:is-not-defined/></C:param-filter></C:prop-filter></C:filter>"#,
        &["jane.vcf"],
    );
}

#[test]
fn rfc6352_10_5_filter_test_anyof_and_allof() {
    let both = |test: &str| {
        format!(
            r#"<C:filter test="{test}"><C:prop-filter name="FN"><C:text-match>jane</C:text-match></C:prop-filter><C:prop-filter name="ORG"/></C:filter>"#
        )
    };
    check(&both("anyof"), &["jane.vcf", "john.vcf"]);
    check(&both("allof"), &[]);
    check("<C:filter/>", &["jane.vcf", "john.vcf"]);
}

/// Filters built from a card's own values: each property's whole value
/// (equals), a slice of it (contains, starts-with, ends-with), negated, and
/// a presence and an absence test.
fn filters_from(card: &pimgate::universal::Record) -> Vec<CardFilter> {
    let text_filter = |name: &pimgate::universal::PropName, pattern: String, match_type, negate| CardFilter {
        test: Test::AnyOf,
        prop_filters: vec![PropFilter {
            name: name.clone(),
            test: Test::AnyOf,
            is_not_defined: false,
            time_range: None,
            text_matches: vec![TextMatch {
                text: pattern,
                collation: Collation::UnicodeCasemap,
                match_type,
                negate,
            }],
            param_filters: Vec::new(),
        }],
    };
    let mut filters = Vec::new();
    for prop in &card.root.props {
        let value = value_text(prop.value()).to_uppercase();
        let chars: Vec<char> = value.chars().collect();
        let middle: String = chars.iter().skip(chars.len() / 3).take(4).collect();
        let start: String = chars.iter().take(3).collect();
        let end: String = chars.iter().skip(chars.len().saturating_sub(3)).collect();
        filters.push(text_filter(prop.name(), value.clone(), MatchType::Equals, false));
        filters.push(text_filter(prop.name(), middle.clone(), MatchType::Contains, false));
        filters.push(text_filter(prop.name(), middle, MatchType::Contains, true));
        filters.push(text_filter(prop.name(), start, MatchType::StartsWith, false));
        filters.push(text_filter(prop.name(), end, MatchType::EndsWith, false));
        for is_not_defined in [false, true] {
            filters.push(CardFilter {
                test: Test::AllOf,
                prop_filters: vec![PropFilter {
                    name: prop.name().clone(),
                    test: Test::AnyOf,
                    is_not_defined,
                    time_range: None,
                    text_matches: Vec::new(),
                    param_filters: Vec::new(),
                }],
            });
        }
    }
    filters
}

/// Over every card of the real-world corpus: a filter decided on the search
/// text gives the record's answer, and a matching card holds a needle.
#[test]
fn search_texts_decide_like_records_over_the_corpus() {
    let (mut decided, mut left_to_records) = (0usize, 0usize);
    for file in common::corpus("vcard") {
        let Ok(cards) = vcard::parse(&file.bytes()) else {
            continue;
        };
        for card in &cards {
            let Some(text) = search_text(card) else { continue };
            for filter in filters_from(card) {
                let want = card::matches(&filter, card);
                match search::matches(&filter, &text) {
                    Some(answer) => {
                        decided += 1;
                        assert_eq!(answer, want, "{}: {filter:?}", file.name);
                    }
                    None => left_to_records += 1,
                }
                if let (true, Some(needles)) = (want, card::search_needles(&filter)) {
                    assert!(
                        needles.iter().any(|n| text.contains(n.as_str())),
                        "{}: matches {filter:?} but its text holds none of {needles:?}",
                        file.name
                    );
                }
            }
        }
    }
    assert!(decided > 10_000, "only {decided} decisions");
    assert!(
        left_to_records < decided / 10,
        "{left_to_records} left to records of {decided}"
    );
}
