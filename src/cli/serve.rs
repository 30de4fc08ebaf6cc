//! `pimgate serve`: opens the store, creates the first administrator on an
//! empty database, and serves CardDAV/CalDAV until SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use tracing_subscriber::EnvFilter;

use pimgate::config::Config;
use pimgate::server::{self, AppState, accounts};

use super::storage::StorageArgs;

/// Arguments of `pimgate serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// Address to listen on [env: PIMGATE_LISTEN; default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// PEM certificate chain: serve HTTPS [env: PIMGATE_TLS_CERT].
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert [env: PIMGATE_TLS_KEY].
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

/// Runs the server until a shutdown signal.
pub fn run(args: &ServeArgs) -> Result<()> {
    let mut flags = Vec::new();
    if let Some(listen) = &args.listen {
        flags.push(("listen", listen.clone()));
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        flags.push(("tls.cert", cert.display().to_string()));
        flags.push(("tls.key", key.display().to_string()));
    }
    let config = args.storage.config(flags)?;
    init_logging();
    tokio::runtime::Runtime::new()
        .context("starting the async runtime")?
        .block_on(serve(config))
}

fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

async fn serve(config: Config) -> Result<()> {
    std::fs::create_dir_all(&config.data).with_context(|| format!("data directory {}", config.data.display()))?;
    let store = StorageArgs::open(&config).await?;
    if let Some(admin) = accounts::ensure_admin(&store, &config.initial_password_file()).await? {
        say(&format!(
            "Created the administrator account (this password is shown only once):\n  \
             user:     {}\n  password: {}\n  (also written to {}, readable only by you)\n\
             Add users with: pimgate user add NAME",
            admin.name,
            admin.password,
            admin.file.display()
        ));
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    tokio::spawn(server::retention::run(store.clone(), config.log.clone()));
    let state = AppState::new(config, store.clone())?;
    let shutdown = shutdown_signal()?;
    print_client_urls(addr, state.tls_enabled());
    tracing::info!(%addr, tls = state.tls_enabled(), "serving");
    server::run(listener, state, shutdown).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn print_client_urls(addr: SocketAddr, tls: bool) {
    let scheme = if tls { "https" } else { "http" };
    let base = format!("{scheme}://{addr}");
    say(&format!("pimgate {} listening on {base}/", env!("CARGO_PKG_VERSION")));
    if addr.ip().is_unspecified() {
        say(&format!(
            "  (all interfaces: use this machine's name or address in place of {})",
            addr.ip()
        ));
    }
    say(&format!(
        "Point clients at {base}/ (or {base}/.well-known/carddav and {base}/.well-known/caldav)"
    ));
}

/// Prints a line to stdout; a closed stdout (a supervisor that stopped
/// reading) must not stop the server, so write errors are ignored.
fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

/// Registers for Ctrl-C and SIGTERM now — before the banner says the
/// server is up, so an early signal is a clean stop, not a kill — and
/// returns a future that resolves on either.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
        let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => tracing::info!("Ctrl-C: shutting down"),
                _ = terminate.recv() => tracing::info!("SIGTERM: shutting down"),
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("Ctrl-C: shutting down");
        })
    }
}
