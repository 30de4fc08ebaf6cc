//! The real `pimgate` binary, for tests and benchmarks (benches/longpoll.rs
//! includes this file): one-shot commands on a data directory or a
//! database, and `pimgate serve` processes that stop when dropped.
//! Self-contained (no test-only modules) so a bench can include it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The binary Cargo built for this test or bench.
pub const BIN: &str = env!("CARGO_BIN_EXE_pimgate");

/// Where the commands keep their data: a data directory, and the database
/// (SQLite inside the data directory unless a URL is given).
#[derive(Debug, Clone)]
pub struct Storage {
    pub data: PathBuf,
    pub database: Option<String>,
}

impl Storage {
    pub fn sqlite(data: &Path) -> Storage {
        Storage {
            data: data.to_owned(),
            database: None,
        }
    }

    /// The same database seen from another data directory (another node).
    pub fn node(&self, data: &Path) -> Storage {
        Storage {
            data: data.to_owned(),
            database: self.database.clone(),
        }
    }

    fn flags(&self) -> Vec<String> {
        let mut flags = vec!["--data".to_owned(), self.data.display().to_string()];
        if let Some(url) = &self.database {
            flags.extend(["--database".to_owned(), url.clone()]);
        }
        flags
    }
}

/// `pimgate ARGS`, with no `PIMGATE_*` variables of the caller leaking in.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args);
    for (name, _) in std::env::vars().filter(|(k, _)| k.starts_with("PIMGATE_")) {
        command.env_remove(name);
    }
    command
}

/// `pimgate ARGS` plus the storage flags.
pub fn stored(storage: &Storage, args: &[&str]) -> Command {
    let mut command = command(args);
    command.args(storage.flags());
    command
}

/// Runs a command to its end; panics with its stderr unless it succeeded.
pub fn succeed(command: &mut Command) -> String {
    let output = command.output().expect("the pimgate binary starts");
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Runs a command to its end, whatever its status.
pub fn run(command: &mut Command) -> Output {
    command.output().expect("the pimgate binary starts")
}

/// `pimgate user add NAME --password-stdin`.
pub fn add_user(storage: &Storage, name: &str, password: &str) {
    let mut child = stored(storage, &["user", "add", name, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the pimgate binary starts");
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "user add {name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A device as `pimgate device add` printed it.
#[derive(Debug, Clone)]
pub struct AddedDevice {
    pub id: String,
    pub token: String,
}

/// `pimgate device add USER NAME`: the id and the token it printed once.
pub fn add_device(storage: &Storage, user: &str, name: &str) -> AddedDevice {
    let out = succeed(&mut stored(storage, &["device", "add", user, name]));
    let id = out
        .lines()
        .find_map(|l| l.strip_prefix("device "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no device id in {out:?}"));
    let token = out
        .lines()
        .find_map(|l| l.strip_prefix("token (shown once): "))
        .unwrap_or_else(|| panic!("no token in {out:?}"));
    AddedDevice {
        id: id.to_owned(),
        token: token.trim().to_owned(),
    }
}

/// A running `pimgate serve`; SIGTERM (then SIGKILL) when dropped.
pub struct Serve {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Serve {
    /// Starts `pimgate serve --listen 127.0.0.1:0` and waits for its address.
    pub fn start(storage: &Storage) -> Serve {
        let mut child = stored(storage, &["serve", "--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("pimgate serve starts");
        let stdout = child.stdout.take().unwrap();
        let (found, address) = mpsc::channel();
        // Read the banner for the address, then keep draining stdout.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split(" listening on ").nth(1) {
                    let _ = found.send(rest.trim_end_matches('/').to_owned());
                }
            }
        });
        let base = address
            .recv_timeout(Duration::from_secs(60))
            .expect("pimgate serve printed its address within 60 s");
        Serve { child, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Gives `user` the default address book and calendar (the server does
/// that on a first authenticated PROPFIND, as a phone's first sync would).
pub async fn provision(base: &str, user: &str, password: &str) {
    let response = reqwest::Client::new()
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
            format!("{base}/dav/"),
        )
        .basic_auth(user, Some(password))
        .header("depth", "0")
        .send()
        .await
        .expect("PROPFIND /dav/");
    assert_eq!(response.status(), 207, "PROPFIND /dav/ as {user}");
}

/// A fresh schema in the PostgreSQL database at `base`; the URL that uses it.
pub async fn postgres_schema(base: &str, prefix: &str) -> String {
    use sqlx::Connection;
    let schema = format!(
        "{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            % 1_000_000_000
    );
    let mut admin = sqlx::PgConnection::connect(base).await.expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
        .expect("create schema");
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{schema}")
}
