//! DAV:creationdate over real HTTP (RFC 4918 §15.1): collections and
//! objects, kept by updates, new after a delete and a create.

mod common;

use common::dav_client::{DavClient, Reply};
use reqwest::StatusCode;

const BOOK: &str = "/dav/addressbooks/alice/contacts/";

async fn put(c: &DavClient<'_>, path: &str, media: &str, body: &str) -> String {
    let r = c.put(path, media, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.body);
    r.header("etag").expect("ETag on PUT").to_owned()
}

/// The unescaped text of the `<prefix:name>` data element in a response.
fn data(response: &str, element: &str) -> String {
    let open = format!("<{element}>");
    let start = response
        .find(&open)
        .unwrap_or_else(|| panic!("no {open} in {response}"))
        + open.len();
    let end = response[start..].find(&format!("</{element}>")).expect("closed") + start;
    response[start..end]
        .replace("&#13;", "\r")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A vCard 3.0 with more than a name.
fn card(uid: &str) -> String {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Ann {uid}\r\nN:{uid};Ann;;;\r\nEMAIL;TYPE=WORK:{uid}@example.com\r\n\
         TEL;TYPE=cell:+49 1\r\nNOTE:a note\r\nEND:VCARD\r\n"
    )
}

/// The `<d:creationdate>` of the response for `href`, parsed.
fn creationdate(r: &Reply, href: &str) -> chrono::DateTime<chrono::Utc> {
    let response = r
        .response_for(href)
        .unwrap_or_else(|| panic!("{href} not listed: {}", r.body));
    let text = data(&response, "d:creationdate");
    assert!(text.ends_with('Z') && text.len() == 20, "RFC 3339 in UTC: {text}");
    chrono::DateTime::parse_from_rfc3339(&text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .to_utc()
}

dav_test!(rfc4918_15_1_creationdate_of_collections_and_objects, |s| {
    let c = DavClient::new(s, "alice").await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let object = format!("{BOOK}ann.vcf");
    put(&c, &object, "text/vcard", &card("ann")).await;
    let listed = c.propfind(BOOK, "1", "<d:creationdate/>").await;
    assert_eq!(listed.status, StatusCode::MULTI_STATUS, "{}", listed.body);
    let book = creationdate(&listed, BOOK);
    let created = creationdate(&listed, &object);
    let after = chrono::Utc::now();
    assert!(
        before <= book && book <= created && created <= after,
        "{book} {created}"
    );
    // allprop names it too (RFC 4918 §15.1 is a live property of every resource here).
    let all = c.request("PROPFIND", &object, &[("depth", "0")], Vec::new()).await;
    assert_eq!(creationdate(&all, &object), created, "{}", all.body);

    // An update keeps the creation date (a second later, to tell them apart).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = c
        .put(&object, "text/vcard", &card("ann").replace("a note", "changed"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let updated = c.propfind(&object, "0", "<d:creationdate/>").await;
    assert_eq!(creationdate(&updated, &object), created);
    // A delete and a new create at the same name start anew.
    c.delete(&object).await;
    put(&c, &object, "text/vcard", &card("ann")).await;
    let again = c.propfind(&object, "0", "<d:creationdate/>").await;
    assert!(creationdate(&again, &object) > created, "{}", again.body);
});
