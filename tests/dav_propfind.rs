//! PROPFIND over real HTTP: discovery properties on the root, principal and
//! homes, collection and object properties, 404 propstats, authorization.

mod common;

use common::dav_client::{DavClient, vcard};
use reqwest::StatusCode;

const DISCOVERY: &str = "<d:current-user-principal/><d:principal-URL/><d:resourcetype/>";

#[tokio::test]
async fn rfc5397_3_current_user_principal_without_login_is_401() {
    let s = common::server::start(|_| {}).await;
    let body = format!(r#"<d:propfind xmlns:d="DAV:"><d:prop>{DISCOVERY}</d:prop></d:propfind>"#);
    let r = s
        .client
        .request(reqwest::Method::from_bytes(b"PROPFIND").unwrap(), s.url("/dav/"))
        .header("depth", "0")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().contains_key("www-authenticate"));
    s.stop().await.unwrap();
}

dav_test!(rfc5397_3_root_answers_current_user_principal_with_dav_header, |s| {
    let c = DavClient::new(s, "alice").await;
    let r = c.propfind("/dav/", "0", DISCOVERY).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.body);
    assert!(
        r.header("dav").unwrap().contains("calendar-access"),
        "DAV header on PROPFIND"
    );
    let root = r.response_for("/dav/").expect("root response");
    assert!(
        root.contains("<d:current-user-principal><d:href>/dav/principals/alice/</d:href>"),
        "{root}"
    );
    assert!(root.contains("<d:collection/>"), "{root}");
    // principal-URL is a principal's property: 404 on the root.
    assert!(root.contains("404"), "{root}");
});

dav_test!(rfc6352_7_1_1_rfc4791_6_2_1_principal_names_both_homes, |s| {
    let c = DavClient::new(s, "alice@example.org").await;
    let r = c
        .propfind(
            "/dav/principals/alice@example.org/",
            "0",
            "<card:addressbook-home-set/><cal:calendar-home-set/><cal:calendar-user-address-set/><d:principal-URL/><d:resourcetype/>",
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    let body = &r.body;
    assert!(
        body.contains("<card:addressbook-home-set><d:href>/dav/addressbooks/alice@example.org/</d:href>"),
        "{body}"
    );
    assert!(
        body.contains("<cal:calendar-home-set><d:href>/dav/calendars/alice@example.org/</d:href>"),
        "{body}"
    );
    assert!(body.contains("<d:href>mailto:alice@example.org</d:href>"), "{body}");
    assert!(body.contains("<d:principal/>"), "{body}");
    assert!(!body.contains("404"), "{body}");
});

dav_test!(apple_home_offers_sync_collection_in_supported_report_set, |s| {
    let c = DavClient::new(s, "alice").await;
    for home in ["/dav/calendars/alice/", "/dav/addressbooks/alice/"] {
        let r = c.propfind(home, "0", "<d:supported-report-set/>").await;
        assert!(r.body.contains("<d:sync-collection/>"), "{home}: {}", r.body);
    }
});

dav_test!(a_new_user_gets_default_contacts_and_calendar, |s| {
    let c = DavClient::new(s, "alice").await;
    let props = "<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><card:supported-address-data/>\
                 <card:max-resource-size/><cal:supported-calendar-component-set/><d:current-user-privilege-set/><d:owner/>";
    let r = c.propfind("/dav/addressbooks/alice/", "1", props).await;
    let book = r
        .response_for("/dav/addressbooks/alice/contacts/")
        .expect("contacts listed");
    assert!(book.contains("<card:addressbook/>"), "{book}");
    assert!(
        book.contains("version=\"4.0\"") && book.contains("version=\"3.0\""),
        "{book}"
    );
    // The CTag is the sync token: the position the new collection's log starts at.
    let token = book
        .split("<d:sync-token>")
        .nth(1)
        .and_then(|t| t.split("</d:sync-token>").next())
        .expect("a sync token");
    assert!(token.starts_with("http://pimgate/sync/"), "{book}");
    assert!(book.contains(&format!("<cs:getctag>{token}</cs:getctag>")), "{book}");
    assert!(book.contains("<card:max-resource-size>"), "{book}");
    assert!(book.contains("<d:write/>"), "{book}");
    let r = c.propfind("/dav/calendars/alice/", "1", props).await;
    let cal = r
        .response_for("/dav/calendars/alice/calendar/")
        .expect("calendar listed");
    assert!(cal.contains("<cal:calendar/>"), "{cal}");
    assert!(cal.contains("<cal:comp name=\"VEVENT\"/>"), "{cal}");
    assert!(
        r.response_for("/dav/calendars/alice/contacts/").is_none(),
        "address books stay in their home"
    );
});

dav_test!(rfc4918_9_1_unknown_property_is_reported_in_a_404_propstat, |s| {
    let c = DavClient::new(s, "alice").await;
    let r = c
        .propfind("/dav/calendars/alice/calendar/", "0", "<d:displayname/><x:nothing/>")
        .await;
    let response = r.response_for("/dav/calendars/alice/calendar/").unwrap();
    let ok = response.find("HTTP/1.1 200 OK").unwrap();
    let missing = response.find("HTTP/1.1 404 Not Found").unwrap();
    assert!(response.find("displayname").unwrap() < ok, "{response}");
    assert!(
        response.rfind("nothing").unwrap() < missing && response.rfind("nothing").unwrap() > ok,
        "{response}"
    );
});

dav_test!(rfc4918_9_1_propname_and_allprop, |s| {
    let c = DavClient::new(s, "alice").await;
    let names = c
        .request(
            "PROPFIND",
            "/dav/calendars/alice/calendar/",
            &[("depth", "0")],
            r#"<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>"#,
        )
        .await;
    assert!(
        names.body.contains("<d:displayname/>") && names.body.contains("<d:resourcetype/>"),
        "{}",
        names.body
    );
    let all = c
        .request("PROPFIND", "/dav/calendars/alice/calendar/", &[("depth", "0")], "")
        .await;
    assert!(
        all.body.contains("<d:displayname>Calendar</d:displayname>"),
        "{}",
        all.body
    );
});

dav_test!(rfc4918_15_objects_have_etag_type_length_and_date, |s| {
    let c = DavClient::new(s, "alice").await;
    let put = c
        .put(
            "/dav/addressbooks/alice/contacts/a.vcf",
            "text/vcard",
            &vcard("a", "Ann"),
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    let etag = put.header("etag").unwrap().to_owned();
    let props = "<d:getetag/><d:getcontenttype/><d:getcontentlength/><d:getlastmodified/><d:resourcetype/>";
    for depth in ["1", "0"] {
        let path = if depth == "1" {
            "/dav/addressbooks/alice/contacts/"
        } else {
            "/dav/addressbooks/alice/contacts/a.vcf"
        };
        let r = c.propfind(path, depth, props).await;
        let object = r
            .response_for("/dav/addressbooks/alice/contacts/a.vcf")
            .expect("object listed");
        assert!(
            object.contains(&format!("<d:getetag>{}</d:getetag>", etag.replace('"', "&quot;")))
                || object.contains(&format!("<d:getetag>{etag}</d:getetag>")),
            "{object}"
        );
        assert!(object.contains("text/vcard"), "{object}");
        assert!(
            object.contains(&format!(
                "<d:getcontentlength>{}</d:getcontentlength>",
                vcard("a", "Ann").len()
            )),
            "{object}"
        );
        assert!(object.contains("GMT</d:getlastmodified>"), "{object}");
    }
});

dav_test!(
    rfc3744_other_users_collections_are_404_and_read_grants_are_read_only,
    |s| {
        use pimgate::store::{Access, Accounts};
        use pimgate::universal::CollectionId;
        let alice = DavClient::new(s, "alice").await;
        let bob = DavClient::new(s, "bob").await;
        // alice's first request creates her defaults.
        alice.propfind("/dav/calendars/alice/", "0", "<d:resourcetype/>").await;
        let path = "/dav/calendars/alice/calendar/";
        assert_eq!(
            bob.propfind(path, "0", "<d:resourcetype/>").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            bob.propfind("/dav/calendars/alice/", "0", "<d:resourcetype/>")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        s.store()
            .set_grant(&CollectionId("alice/calendars/calendar".into()), "bob", Access::Read)
            .await
            .unwrap();
        let r = bob.propfind(path, "0", "<d:current-user-privilege-set/>").await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS);
        assert!(!r.body.contains("<d:write/>"), "{}", r.body);
        let put = bob
            .put(
                &format!("{path}x.ics"),
                "text/calendar",
                &common::dav_client::vevent("x", "x"),
            )
            .await;
        assert_eq!(put.status, StatusCode::FORBIDDEN);
    }
);

dav_test!(rfc4918_9_1_depth_1_lists_every_member_of_a_large_collection, |s| {
    // The listing is streamed in pages of 1,000 names; members on both sides
    // of a page boundary are all listed, each once.
    use pimgate::engine::{Precondition, PutObject};
    use pimgate::universal::{CollectionId, DeviceId, ObjectName, Timestamp};
    let c = DavClient::new(s, "alice").await;
    c.propfind("/dav/addressbooks/alice/", "0", "<d:resourcetype/>").await;
    for i in 0..1001 {
        let card = vcard(&format!("u{i:04}"), &format!("Person {i}"));
        let record = pimgate::adapters::vcard::parse(card.as_bytes()).unwrap().remove(0);
        s.state
            .engine()
            .put_object(PutObject {
                collection: CollectionId("alice/addressbooks/contacts".into()),
                name: ObjectName(format!("u{i:04}.vcf")),
                record,
                original: card.into_bytes(),
                content_type: "text/vcard".into(),
                precondition: Precondition::None,
                origin: DeviceId("dav:alice".into()),
                at: Timestamp(1),
            })
            .await
            .unwrap();
    }
    let r = c
        .propfind("/dav/addressbooks/alice/contacts/", "1", "<d:getetag/>")
        .await;
    assert_eq!(r.status.as_u16(), 207);
    assert_eq!(r.responses().len(), 1002, "the collection and 1,001 members");
    for name in ["u0000.vcf", "u0999.vcf", "u1000.vcf"] {
        assert_eq!(r.body.matches(name).count(), 1, "{name}");
    }
});
