//! Properties of the writer: whatever text and hrefs it writes, a reader
//! gets back exactly (CRLF of vCard/iCalendar data included).

use pimgate::server::dav::xml::names::{DavProp, Namespace};
use pimgate::server::dav::xml::response::{Multistatus, PropStat, Response, Status};
use pimgate::server::dav::xml::tree::{Element, parse_document};
use pimgate::server::dav::xml::value::PropValue;
use pimgate::server::dav::xml::{Href, XmlLimits};
use proptest::prelude::*;

fn find<'a>(element: &'a Element, ns: &Namespace, name: &str) -> Option<&'a Element> {
    if element.is(ns, name) {
        return Some(element);
    }
    element.elements().find_map(|e| find(e, ns, name))
}

/// Text XML 1.0 can carry: no C0 controls other than tab, LF and CR.
fn xml_text() -> impl Strategy<Value = String> {
    "[\t\n\r -~\u{a0}-\u{2fff}]{0,80}"
}

proptest! {
    #[test]
    fn calendar_data_and_hrefs_read_back_exactly(data in xml_text(), path in "/[ -~\u{e9}\u{4e2d}]{0,40}") {
        let response = Response::with_propstats(
            Href::from_path(path.clone()),
            vec![PropStat { status: Status::OK, props: vec![(DavProp::CalendarData, PropValue::CalendarData(data.clone()))] }],
        );
        let xml = Multistatus { responses: vec![response], sync_token: Some(data.clone()) }.to_xml();
        let root = parse_document(&xml, &XmlLimits::default()).unwrap().unwrap();
        let read = find(&root, &Namespace::CalDav, "calendar-data").unwrap().text();
        // A whitespace-only text node is dropped by the reader (DAV has no mixed content).
        let expected = if data.trim().is_empty() { String::new() } else { data.clone() };
        prop_assert_eq!(read, expected);
        let href = find(&root, &Namespace::Dav, "href").unwrap().text();
        let decoded = Href::from_wire(&href).unwrap();
        prop_assert_eq!(decoded.path(), path.as_str());
    }
}

/// Counts bytes without keeping them: proves the writer needs no buffer.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_hundred_thousand_responses_stream_into_a_sink() {
    use pimgate::server::dav::xml::response::MultistatusWriter;
    let started = std::time::Instant::now();
    let mut writer = MultistatusWriter::new(Counter(0)).unwrap();
    for i in 0..100_000 {
        let response = Response::with_propstats(
            Href::from_path(format!("/dav/alice/contacts/{i}.vcf")),
            vec![PropStat {
                status: Status::OK,
                props: vec![(DavProp::GetEtag, PropValue::Text(format!("\"{i}\"")))],
            }],
        );
        writer.write_response(&response).unwrap();
    }
    let written = writer.finish(Some("http://pimgate.example/sync/7")).unwrap().0;
    eprintln!(
        "streamed 100,000 responses, {written} bytes, in {:?}",
        started.elapsed()
    );
    assert!(written > 100_000 * 150, "{written} bytes");
}
