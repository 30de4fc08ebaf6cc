//! addressbook-query filters (RFC 6352 §10.5) over vCard fixtures.

mod dav_query_support;

use dav_query_support::{card_filter, record};
use pimgate::server::dav::query::card;
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
        if let (true, Some(needles)) = (want, &needles) {
            let text = search_text(&record).expect("contacts have a search text");
            assert!(
                needles.iter().any(|n| text.contains(n.as_str())),
                "{fixture} matches {filter:?} but its search text holds none of {needles:?}"
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
