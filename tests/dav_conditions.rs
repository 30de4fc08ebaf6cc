//! The `If` header (RFC 4918 §10.4) over real HTTP, on plain resources and
//! on address book and calendar objects, for every method that writes;
//! and `If-Match` beside it (RFC 9110 §13.1.1, Evolution's escaped quotes).

mod common;

use common::dav_client::{DavClient, Reply, vcard, vevent};
use reqwest::StatusCode;

const DIR: &str = "/dav/calendars/alice/files/";
const CAL: &str = "/dav/calendars/alice/calendar/";
const BOOK: &str = "/dav/addressbooks/alice/contacts/";

async fn with_if(c: &DavClient<'_>, method: &str, path: &str, if_header: &str, body: &str) -> Reply {
    let content_type = if path.ends_with(".ics") {
        "text/calendar"
    } else if path.ends_with(".vcf") {
        "text/vcard"
    } else {
        "text/plain"
    };
    c.request(method, path, &[("if", if_header), ("content-type", content_type)], body)
        .await
}

fn etag(reply: &Reply) -> String {
    reply.header("etag").expect("an ETag").to_owned()
}

dav_test!(
    rfc4918_10_4_3_an_if_header_is_an_or_of_lists_each_an_and_of_conditions,
    |s| {
        let c = DavClient::new(s, "alice").await;
        assert_eq!(
            c.request("MKCOL", DIR, &[], Vec::new()).await.status,
            StatusCode::CREATED
        );
        let file = format!("{DIR}a.txt");
        let current = etag(&c.put(&file, "text/plain", "a").await);
        let cases = [
            (format!("([{current}])"), true),
            ("([\"bogus\"])".to_owned(), false),
            (format!("([\"bogus\"]) ([{current}])"), true),
            (format!("(Not <DAV:no-lock> [{current}])"), true),
            ("(Not <DAV:no-lock> [\"bogus\"])".to_owned(), false),
            (format!("(Not [{current}])"), false),
            ("(Not <DAV:no-lock>)".to_owned(), true),
            ("(<DAV:no-lock>)".to_owned(), false),
            (format!("([W/{current}])"), true),
        ];
        for (header, holds) in cases {
            // Each PUT writes the same bytes, so the ETag stays put.
            let reply = with_if(&c, "PUT", &file, &header, "a").await;
            let expected = if holds {
                StatusCode::NO_CONTENT
            } else {
                StatusCode::PRECONDITION_FAILED
            };
            assert_eq!(reply.status, expected, "If: {header}: {}", reply.body);
        }
    }
);

dav_test!(rfc4918_10_4_2_tagged_lists_are_about_their_own_resource, |s| {
    let c = DavClient::new(s, "alice").await;
    assert_eq!(
        c.request("MKCOL", DIR, &[], Vec::new()).await.status,
        StatusCode::CREATED
    );
    let other = etag(&c.put(&format!("{DIR}other.txt"), "text/plain", "o").await);
    let file = format!("{DIR}a.txt");
    let base = &s.base;
    let cases = [
        (format!("<{base}{DIR}other.txt> ([{other}])"), true),
        (format!("<{DIR}other.txt> ([\"bogus\"])"), false),
        // An unmapped URL has no state: only Not conditions hold on it.
        (format!("<{DIR}nothing.txt> (Not [{other}])"), true),
        (format!("<{DIR}nothing.txt> ([{other}])"), false),
        (
            format!("<http://elsewhere.example/x> ([{other}]) <{DIR}other.txt> ([{other}])"),
            true,
        ),
    ];
    for (header, holds) in cases {
        let reply = with_if(&c, "PUT", &file, &header, "a").await;
        assert_eq!(
            reply.status.is_success(),
            holds,
            "If: {header}: {} {}",
            reply.status,
            reply.body
        );
    }
});

dav_test!(
    rfc4918_10_4_1_a_token_counts_as_submitted_whatever_its_list_evaluates_to,
    |s| {
        let c = DavClient::new(s, "alice").await;
        assert_eq!(
            c.request("MKCOL", DIR, &[], Vec::new()).await.status,
            StatusCode::CREATED
        );
        let file = format!("{DIR}a.txt");
        let current = etag(&c.put(&file, "text/plain", "a").await);
        let info = r#"<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockinfo>"#;
        let locked = c.request("LOCK", &file, &[], info).await;
        let token = locked.header("lock-token").unwrap().trim_matches(['<', '>']).to_owned();
        // The header holds (second list) but the lock's token is not in it: 423.
        let corrupt = with_if(&c, "PUT", &file, &format!("(<{token}x>) (Not <DAV:no-lock>)"), "a").await;
        assert_eq!(corrupt.status, StatusCode::LOCKED);
        assert!(corrupt.body.contains("lock-token-submitted"), "{}", corrupt.body);
        // The token is submitted in a list that fails, another list holds: fine.
        let submitted = with_if(
            &c,
            "PUT",
            &file,
            &format!("(<{token}> [\"bogus\"]) (Not <DAV:no-lock>)"),
            "a",
        )
        .await;
        assert_eq!(submitted.status, StatusCode::NO_CONTENT, "{}", submitted.body);
        // A false header is 412 even on a locked resource, before the lock check.
        let false_header = with_if(&c, "PUT", &file, &format!("(<DAV:no-lock> [{current}])"), "a").await;
        assert_eq!(false_header.status, StatusCode::PRECONDITION_FAILED);
        let both = with_if(&c, "PUT", &file, &format!("(<{token}> [{current}])"), "a").await;
        assert_eq!(both.status, StatusCode::NO_CONTENT);
    }
);

dav_test!(rfc4918_10_4_guards_every_writing_method_on_plain_resources, |s| {
    let c = DavClient::new(s, "alice").await;
    assert_eq!(
        c.request("MKCOL", DIR, &[], Vec::new()).await.status,
        StatusCode::CREATED
    );
    let file = format!("{DIR}a.txt");
    c.put(&file, "text/plain", "a").await;
    let no = "(<DAV:no-lock>)";
    let dest = format!("{DIR}b.txt");
    let proppatch = r#"<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><x:p xmlns:x="urn:x">1</x:p></d:prop></d:set></d:propertyupdate>"#;
    let refused = [
        c.request("DELETE", &file, &[("if", no)], Vec::new()).await,
        c.request("PROPPATCH", &file, &[("if", no)], proppatch).await,
        c.request("MKCOL", &format!("{DIR}sub/"), &[("if", no)], Vec::new())
            .await,
        c.request("COPY", &file, &[("if", no), ("destination", dest.as_str())], Vec::new())
            .await,
        c.request("MOVE", &file, &[("if", no), ("destination", dest.as_str())], Vec::new())
            .await,
        // RFC 4918 §10.4.1: a false If header fails reads too.
        c.request("GET", &file, &[("if", no)], Vec::new()).await,
        c.request("PROPFIND", &file, &[("if", no), ("depth", "0")], Vec::new())
            .await,
    ];
    for (i, reply) in refused.iter().enumerate() {
        assert_eq!(
            reply.status,
            StatusCode::PRECONDITION_FAILED,
            "request {i}: {}",
            reply.body
        );
    }
    assert_eq!(c.get(&dest, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get(&file, &[]).await.body, "a");
    let malformed = c.request("DELETE", &file, &[("if", "(<unclosed")], Vec::new()).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let yes = "(Not <DAV:no-lock>)";
    assert_eq!(
        c.request("DELETE", &file, &[("if", yes)], Vec::new()).await.status,
        StatusCode::NO_CONTENT
    );
});

dav_test!(rfc4918_10_4_guards_address_book_and_calendar_objects, |s| {
    let c = DavClient::new(s, "alice").await;
    let event = format!("{CAL}e.ics");
    let card = format!("{BOOK}c.vcf");
    let event_tag = etag(&c.put(&event, "text/calendar", &vevent("e", "e")).await);
    let card_tag = etag(&c.put(&card, "text/vcard", &vcard("c", "Carla")).await);
    let stale = with_if(&c, "PUT", &event, "([\"bogus\"])", &vevent("e", "changed")).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let fresh = with_if(&c, "PUT", &event, &format!("([{event_tag}])"), &vevent("e", "changed")).await;
    assert_eq!(fresh.status, StatusCode::NO_CONTENT, "{}", fresh.body);
    let proppatch = r#"<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><x:p xmlns:x="urn:x">1</x:p></d:prop></d:set></d:propertyupdate>"#;
    let card_if = format!("([{card_tag}])");
    let patched = c
        .request("PROPPATCH", &card, &[("if", card_if.as_str())], proppatch)
        .await;
    assert_eq!(patched.status, StatusCode::MULTI_STATUS);
    let wrong = c.request("DELETE", &card, &[("if", "([\"bogus\"])")], Vec::new()).await;
    assert_eq!(wrong.status, StatusCode::PRECONDITION_FAILED);
    // A creation: the Request-URI is unmapped, so only Not conditions hold.
    let new = format!("{CAL}n.ics");
    assert_eq!(
        with_if(&c, "PUT", &new, &format!("([{event_tag}])"), &vevent("n", "n"))
            .await
            .status,
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(
        with_if(&c, "PUT", &new, "(Not <DAV:no-lock>)", &vevent("n", "n"))
            .await
            .status,
        StatusCode::CREATED
    );
    let deleted = c
        .request("DELETE", &card, &[("if", card_if.as_str())], Vec::new())
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
});

dav_test!(rfc9110_13_1_1_if_match_keeps_working_beside_if, |s| {
    let c = DavClient::new(s, "alice").await;
    let event = format!("{CAL}e.ics");
    let current = etag(&c.put(&event, "text/calendar", &vevent("e", "e")).await);
    // Evolution escapes the quotes of the ETag it sends.
    let escaped = current.replace('"', "\\\"");
    let reply = c
        .request(
            "PUT",
            &event,
            &[
                ("content-type", "text/calendar"),
                ("if-match", escaped.as_str()),
                ("if", "(Not <DAV:no-lock>)"),
            ],
            vevent("e", "changed"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    let stale = c
        .request(
            "PUT",
            &event,
            &[
                ("content-type", "text/calendar"),
                ("if-match", current.as_str()),
                ("if", "(Not <DAV:no-lock>)"),
            ],
            vevent("e", "again"),
        )
        .await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "the ETag changed with the body"
    );
});
