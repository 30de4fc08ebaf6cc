//! A typed DAV client over reqwest for the integration tests (STYLE G13):
//! one method per request shape, answers as status + headers + text, with
//! small helpers to pick hrefs, ETags and tokens out of multistatus bodies.

#![allow(dead_code)]

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use super::server::TestServer;

/// One answer: status, headers, body text.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The text of every `<d:NAME>` element, in order.
    pub fn texts(&self, name: &str) -> Vec<String> {
        let open = format!("<d:{name}>");
        let close = format!("</d:{name}>");
        let mut out = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(start) = rest.find(&open) {
            let after = &rest[start + open.len()..];
            let Some(end) = after.find(&close) else { break };
            out.push(after[..end].to_owned());
            rest = &after[end + close.len()..];
        }
        out
    }

    /// Every `<d:response>` element as text.
    pub fn responses(&self) -> Vec<String> {
        self.texts("response")
    }

    /// The response for an href, if there is one.
    pub fn response_for(&self, href: &str) -> Option<String> {
        self.responses()
            .into_iter()
            .find(|r| r.contains(&format!("<d:href>{href}</d:href>")))
    }

    /// The top-level sync token of a sync-collection answer.
    pub fn sync_token(&self) -> Option<String> {
        let tail = &self.body[self.body.rfind("</d:response>").map_or(0, |i| i)..];
        let start = tail.find("<d:sync-token>")? + "<d:sync-token>".len();
        let end = tail[start..].find("</d:sync-token>")?;
        Some(tail[start..start + end].to_owned())
    }
}

/// XML without the pretty-printer's whitespace between tags, so tests can
/// look for `<a><b>` sequences.
pub fn compact(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut pending = String::new();
    let mut after_tag = false;
    for c in xml.chars() {
        if after_tag && c.is_whitespace() {
            pending.push(c);
            continue;
        }
        if c != '<' {
            out.push_str(&pending);
        }
        pending.clear();
        out.push(c);
        after_tag = c == '>';
    }
    out
}

/// A logged-in DAV client.
pub struct DavClient<'a> {
    pub server: &'a TestServer,
    pub user: String,
    pub password: String,
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).expect("method name")
}

impl<'a> DavClient<'a> {
    /// Creates the user and a client for it.
    pub async fn new(server: &'a TestServer, user: &str) -> DavClient<'a> {
        server.add_user(user, "secret").await;
        DavClient {
            server,
            user: user.to_owned(),
            password: "secret".to_owned(),
        }
    }

    /// Any request, with extra headers and a body.
    pub async fn request(&self, verb: &str, path: &str, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Reply {
        let mut request = self
            .server
            .client
            .request(method(verb), self.server.url(path))
            .basic_auth(&self.user, Some(&self.password))
            .body(body.into());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let xml = headers
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").contains("xml"));
        let body = if xml { compact(&text) } else { text };
        Reply { status, headers, body }
    }

    /// PROPFIND with these property elements (e.g. `<d:getetag/>`).
    pub async fn propfind(&self, path: &str, depth: &str, props: &str) -> Reply {
        let body = format!(
            r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/" xmlns:ical="http://apple.com/ns/ical/" xmlns:x="urn:x-test"><d:prop>{props}</d:prop></d:propfind>"#
        );
        self.request("PROPFIND", path, &[("depth", depth)], body).await
    }

    /// PROPPATCH with a `<d:set>`/`<d:remove>` body.
    pub async fn proppatch(&self, path: &str, instructions: &str) -> Reply {
        let body = format!(
            r#"<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:ical="http://apple.com/ns/ical/" xmlns:x="urn:x-test">{instructions}</d:propertyupdate>"#
        );
        self.request("PROPPATCH", path, &[], body).await
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.request("GET", path, headers, Vec::new()).await
    }

    /// PUT with a content type and no precondition.
    pub async fn put(&self, path: &str, content_type: &str, body: &str) -> Reply {
        self.request("PUT", path, &[("content-type", content_type)], body).await
    }

    /// PUT with `If-Match`.
    pub async fn put_if_match(&self, path: &str, content_type: &str, etag: &str, body: &str) -> Reply {
        self.request("PUT", path, &[("content-type", content_type), ("if-match", etag)], body)
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.request("DELETE", path, &[], Vec::new()).await
    }

    /// sync-collection with a token (`""` for the initial sync) and an optional limit.
    pub async fn sync_collection(&self, path: &str, token: &str, limit: Option<u32>, props: &str) -> Reply {
        let limit = limit.map_or(String::new(), |n| {
            format!("<d:limit><d:nresults>{n}</d:nresults></d:limit>")
        });
        let body = format!(
            r#"<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav"><d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>{limit}<d:prop>{props}</d:prop></d:sync-collection>"#
        );
        self.request("REPORT", path, &[("depth", "1")], body).await
    }

    /// addressbook-multiget (`card`) or calendar-multiget (`cal`) of hrefs.
    pub async fn multiget(&self, path: &str, kind: &str, data: &str, hrefs: &[String]) -> Reply {
        let root = if kind == "card" {
            "addressbook-multiget"
        } else {
            "calendar-multiget"
        };
        let hrefs: String = hrefs.iter().map(|h| format!("<d:href>{h}</d:href>")).collect();
        let body = format!(
            r#"<?xml version="1.0"?><{kind}:{root} xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/>{data}</d:prop>{hrefs}</{kind}:{root}>"#
        );
        self.request("REPORT", path, &[("depth", "1")], body).await
    }
}

/// A minimal vCard 3.0 with a UID and a name.
pub fn vcard(uid: &str, name: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\nEND:VCARD\r\n")
}

/// A minimal VEVENT calendar object.
pub fn vevent(uid: &str, summary: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\nDTEND:20240102T110000Z\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// A minimal VTODO calendar object.
pub fn vtodo(uid: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\nUID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:task\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
}

/// The servers a DAV test runs against: SQLite always, PostgreSQL when
/// `PIMGATE_TEST_POSTGRES_URL` is set.
pub async fn servers(configure: fn(&mut pimgate::config::Config)) -> Vec<TestServer> {
    let mut out = vec![super::server::start(configure).await];
    if let Some(url) = super::stores::postgres_url() {
        let store = super::stores::postgres(&url).await;
        out.push(super::server::start_on(store, configure).await);
    }
    out
}

/// `dav_test!(name, |s| { ... })`: a test run once per backend, `s` being
/// the `&TestServer`. `dav_test!(name, config_fn, |s| { ... })` configures it.
#[macro_export]
macro_rules! dav_test {
    ($name:ident, |$s:ident| $body:block) => {
        $crate::dav_test!($name, |_| {}, |$s| $body);
    };
    ($name:ident, $configure:expr, |$s:ident| $body:block) => {
        #[tokio::test]
        async fn $name() {
            #[allow(unused_variables)]
            async fn run($s: &common::server::TestServer) $body
            for server in common::dav_client::servers($configure).await {
                run(&server).await;
                server.stop().await.unwrap();
            }
        }
    };
}
