//! Golden tests (STYLE G11): small corpus files in `fixtures/vcard/`, their
//! parsed records as JSON and their canonical 3.0 and 4.0 renderings.
//! Rewrite the expectations with `UPDATE_EXPECT=1 cargo test --test vcard_golden`.

use expect_test::expect_file;
use pimgate::adapters::vcard::{self, VCardVersion};

const FIXTURES: [&str; 8] = [
    "android-vcard__v21_japanese_2",
    "android-vcard__v21_nest",
    "android-vcard__v21_pref_handling",
    "android-vcard__v30_multibyte_param",
    "calcard__resources_vcard_001",
    "calcard__resources_vcard_058",
    "ezvcard__ezvcard_io_text_rfc2426-example",
    "ezvcard__ezvcard_io_text_rfc6350-example",
];

fn check(name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/vcard");
    let input = std::fs::read(dir.join(format!("{name}.vcf"))).expect("fixture");
    let mut records = vcard::parse(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
    records.iter_mut().for_each(|r| r.clear_raw());
    let json = serde_json::to_string_pretty(&records).expect("records serialize");
    expect_file![dir.join(format!("{name}.json"))].assert_eq(&format!("{json}\n"));
    for (version, suffix) in [(VCardVersion::V3, "v3"), (VCardVersion::V4, "v4")] {
        let rendered: Vec<u8> = records
            .iter()
            .flat_map(|r| vcard::render(r, version).expect("renders"))
            .collect();
        // expect-test reads files with line ends normalized to LF; CRLF is checked here instead.
        let text = String::from_utf8(rendered).expect("rendering is UTF-8");
        assert!(
            text.lines().count() == text.matches("\r\n").count(),
            "{name}: every rendered line ends in CRLF"
        );
        let text = text.replace("\r\n", "\n");
        expect_file![dir.join(format!("{name}.{suffix}.vcf.out"))].assert_eq(&text);
    }
}

#[test]
fn golden_vcard21_shift_jis_quoted_printable() {
    check(FIXTURES[0]);
}

#[test]
fn golden_vcard21_nested_cards_become_agent() {
    check(FIXTURES[1]);
}

#[test]
fn golden_vcard21_bare_pref_becomes_pref_1() {
    check(FIXTURES[2]);
}

#[test]
fn golden_vcard30_multibyte_param() {
    check(FIXTURES[3]);
}

#[test]
fn golden_calcard_vcard21_sample() {
    check(FIXTURES[4]);
}

#[test]
fn golden_lower_case_card_with_base64_key() {
    check(FIXTURES[5]);
}

#[test]
fn golden_rfc2426_example() {
    check(FIXTURES[6]);
}

#[test]
fn golden_rfc6350_example() {
    check(FIXTURES[7]);
}
