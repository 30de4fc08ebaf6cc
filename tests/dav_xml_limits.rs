//! Hostile and arbitrary bodies: the request parsers enforce their limits
//! (depth, element count, no entity expansion) and never panic.

use pimgate::server::dav::xml::request::{parse_lockinfo, parse_mkcol, parse_propfind, parse_proppatch, parse_report};
use pimgate::server::dav::xml::{XmlErrorKind, XmlLimits};
use proptest::prelude::*;

fn nested(depth: usize) -> String {
    let mut body = String::from(r#"<D:propfind xmlns:D="DAV:"><D:prop><X:a xmlns:X="urn:x">"#);
    body.push_str(&"<X:a>".repeat(depth));
    body.push_str(&"</X:a>".repeat(depth));
    body.push_str("</X:a></D:prop></D:propfind>");
    body
}

#[test]
fn too_deep_nesting_is_refused_before_it_is_built() {
    let limits = XmlLimits {
        max_depth: 16,
        ..XmlLimits::default()
    };
    let err = parse_propfind(nested(100).as_bytes(), &limits).unwrap_err();
    assert_eq!(err.kind, XmlErrorKind::TooDeep(16));
    assert_eq!(err.line, 1);
    // Right at the limit is accepted: propfind, prop, a, and 13 more.
    assert!(parse_propfind(nested(13).as_bytes(), &limits).is_ok());
    assert!(parse_propfind(nested(14).as_bytes(), &limits).is_err());
}

#[test]
fn default_depth_limit_stops_a_hundred_thousand_levels() {
    let err = parse_propfind(nested(100_000).as_bytes(), &XmlLimits::default()).unwrap_err();
    assert_eq!(err.kind, XmlErrorKind::TooDeep(XmlLimits::default().max_depth));
}

#[test]
fn too_many_elements_are_refused() {
    let hrefs = "<D:href>/a.ics</D:href>".repeat(50);
    let body = format!(
        r#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>{hrefs}</C:calendar-multiget>"#
    );
    let limits = XmlLimits {
        max_elements: 40,
        ..XmlLimits::default()
    };
    assert_eq!(
        parse_report(body.as_bytes(), &limits).unwrap_err().kind,
        XmlErrorKind::TooManyElements(40)
    );
    let roomy = XmlLimits {
        max_elements: 53,
        ..XmlLimits::default()
    };
    assert!(parse_report(body.as_bytes(), &roomy).is_ok());
}

#[test]
fn external_entities_are_never_fetched_or_expanded() {
    let xxe = br#"<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&xxe;</D:displayname></D:prop></D:propfind>"#;
    let err = parse_propfind(xxe, &XmlLimits::default()).unwrap_err();
    assert_eq!((err.kind, err.line), (XmlErrorKind::EntityDeclaration, 2));
    // Predefined entities and character references are plain text, not expansion.
    let ok = "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><D:displayname>a&lt;&#x42;&#67;&amp;</D:displayname></D:prop></D:set></D:propertyupdate>";
    let update = parse_proppatch(ok.as_bytes(), &XmlLimits::default()).unwrap();
    assert_eq!(format!("{:?}", update.ops), r#"[Set(DisplayName, Text("a<BC&"))]"#);
}

#[test]
fn non_utf8_bodies_name_the_offending_position() {
    let body = b"<D:propfind xmlns:D=\"DAV:\">\n<D:prop>\xff</D:prop></D:propfind>";
    let err = parse_propfind(body, &XmlLimits::default()).unwrap_err();
    assert_eq!((err.kind, err.line, err.column), (XmlErrorKind::NotUtf8, 2, 9));
}

#[test]
fn a_second_document_element_or_stray_text_is_refused() {
    let limits = XmlLimits::default();
    let two = br#"<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind><D:propfind xmlns:D="DAV:"/>"#;
    assert!(matches!(
        parse_propfind(two, &limits).unwrap_err().kind,
        XmlErrorKind::UnexpectedContent(_)
    ));
    let text = br#"junk<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>"#;
    assert!(matches!(
        parse_propfind(text, &limits).unwrap_err().kind,
        XmlErrorKind::UnexpectedContent(_)
    ));
}

#[test]
fn required_bodies_refuse_blank_input_and_optional_ones_accept_it() {
    let limits = XmlLimits::default();
    assert_eq!(parse_report(b"  \n", &limits).unwrap_err().kind, XmlErrorKind::Empty);
    assert_eq!(parse_proppatch(b"", &limits).unwrap_err().kind, XmlErrorKind::Empty);
    assert_eq!(parse_lockinfo(b"", &limits), Ok(None));
    assert_eq!(parse_mkcol(b"", &limits, true), Ok(None));
}

/// Every request parser over the same bytes; only their not panicking matters.
fn parse_all(body: &[u8]) {
    let limits = XmlLimits {
        max_depth: 12,
        max_elements: 200,
    };
    let _ = parse_propfind(body, &limits);
    let _ = parse_proppatch(body, &limits);
    let _ = parse_mkcol(body, &limits, false);
    let _ = parse_mkcol(body, &limits, true);
    let _ = parse_lockinfo(body, &limits);
    let _ = parse_report(body, &limits);
}

/// Fragments that steer random input into the interesting paths.
fn xmlish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<",
        ">",
        "/>",
        "</",
        "&",
        ";",
        "&amp;",
        "&#x0;",
        "&#99999999;",
        "<!DOCTYPE x [",
        "<!ENTITY",
        "]>",
        "<![CDATA[",
        "]]>",
        "<?xml version=\"1.0\"?>",
        "xmlns=\"DAV:\"",
        "xmlns:C=\"urn:ietf:params:xml:ns:caldav\"",
        "C:",
        "propfind",
        "prop",
        "sync-collection",
        "calendar-query",
        "filter",
        "comp-filter",
        "time-range",
        "name=\"VEVENT\"",
        "start=\"20060104T000000Z\"",
        "end=\"x\"",
        "href",
        "lockinfo",
        "lockscope",
        "\"",
        " ",
        "\n",
        "\u{feff}",
        "é",
        "\r",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn request_parsers_never_panic_on_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_all(&body);
    }

    #[test]
    fn request_parsers_never_panic_on_xml_like_text(body in xmlish()) {
        parse_all(body.as_bytes());
    }
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    // Windows clients (.NET's XmlWriter) may start the body with a BOM.
    let body =
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:propname/></D:propfind>";
    assert_eq!(
        format!("{:?}", parse_propfind(body.as_bytes(), &XmlLimits::default())),
        "Ok(PropName)"
    );
}

#[test]
fn a_ten_thousand_href_multiget_fits_the_default_limits() {
    use pimgate::server::dav::xml::request::Report;
    let hrefs: String = (0..10_000)
        .map(|i| format!("<D:href>/dav/alice/calendar/{i}.ics</D:href>"))
        .collect();
    let body = format!(
        r#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>{hrefs}</C:calendar-multiget>"#
    );
    let started = std::time::Instant::now();
    let report = parse_report(body.as_bytes(), &XmlLimits::default()).unwrap();
    eprintln!("parsed {} bytes, 10,000 hrefs in {:?}", body.len(), started.elapsed());
    let Report::CalendarMultiget { hrefs, .. } = report else {
        panic!("a calendar-multiget")
    };
    assert_eq!(hrefs.len(), 10_000);
    assert_eq!(hrefs[9_999].path(), "/dav/alice/calendar/9999.ics");
}
