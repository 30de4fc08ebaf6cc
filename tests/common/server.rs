//! A real server for tests: `server::run` on 127.0.0.1:0 over a fresh
//! SQLite store in a temp dir (or PostgreSQL in its own schema), with a
//! `reqwest` client pointed at it.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;

use pimgate::config::Config;
use pimgate::server::{self, AppState, accounts};
use pimgate::store::SqlStore;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::stores;

/// A running server and what it needs to stay alive.
pub struct TestServer {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base: String,
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    _store: stores::TestStore,
    _data: tempfile::TempDir,
}

/// The configuration tests start from: port 0, no failure delay.
pub fn test_config(data: &Path) -> Config {
    let mut config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data: data.to_owned(),
        ..Config::default()
    };
    config.auth.failure_delay_ms = 0;
    config
}

/// A server on a fresh SQLite store, with `configure` applied to the config.
pub async fn start(configure: impl FnOnce(&mut Config)) -> TestServer {
    start_on(stores::sqlite().await, configure).await
}

/// A server on the given store.
pub async fn start_on(store: stores::TestStore, configure: impl FnOnce(&mut Config)) -> TestServer {
    let data = tempfile::tempdir().expect("temp dir");
    let mut config = test_config(data.path());
    configure(&mut config);
    config.validate().expect("valid test configuration");
    let (stop, stopped) = oneshot::channel::<()>();
    let (state, addr, task) = spawn(config, store.store.clone(), async {
        let _ = stopped.await;
    })
    .await;
    let scheme = if state.tls_enabled() { "https" } else { "http" };
    TestServer {
        base: format!("{scheme}://{addr}"),
        addr,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        state,
        stop: Some(stop),
        task,
        _store: store,
        _data: data,
    }
}

/// Binds 127.0.0.1:0 and spawns `server::run` until `shutdown` resolves.
pub async fn spawn(
    config: Config,
    store: SqlStore,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> (AppState, SocketAddr, JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind(config.listen).await.expect("bind");
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(config, store).expect("server state");
    let task = tokio::spawn(server::run(listener, state.clone(), shutdown));
    (state, addr, task)
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn store(&self) -> &SqlStore {
        self.state.store()
    }

    pub async fn add_user(&self, name: &str, password: &str) {
        accounts::add_user(self.store(), name, password)
            .await
            .expect("add user");
    }

    /// GET with Basic credentials.
    pub async fn get_as(&self, path: &str, user: &str, password: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .basic_auth(user, Some(password))
            .send()
            .await
            .expect("request")
    }

    /// Resolves the shutdown future and waits for `run` to return.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.expect("server task")
    }
}
