//! Golden tests (STYLE G11): small corpus files in `fixtures/ical/`, their
//! parsed objects as JSON and their canonical rendering. Rewrite the goldens
//! with `UPDATE_EXPECT=1` only.

use pimgate::adapters::ical;

const FIXTURES: [&str; 8] = [
    "py-icalendar-rfc6868-caret-params",
    "vobject-vtodo",
    "py-icalendar-vfreebusy",
    "py-icalendar-binary-attach",
    "ical4j-custom-component",
    "py-icalendar-all-components",
    "calcard-recurrence-override",
    "vobject-outlook-tzid",
];

#[test]
fn fixtures_match_their_record_json_and_canonical_rendering() {
    for name in FIXTURES {
        let path = format!("{}/fixtures/ical/{name}.ics", env!("CARGO_MANIFEST_DIR"));
        let input = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut records = ical::parse(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let [only] = records.as_slice() {
            assert_eq!(
                ical::render(only).unwrap(),
                input,
                "{name}: an unchanged object renders byte for byte"
            );
        }
        records.iter_mut().for_each(|r| r.clear_raw());
        let json = serde_json::to_string_pretty(&records).unwrap();
        expect_test::expect_file![format!("../fixtures/ical/{name}.record.json")].assert_eq(&json);
        let rendered: Vec<u8> = records.iter().flat_map(|r| ical::render(r).unwrap()).collect();
        let rendered = String::from_utf8(rendered).unwrap();
        // RFC 5545 §3.1: canonical lines end in CRLF; the golden file holds them as LF.
        assert_eq!(
            rendered.matches('\n').count(),
            rendered.matches("\r\n").count(),
            "{name}: bare LF in canonical output"
        );
        let rendered = rendered.replace("\r\n", "\n");
        expect_test::expect_file![format!("../fixtures/ical/{name}.rendered.ics")].assert_eq(&rendered);
    }
}
