//! Discovery over real HTTP: well-known redirects, OPTIONS, the landing
//! page, health, limits, forwarded headers.

mod common;

use common::server;
use reqwest::header::{ALLOW, LOCATION};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn rfc6764_5_well_known_carddav_and_caldav_redirect_to_the_dav_root() {
    let s = server::start(|_| {}).await;
    for path in ["/.well-known/carddav", "/.well-known/caldav"] {
        for method in [Method::GET, Method::from_bytes(b"PROPFIND").unwrap()] {
            let r = s.client.request(method.clone(), s.url(path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY, "{method} {path}");
            assert_eq!(r.headers()[LOCATION], format!("{}/dav/", s.base), "{method} {path}");
        }
    }
    s.stop().await.unwrap();
}

#[tokio::test]
async fn rfc6764_5_redirect_names_the_origin_a_trusted_proxy_forwarded() {
    let s = server::start(|c| c.proxy.trusted = vec!["127.0.0.1".parse().unwrap()]).await;
    let r = s
        .client
        .get(s.url("/.well-known/caldav"))
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "dav.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "https://dav.example.org/dav/");
    s.stop().await.unwrap();

    let untrusted = server::start(|_| {}).await;
    let r = untrusted
        .client
        .get(untrusted.url("/.well-known/caldav"))
        .header("x-forwarded-host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], format!("{}/dav/", untrusted.base));
    untrusted.stop().await.unwrap();
}

#[tokio::test]
async fn rfc9110_10_2_1_dav_answers_carry_no_allow_header_that_contradicts_options() {
    // An `Allow: OPTIONS` on a 207 made clients think only OPTIONS works.
    let s = server::start(|_| {}).await;
    s.add_user("alice", "pw").await;
    for path in ["/", "/dav/", "/dav/principals/alice/"] {
        let r = s
            .client
            .request(Method::from_bytes(b"PROPFIND").unwrap(), s.url(path))
            .basic_auth("alice", Some("pw"))
            .header("depth", "0")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 207, "{path}");
        assert!(r.headers().get(ALLOW).is_none(), "{path}: {:?}", r.headers().get(ALLOW));
    }
    s.stop().await.unwrap();
}

#[tokio::test]
async fn rfc4918_10_1_options_announces_dav_classes_and_methods() {
    let s = server::start(|_| {}).await;
    for path in ["/dav/", "/dav", "/dav/calendars/alice/work/", "/dav/principals/alice/"] {
        let r = s.client.request(Method::OPTIONS, s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let dav = r.headers()["dav"].to_str().unwrap();
        for class in [
            "1",
            "2",
            "3",
            "access-control",
            "addressbook",
            "calendar-access",
            "extended-mkcol",
        ] {
            assert!(dav.split(", ").any(|c| c == class), "{path}: DAV: {dav} lacks {class}");
        }
        let allow = r.headers()[ALLOW].to_str().unwrap();
        for method in ["PROPFIND", "REPORT", "MKCALENDAR", "LOCK", "PUT"] {
            assert!(allow.contains(method), "{path}: Allow: {allow}");
        }
    }
    s.stop().await.unwrap();
}

#[tokio::test]
async fn landing_page_names_the_version_and_client_urls() {
    let s = server::start(|_| {}).await;
    let text = s.client.get(s.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains(concat!("pimgate ", env!("CARGO_PKG_VERSION"))), "{text}");
    assert!(text.contains(&format!("{}/.well-known/carddav", s.base)), "{text}");
    assert!(text.contains(&format!("{}/.well-known/caldav", s.base)), "{text}");
    assert_eq!(
        s.client.get(s.url("/nowhere")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn healthz_answers_while_the_database_does() {
    let s = server::start(|_| {}).await;
    let r = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok\n");
    s.store().close().await;
    let r = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn rfc9110_15_5_14_bodies_over_the_limit_get_413() {
    let s = server::start(|c| {
        c.limits.request_body_bytes = 1024;
        c.limits.resource_bytes = 512;
        c.limits.xml_bytes = 512;
    })
    .await;
    let small = s
        .client
        .request(Method::OPTIONS, s.url("/dav/"))
        .body(vec![b'x'; 1000])
        .send()
        .await;
    assert_eq!(small.unwrap().status(), StatusCode::OK);
    let big = s
        .client
        .request(Method::OPTIONS, s.url("/dav/"))
        .body(vec![b'x'; 1025])
        .send()
        .await;
    assert_eq!(big.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
    let big_put = s
        .client
        .put(s.url("/dav/calendars/a/b/c.ics"))
        .body(vec![b'x'; 4096])
        .send()
        .await;
    assert_eq!(big_put.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
    s.stop().await.unwrap();
}
