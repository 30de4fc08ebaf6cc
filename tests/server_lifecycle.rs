//! The server's life over real sockets: first start through the real
//! binary, users from the CLI, HTTPS with rustls, graceful shutdown.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::server;
use reqwest::StatusCode;

const BIN: &str = env!("CARGO_BIN_EXE_pimgate");

/// A `pimgate serve` child process, killed when dropped (a failed test
/// leaves no server behind).
struct Serve {
    child: Option<Child>,
    /// Its stdout up to the line that says where to point clients.
    lines: Vec<String>,
    /// `http://127.0.0.1:PORT`.
    base: String,
}

/// `pimgate serve --data DIR --listen 127.0.0.1:0`.
fn spawn_serve(data: &std::path::Path) -> Serve {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start pimgate serve");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut serve = Serve {
        child: Some(child),
        lines: Vec::new(),
        base: String::new(),
    };
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "serve exited early: {:?}",
            serve.lines
        );
        let line = line.trim_end().to_owned();
        if let Some(url) = line.split(" listening on ").nth(1) {
            serve.base = url.trim_end_matches('/').to_owned();
        }
        let last = line.starts_with("Point clients at");
        serve.lines.push(line);
        if last {
            // Keep reading so the server never writes to a closed pipe.
            std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
            return serve;
        }
    }
}

impl Serve {
    /// SIGTERM, then the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        child.wait().unwrap()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test]
async fn first_start_creates_admin_with_a_private_password_file_and_says_where_to_point_clients() {
    let data = tempfile::tempdir().unwrap();
    let serve = spawn_serve(data.path());
    let (lines, base) = (&serve.lines, &serve.base);
    let password_line = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("password: "))
        .expect("password printed");
    let file = data.path().join("initial-admin-password");
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), password_line);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert!(
        lines.iter().any(|l| l.contains(&format!("{base}/.well-known/caldav"))),
        "{lines:?}"
    );
    let r = client()
        .get(format!("{base}/account"))
        .basic_auth("admin", Some(password_line))
        .send()
        .await;
    assert_eq!(r.unwrap().status(), StatusCode::OK);
    assert!(serve.terminate().success(), "SIGTERM is a clean exit");

    // A second start finds users and creates no one.
    let again = spawn_serve(data.path());
    assert!(
        !again.lines.iter().any(|l| l.contains("password:")),
        "{:?}",
        again.lines
    );
    assert!(again.terminate().success());
}

#[tokio::test]
async fn user_added_with_password_stdin_logs_in_to_the_served_store() {
    let data = tempfile::tempdir().unwrap();
    let mut add = Command::new(BIN)
        .args(["user", "add", "alice", "--password-stdin", "--data"])
        .arg(data.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"s3cret pw\n").unwrap();
    assert!(add.wait().unwrap().success());
    let list = Command::new(BIN)
        .args(["user", "list", "--data"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).starts_with("alice\t"));

    let serve = spawn_serve(data.path());
    let base = &serve.base;
    assert!(
        !serve.lines.iter().any(|l| l.contains("password:")),
        "alice exists: no admin"
    );
    let ok = client()
        .get(format!("{base}/account"))
        .basic_auth("alice", Some("s3cret pw"))
        .send()
        .await;
    assert_eq!(ok.unwrap().status(), StatusCode::OK);
    let bad = client()
        .get(format!("{base}/account"))
        .basic_auth("alice", Some("s3cret"))
        .send()
        .await;
    assert_eq!(bad.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert!(serve.terminate().success());
}

#[tokio::test]
async fn app_password_cli_prints_once_lists_and_revokes() {
    let data = tempfile::tempdir().unwrap();
    let pimgate = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .arg("--data")
            .arg(data.path())
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let mut add = Command::new(BIN)
        .args(["user", "add", "bob", "--password-stdin", "--data"])
        .arg(data.path())
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"pw\n").unwrap();
    assert!(add.wait().unwrap().success());
    let (ok, out) = pimgate(&["user", "app-password", "add", "bob", "phone"]);
    assert!(ok, "{out}");
    let secret = out.lines().last().unwrap().to_owned();
    assert_eq!(secret.len(), 24, "{out}");
    let (_, listed) = pimgate(&["user", "app-password", "list", "bob"]);
    assert!(listed.contains("\tphone\t") && listed.contains("active") && !listed.contains(&secret));
    let (ok, _) = pimgate(&["user", "app-password", "revoke", "bob", "phone"]);
    assert!(ok);
    let (_, listed) = pimgate(&["user", "app-password", "list", "bob"]);
    assert!(listed.contains("revoked"), "{listed}");
    let (ok, _) = pimgate(&["user", "app-password", "revoke", "bob", "phone"]);
    assert!(!ok, "nothing left to revoke");
}

#[tokio::test]
async fn https_with_rustls_serves_a_client_that_trusts_the_certificate() {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    let s = server::start(|c| {
        c.tls.cert = Some(cert_path.clone());
        c.tls.key = Some(key_path.clone());
    })
    .await;
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.pem().as_bytes()).unwrap())
        .resolve("localhost", s.addr)
        .build()
        .unwrap();
    let r = client
        .get(format!("https://localhost:{}/healthz", s.addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let landing = client
        .get(format!("https://localhost:{}/", s.addr.port()))
        .send()
        .await
        .unwrap();
    assert!(
        landing.text().await.unwrap().contains("https://localhost:"),
        "absolute URLs say https"
    );
    let plain = reqwest::Client::new()
        .get(format!("http://{}/healthz", s.addr))
        .send()
        .await;
    assert!(
        plain.is_err() || !plain.unwrap().status().is_success(),
        "no plain HTTP on a TLS port"
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_request_in_flight_then_returns() {
    let data = tempfile::tempdir().unwrap();
    let mut config = server::test_config(data.path());
    // A wrong password is answered after this delay: a request held in flight.
    config.auth.failure_delay_ms = 1500;
    let store = common::stores::sqlite().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (state, addr, task) = server::spawn(config, store.store.clone(), async {
        let _ = stopped.await;
    })
    .await;
    pimgate::server::accounts::add_user(state.store(), "alice", "pw")
        .await
        .unwrap();
    let in_flight = tokio::spawn(
        reqwest::Client::new()
            .get(format!("http://{addr}/account"))
            .basic_auth("alice", Some("wrong"))
            .send(),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!task.is_finished(), "run waits for the request in flight");
    let response = in_flight.await.unwrap().expect("the request in flight is answered");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("run returns after the last request")
        .unwrap()
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting connections"
    );
}
