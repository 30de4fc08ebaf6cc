//! `pimgate sync` through the real binary against a `pimgate serve`
//! process: one-shot runs both ways, its failures, and `--watch` picking up
//! a local file edit and a remote change within a bounded time.

mod common;
mod sync_support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use sync_support::binary::{self, AddedDevice, Serve, Storage, command, run, succeed};
use sync_support::{CARD, PASSWORD, contacts};

const HREF: &str = "/dav/addressbooks/alice/contacts/jane.vcf";

/// A served data directory with alice, her collections and a device.
async fn served() -> (tempfile::TempDir, Serve, AddedDevice) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::sqlite(dir.path());
    binary::add_user(&storage, "alice", PASSWORD);
    let device = binary::add_device(&storage, "alice", "laptop");
    let serve = Serve::start(&storage);
    binary::provision(&serve.base, "alice", PASSWORD).await;
    (dir, serve, device)
}

fn sync_args<'a>(serve: &'a Serve, device: &'a AddedDevice, collection: &'a str, dir: &'a Path) -> Vec<&'a str> {
    vec![
        "sync",
        "--server",
        &serve.base,
        "--device-token",
        &device.token,
        "--collection",
        collection,
        dir.to_str().unwrap(),
    ]
}

async fn dav_get(serve: &Serve) -> (u16, String) {
    let response = reqwest::Client::new()
        .get(serve.url(HREF))
        .basic_auth("alice", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A DAV client's PUT; while an agent's session holds the collection's
/// lease the server answers 423 Locked, and the client tries again.
async fn dav_put(serve: &Serve, body: &str) {
    let mut status = 0;
    within(
        Duration::from_secs(10),
        "a DAV PUT past the agents' sessions",
        async || {
            let response = reqwest::Client::new()
                .put(serve.url(HREF))
                .basic_auth("alice", Some(PASSWORD))
                .header("content-type", "text/vcard; charset=utf-8")
                .body(body.to_owned())
                .send()
                .await
                .unwrap();
            status = response.status().as_u16();
            status != 423
        },
    )
    .await;
    assert!((200..300).contains(&status), "DAV PUT: {status}");
}

/// The text of the vdir's only .vcf file.
fn vcf(dir: &Path) -> String {
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".vcf"))
        .collect();
    assert_eq!(files.len(), 1, "one .vcf in {}", dir.display());
    std::fs::read_to_string(files[0].path()).unwrap()
}

/// Polls `check` every 50 ms until it holds or `limit` passes; how long it took.
async fn within<F: AsyncFnMut() -> bool>(limit: Duration, what: &str, mut check: F) -> Duration {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check().await {
            return start.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: not within {limit:?}");
}

#[tokio::test]
async fn one_shot_sync_pushes_a_new_file_then_pulls_a_dav_edit_into_it() {
    let (_data, serve, device) = served().await;
    let vdir = tempfile::tempdir().unwrap();
    let collection = contacts().to_string();
    std::fs::write(vdir.path().join("jane.vcf"), CARD).unwrap();

    let out = succeed(&mut command(&sync_args(&serve, &device, &collection, vdir.path())));
    assert!(out.starts_with("pushed 1 (0 conflicts resolved)"), "{out}");
    let (status, served) = dav_get(&serve).await;
    assert_eq!(status, 200);
    assert!(served.contains("FN:Jane Doe"), "{served}");
    assert!(
        vdir.path().join(".pimgate-sync.sqlite").exists(),
        "the hidden state file"
    );

    dav_put(&serve, &CARD.replace("TEL:+1 555 0100", "TEL:+1 555 0199")).await;
    let out = succeed(&mut command(&sync_args(&serve, &device, &collection, vdir.path())));
    assert!(
        out.starts_with("pushed 0 (0 conflicts resolved), pulled 1, wrote 1"),
        "{out}"
    );
    assert!(vcf(vdir.path()).contains("TEL:+1 555 0199"));

    // Nothing changed: nothing pushed, nothing written.
    let out = succeed(&mut command(&sync_args(&serve, &device, &collection, vdir.path())));
    assert!(
        out.starts_with("pushed 0 (0 conflicts resolved), pulled 0, wrote 0, removed 0"),
        "{out}"
    );
}

#[tokio::test]
async fn one_shot_sync_failures_exit_1_with_the_reason_and_touch_nothing() {
    let (_data, serve, device) = served().await;
    let vdir = tempfile::tempdir().unwrap();
    std::fs::write(vdir.path().join("jane.vcf"), CARD).unwrap();
    let collection = contacts().to_string();
    let wrong = AddedDevice {
        id: device.id.clone(),
        token: format!("pgd_{}_wrong", device.id),
    };
    let refused = run(&mut command(&sync_args(&serve, &wrong, &collection, vdir.path())));
    assert_eq!(refused.status.code(), Some(1));
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("401") && why.contains("wrong device token"), "{why}");
    let missing = run(&mut command(&sync_args(
        &serve,
        &device,
        "alice/addressbooks/nothing-here",
        vdir.path(),
    )));
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("404"));
    assert_eq!(std::fs::read_to_string(vdir.path().join("jane.vcf")).unwrap(), CARD);
    assert_eq!(dav_get(&serve).await.0, 404, "nothing was pushed");
}

/// A `pimgate sync --watch` process; killed when dropped.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn sync_watch_picks_up_a_local_edit_and_a_remote_change_within_seconds() {
    let (_data, serve, device) = served().await;
    let vdir = tempfile::tempdir().unwrap();
    std::fs::write(vdir.path().join("jane.vcf"), CARD).unwrap();
    let collection = contacts().to_string();
    let mut args = sync_args(&serve, &device, &collection, vdir.path());
    args.insert(1, "--watch");
    let mut child = command(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _watcher = Watcher(child);
    let (runs, ran) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = runs.send(line);
        }
    });
    let first = ran.recv_timeout(Duration::from_secs(30)).expect("a first run");
    assert!(first.starts_with("pushed 1"), "{first}");

    // A local edit reaches the server …
    let edited = vcf(vdir.path()).replace("+1 555 0100", "+1 555 0123");
    std::fs::write(vdir.path().join("jane.vcf"), edited).unwrap();
    let local = within(Duration::from_secs(10), "the local edit on the server", async || {
        dav_get(&serve).await.1.contains("+1 555 0123")
    })
    .await;
    // … and a remote change reaches the file.
    let (_, current) = dav_get(&serve).await;
    dav_put(&serve, &current.replace("jane@example.org", "jane@remote.example")).await;
    let remote = within(Duration::from_secs(10), "the remote change in the file", async || {
        vcf(vdir.path()).contains("jane@remote.example")
    })
    .await;
    eprintln!("sync --watch: local edit on the server after {local:?}, remote change in the file after {remote:?}");
    assert!(vcf(vdir.path()).contains("+1 555 0123"), "the local edit survived");
}
