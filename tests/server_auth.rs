//! HTTP Basic authentication over real HTTP: challenges, the credential
//! cache, throttling, app passwords.

mod common;

use common::server::{self, TestServer};
use pimgate::server::accounts;
use pimgate::store::Accounts;
use reqwest::StatusCode;
use reqwest::header::{RETRY_AFTER, WWW_AUTHENTICATE};

async fn with_alice(configure: impl FnOnce(&mut pimgate::config::Config)) -> TestServer {
    let s = server::start(configure).await;
    s.add_user("alice", "right horse").await;
    s
}

#[tokio::test]
async fn rfc7617_2_missing_credentials_get_a_basic_challenge() {
    let s = with_alice(|_| {}).await;
    let r = s.client.get(s.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.headers()[WWW_AUTHENTICATE],
        "Basic realm=\"pimgate\", charset=\"UTF-8\""
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn rfc7235_3_1_wrong_password_and_unknown_user_are_401() {
    let s = with_alice(|_| {}).await;
    for (user, password) in [("alice", "wrong"), ("nobody", "right horse"), ("alice", "")] {
        let r = s.get_as("/account", user, password).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{user}:{password}");
        assert!(r.headers().contains_key(WWW_AUTHENTICATE));
    }
    let r = s.get_as("/account", "alice", "right horse").await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("principal: http://127.0.0.1:"), "{body}");
    assert!(body.contains("/dav/principals/alice/"), "{body}");
    s.stop().await.unwrap();
}

#[tokio::test]
async fn concurrent_requests_with_uncached_credentials_verify_once() {
    // Eight clients of one user asking at once (a cached login just
    // expired) must not run eight argon2 verifications of 19 MiB each.
    let s = with_alice(|c| c.auth.cache_ttl_secs = 300).await;
    let before = s.state.auth().verifications();
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (client, url) = (s.client.clone(), s.url("/account"));
        requests.spawn(async move {
            let request = client.get(url).basic_auth("alice", Some("right horse"));
            request.send().await.unwrap().status()
        });
    }
    while let Some(status) = requests.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    let ran = s.state.auth().verifications() - before;
    assert!(ran <= 2, "{ran} argon2 runs for 8 concurrent requests");
    s.stop().await.unwrap();
}

#[tokio::test]
async fn verified_credentials_are_cached_so_argon2_runs_once_per_ttl() {
    let s = with_alice(|c| c.auth.cache_ttl_secs = 300).await;
    let before = s.state.auth().verifications();
    for _ in 0..5 {
        assert_eq!(
            s.get_as("/account", "alice", "right horse").await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        s.state.auth().verifications() - before,
        1,
        "one argon2 run for five requests"
    );
    // A wrong password is never served from the cache.
    assert_eq!(
        s.get_as("/account", "alice", "right horsE").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(s.state.auth().verifications() - before, 2);
    s.stop().await.unwrap();

    let uncached = with_alice(|c| c.auth.cache_ttl_secs = 0).await;
    let before = uncached.state.auth().verifications();
    for _ in 0..3 {
        assert_eq!(
            uncached.get_as("/account", "alice", "right horse").await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        uncached.state.auth().verifications() - before,
        3,
        "TTL 0 disables the cache"
    );
    uncached.stop().await.unwrap();
}

#[tokio::test]
async fn failed_logins_are_throttled_per_user_with_retry_after() {
    let s = with_alice(|c| {
        c.auth.user_failures = 2;
        c.auth.backoff_base_secs = 30;
        c.auth.backoff_max_secs = 600;
    })
    .await;
    s.add_user("bob", "bobs secret").await;
    // Bob's client logged in before the attack: its credentials are cached.
    assert_eq!(
        s.get_as("/account", "bob", "bobs secret").await.status(),
        StatusCode::OK
    );
    for user in ["alice", "bob"] {
        for _ in 0..2 {
            assert_eq!(
                s.get_as("/account", user, "guess").await.status(),
                StatusCode::UNAUTHORIZED
            );
        }
    }
    let verifications = s.state.auth().verifications();
    let r = s.get_as("/account", "alice", "right horse").await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry: u64 = r.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry), "Retry-After {retry}");
    assert_eq!(
        s.state.auth().verifications(),
        verifications,
        "a throttled attempt costs no argon2"
    );
    assert_eq!(
        s.get_as("/account", "bob", "bobs secret").await.status(),
        StatusCode::OK,
        "cached credentials keep working while the account is throttled"
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn failed_logins_are_throttled_per_client_address_behind_a_trusted_proxy() {
    let s = with_alice(|c| {
        c.auth.ip_failures = 3;
        c.auth.backoff_base_secs = 30;
        c.auth.backoff_max_secs = 600;
        c.proxy.trusted = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let from = |ip: &'static str, user: &'static str, password: &'static str| {
        s.client
            .get(s.url("/account"))
            .header("x-forwarded-for", ip)
            .basic_auth(user, Some(password))
            .send()
    };
    for user in ["u1", "u2", "u3"] {
        assert_eq!(
            from("203.0.113.7", user, "x").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        from("203.0.113.7", "alice", "right horse").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        from("198.51.100.1", "alice", "right horse").await.unwrap().status(),
        StatusCode::OK,
        "another client address is not throttled"
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn app_password_logs_in_and_a_revoked_one_does_not() {
    // TTL 0: every request re-checks the store, so revocation is immediate.
    let s = with_alice(|c| c.auth.cache_ttl_secs = 0).await;
    s.add_user("bob", "bobs secret").await;
    let (phone, phone_secret) = accounts::add_app_password(s.store(), "alice", "phone").await.unwrap();
    let (_, laptop_secret) = accounts::add_app_password(s.store(), "alice", "laptop").await.unwrap();
    assert_eq!(
        s.get_as("/account", "alice", &phone_secret).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        s.get_as("/account", "alice", &laptop_secret).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        s.get_as("/account", "bob", &phone_secret).await.status(),
        StatusCode::UNAUTHORIZED,
        "an app password belongs to its user"
    );
    s.store()
        .revoke_app_password("alice", &phone.id, accounts::now())
        .await
        .unwrap();
    assert_eq!(
        s.get_as("/account", "alice", &phone_secret).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.get_as("/account", "alice", &laptop_secret).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        s.get_as("/account", "alice", "right horse").await.status(),
        StatusCode::OK
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn app_passwords_authenticate_on_postgres_too() {
    let Some(url) = common::stores::postgres_url() else {
        return;
    };
    let s = server::start_on(common::stores::postgres(&url).await, |_| {}).await;
    s.add_user("alice", "right horse").await;
    let (_, secret) = accounts::add_app_password(s.store(), "alice", "phone").await.unwrap();
    assert_eq!(s.get_as("/account", "alice", &secret).await.status(), StatusCode::OK);
    assert_eq!(
        s.get_as("/account", "alice", "nope").await.status(),
        StatusCode::UNAUTHORIZED
    );
    s.stop().await.unwrap();
}

/// One HTTP/1.1 exchange on an open connection: the status line and the
/// head of the answer, with its body read by Content-Length.
async fn exchange(stream: &mut tokio::net::TcpStream, head: &str, body: &[u8]) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(head.as_bytes()).await.ok()?;
    stream.write_all(body).await.ok()?;
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        answer.push(byte[0]);
    }
    let answer = String::from_utf8(answer).unwrap();
    let length: usize = answer
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    let mut rest = vec![0u8; length];
    stream.read_exact(&mut rest).await.ok()?;
    Some(answer)
}

#[tokio::test]
async fn rfc9112_9_3_a_refused_request_leaves_the_connection_usable_for_the_retry() {
    // Clients send a first request without credentials, then retry on the
    // same connection; an unread body used to make the server close it
    // silently, and the retry failed with "closed without response".
    let s = with_alice(|_| {}).await;
    let mut stream = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let body = vec![b'x'; 300_000];
    let put = format!(
        "PUT /dav/calendars/alice/calendar/x.ics HTTP/1.1\r\nHost: {}\r\nContent-Type: text/calendar\r\nContent-Length: {}\r\n\r\n",
        s.addr,
        body.len()
    );
    let first = exchange(&mut stream, &put, &body).await.expect("an answer");
    assert!(first.starts_with("HTTP/1.1 401"), "{first}");
    assert!(!first.to_ascii_lowercase().contains("connection: close"), "{first}");
    let propfind = format!(
        "PROPFIND /dav/ HTTP/1.1\r\nHost: {}\r\nDepth: 0\r\nAuthorization: Basic {}\r\nContent-Length: 0\r\n\r\n",
        s.addr,
        base64_credentials("alice", "right horse")
    );
    let second = exchange(&mut stream, &propfind, b"")
        .await
        .expect("the connection carries the retry");
    assert!(second.starts_with("HTTP/1.1 207"), "{second}");

    // A body too large to drain closes the connection, and the answer says so.
    let mut stream = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let huge = vec![b'x'; 3 << 20];
    let put = put.replace("300000", &huge.len().to_string());
    let refused = exchange(&mut stream, &put, &huge).await.expect("an answer");
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    assert!(refused.to_ascii_lowercase().contains("connection: close"), "{refused}");
    s.stop().await.unwrap();
}

fn base64_credentials(user: &str, password: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}
