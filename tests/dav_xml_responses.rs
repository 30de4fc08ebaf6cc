//! Golden tests for DAV responses (STYLE G11/G12): typed responses built
//! here are written by the one writer and compared with
//! `fixtures/dav/<name>.response.xml`. Rewritten only with `UPDATE_EXPECT=1`.
//! Every output is also read back by the request-side reader, so the writer
//! can never produce XML our own parser (or a client's) rejects.

use std::path::Path;

use expect_test::expect_file;
use pimgate::server::dav::xml::names::{DavProp, Namespace};
use pimgate::server::dav::xml::response::{
    DataKind, DavErrorBody, Multistatus, MultistatusWriter, Precondition, PropStat, Response, ResponseBody, Status,
    lock_response_xml,
};
use pimgate::server::dav::xml::tree::{Element, Node, parse_document};
use pimgate::server::dav::xml::value::{
    ActiveLock, LockDepth, LockScope, MediaType, Privilege, PropValue, ReportName, ResourceKind,
};
use pimgate::server::dav::xml::{Href, XmlLimits};
use pimgate::universal::ComponentName;

/// The one place that writes response goldens: compares `xml` with
/// `fixtures/dav/<name>.response.xml` and checks that it reads back.
fn check_response(name: &str, xml: Vec<u8>) -> Element {
    let text = String::from_utf8(xml).expect("the writer emits UTF-8");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/dav/{name}.response.xml"));
    expect_file![path].assert_eq(&text);
    parse_document(text.as_bytes(), &XmlLimits::default())
        .expect("well-formed")
        .expect("non-empty")
}

fn href(path: &str) -> Href {
    Href::from_path(path)
}

fn ok(props: Vec<(DavProp, PropValue)>) -> PropStat {
    PropStat {
        status: Status::OK,
        props,
    }
}

fn not_found(props: Vec<DavProp>) -> PropStat {
    PropStat {
        status: Status::NOT_FOUND,
        props: props.into_iter().map(|p| (p, PropValue::Empty)).collect(),
    }
}

#[test]
fn rfc5397_ios_discovery_on_the_root() {
    let response = Response::with_propstats(
        href("/"),
        vec![
            ok(vec![
                (
                    DavProp::CurrentUserPrincipal,
                    PropValue::Href(href("/dav/principals/alice/")),
                ),
                (
                    DavProp::ResourceType,
                    PropValue::ResourceType(vec![ResourceKind::Collection]),
                ),
            ]),
            not_found(vec![DavProp::PrincipalUrl]),
        ],
    );
    let ms = Multistatus {
        responses: vec![response],
        sync_token: None,
    };
    check_response("propfind-ios-discovery", ms.to_xml());
}

#[test]
fn rfc6352_davx5_address_book_properties() {
    let props = vec![
        (
            DavProp::ResourceType,
            PropValue::ResourceType(vec![ResourceKind::Collection, ResourceKind::Addressbook]),
        ),
        (DavProp::DisplayName, PropValue::Text("Contacts <work> & home".into())),
        (
            DavProp::GetCtag,
            PropValue::Text("http://pimgate.example/sync/42".into()),
        ),
        (
            DavProp::SyncToken,
            PropValue::Text("http://pimgate.example/sync/42".into()),
        ),
        (
            DavProp::CurrentUserPrivilegeSet,
            PropValue::Privileges(vec![
                Privilege::Read,
                Privilege::Write,
                Privilege::ReadCurrentUserPrivilegeSet,
            ]),
        ),
        (
            DavProp::SupportedReportSet,
            PropValue::SupportedReports(vec![
                ReportName::SyncCollection,
                ReportName::AddressbookMultiget,
                ReportName::AddressbookQuery,
            ]),
        ),
        (
            DavProp::SupportedAddressData,
            PropValue::SupportedAddressData(vec![MediaType::VCard3, MediaType::VCard4]),
        ),
        (DavProp::AddressbookMaxResourceSize, PropValue::Text("10485760".into())),
        (DavProp::QuotaUsedBytes, PropValue::Text("2048".into())),
        (DavProp::Owner, PropValue::Href(href("/dav/principals/alice/"))),
    ];
    let absent = vec![
        DavProp::CalendarColor,
        DavProp::SupportedCalendarComponentSet,
        DavProp::Dead {
            ns: Namespace::CalendarServer,
            name: "source".into(),
        },
    ];
    let response = Response::with_propstats(href("/dav/alice/contacts/"), vec![ok(props), not_found(absent)]);
    let ms = Multistatus {
        responses: vec![response],
        sync_token: None,
    };
    check_response("propfind-davx5-addressbook", ms.to_xml());
}

#[test]
fn macos_calendar_home_advertises_sync_collection() {
    let home = Response::with_propstats(
        href("/dav/alice/"),
        vec![ok(vec![
            (
                DavProp::ResourceType,
                PropValue::ResourceType(vec![ResourceKind::Collection]),
            ),
            (
                DavProp::SupportedReportSet,
                PropValue::SupportedReports(vec![ReportName::SyncCollection]),
            ),
        ])],
    );
    let calendar = Response::with_propstats(
        href("/dav/alice/work calendar/"),
        vec![ok(vec![
            (
                DavProp::ResourceType,
                PropValue::ResourceType(vec![ResourceKind::Collection, ResourceKind::Calendar]),
            ),
            (
                DavProp::SupportedCalendarComponentSet,
                PropValue::Components(vec![ComponentName::VEvent, ComponentName::VTodo]),
            ),
            (
                DavProp::SupportedCalendarData,
                PropValue::SupportedCalendarData(vec![MediaType::ICalendar]),
            ),
            (DavProp::CalendarColor, PropValue::Text("#FF8000FF".into())),
            (DavProp::CalendarOrder, PropValue::Text("3".into())),
            (DavProp::CalendarHomeSet, PropValue::Hrefs(vec![href("/dav/alice/")])),
            (
                DavProp::SupportedLock,
                PropValue::SupportedLock(vec![LockScope::Exclusive, LockScope::Shared]),
            ),
        ])],
    );
    let ms = Multistatus {
        responses: vec![home, calendar],
        sync_token: None,
    };
    check_response("propfind-macos-calendar-home", ms.to_xml());
}

const EVENT: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a&b<c>\r\nSUMMARY:]]> is not the end\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[test]
fn rfc4791_7_9_calendar_multiget_keeps_crlf_and_markup_in_calendar_data() {
    let found = Response::with_propstats(
        href("/dav/alice/calendar/Meeting & Lunch.ics"),
        vec![ok(vec![
            (DavProp::GetEtag, PropValue::Text("\"3-abc\"".into())),
            (DavProp::CalendarData, PropValue::CalendarData(EVENT.into())),
        ])],
    );
    let missing = Response::with_status(href("/dav/alice/calendar/gone.ics"), Status::NOT_FOUND);
    let ms = Multistatus {
        responses: vec![found, missing],
        sync_token: None,
    };
    let root = check_response("report-calendar-multiget", ms.to_xml());
    // Read back the way a client would: the CRLFs and the markup survive.
    let data = find(&root, &Namespace::CalDav, "calendar-data").expect("calendar-data");
    assert_eq!(data.text(), EVENT);
    let first_href = find(&root, &Namespace::Dav, "href").expect("href");
    assert_eq!(
        Href::from_wire(&first_href.text()).unwrap().path(),
        "/dav/alice/calendar/Meeting & Lunch.ics"
    );
}

fn find<'a>(element: &'a Element, ns: &Namespace, name: &str) -> Option<&'a Element> {
    if element.is(ns, name) {
        return Some(element);
    }
    element.elements().find_map(|e| find(e, ns, name))
}

fn sync_report() -> Multistatus {
    let changed = |name: &str, etag: &str| {
        Response::with_propstats(
            href(&format!("/dav/alice/contacts/{name}")),
            vec![ok(vec![(DavProp::GetEtag, PropValue::Text(etag.into()))])],
        )
    };
    Multistatus {
        responses: vec![
            changed("a.vcf", "\"1\""),
            changed("100% real.vcf", "\"2\""),
            Response::with_status(href("/dav/alice/contacts/deleted.vcf"), Status::NOT_FOUND),
        ],
        sync_token: Some("http://pimgate.example/sync/43".into()),
    }
}

#[test]
fn rfc6578_sync_collection_reports_changed_and_deleted_members() {
    check_response("report-sync-collection", sync_report().to_xml());
}

#[test]
fn multistatus_streams_response_by_response() {
    let ms = sync_report();
    let mut writer = MultistatusWriter::new(Vec::new()).unwrap();
    for response in &ms.responses {
        writer.write_response(response).unwrap();
    }
    let streamed = writer.finish(ms.sync_token.as_deref()).unwrap();
    assert_eq!(streamed, ms.to_xml());
}

#[test]
fn rfc4918_dead_properties_come_back_as_written() {
    let body = br#"<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop>
        <Z:Authors Z:kind="main" lang="en" xml:lang="de"><Z:Author>Jim &amp; Roy</Z:Author><D:href>/x</D:href></Z:Authors>
        </D:prop></D:set></D:propertyupdate>"#;
    let update = pimgate::server::dav::xml::request::parse_proppatch(body, &XmlLimits::default()).unwrap();
    let pimgate::server::dav::xml::request::PropPatchOp::Set(prop, value) = update.ops[0].clone() else {
        panic!("a set")
    };
    let response = Response::with_propstats(
        href("/dav/alice/contacts/"),
        vec![ok(vec![(prop.clone(), value.clone())])],
    );
    let ms = Multistatus {
        responses: vec![response],
        sync_token: None,
    };
    let root = check_response("propfind-dead-property", ms.to_xml());
    // Reading the response back yields the same property and value.
    let prop_element = find(&root, &Namespace::Dav, "prop").unwrap().elements().next().unwrap();
    assert_eq!(DavProp::from_name(&prop_element.ns, &prop_element.name), prop);
    assert_eq!(PropValue::Xml(prop_element.clone()), value);
}

#[test]
fn rfc4918_9_2_proppatch_failure_reports_403_and_424() {
    let mut response = Response::with_propstats(
        href("/dav/alice/calendar/"),
        vec![
            PropStat {
                status: Status::FORBIDDEN,
                props: vec![(DavProp::GetEtag, PropValue::Empty)],
            },
            PropStat {
                status: Status::FAILED_DEPENDENCY,
                props: vec![(DavProp::DisplayName, PropValue::Empty)],
            },
        ],
    );
    response.error = Some(Precondition::CannotModifyProtectedProperty);
    let ms = Multistatus {
        responses: vec![response],
        sync_token: None,
    };
    check_response("proppatch-protected-property", ms.to_xml());
}

#[test]
fn preconditions_render_as_dav_error_bodies() {
    let cases = [
        (
            "error-card-no-uid-conflict",
            Precondition::NoUidConflict(DataKind::Address, href("/dav/alice/contacts/other card.vcf")),
            409,
        ),
        (
            "error-cal-max-resource-size",
            Precondition::MaxResourceSize(DataKind::Calendar),
            403,
        ),
        ("error-valid-sync-token", Precondition::ValidSyncToken, 403),
        (
            "error-lock-token-submitted",
            Precondition::LockTokenSubmitted(vec![href("/dav/alice/calendar/")]),
            423,
        ),
        (
            "error-supported-calendar-component",
            Precondition::SupportedCalendarComponent,
            403,
        ),
    ];
    for (name, condition, status) in cases {
        let body = DavErrorBody(condition);
        assert_eq!(body.status(), Status(status), "{name}");
        let root = check_response(name, body.to_xml());
        assert!(root.is(&Namespace::Dav, "error"));
    }
}

#[test]
fn rfc4918_9_10_1_lock_response_echoes_the_owner() {
    let owner = vec![Node::Text("litmus & co".into())];
    let lock = ActiveLock {
        scope: LockScope::Exclusive,
        depth: LockDepth::Infinity,
        owner: Some(owner),
        timeout_secs: Some(3600),
        token: "urn:uuid:e71d4fae-5dec-22d6-fea5-00a0c91e6be4".into(),
        root: href("/dav/alice/litmus/lockme"),
    };
    check_response("lock-response", lock_response_xml(&lock));
}

#[test]
fn status_lines_name_their_reason() {
    assert_eq!(Status::NOT_FOUND.to_string(), "HTTP/1.1 404 Not Found");
    assert_eq!(
        Status::INSUFFICIENT_STORAGE.to_string(),
        "HTTP/1.1 507 Insufficient Storage"
    );
    let body = ResponseBody::Status(Status::OK);
    assert_eq!(body, ResponseBody::Status(Status(200)));
}
