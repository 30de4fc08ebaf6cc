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
        println!("Created the administrator account (this password is shown only once):");
        println!("  user:     {}", admin.name);
        println!("  password: {}", admin.password);
        println!("  (also written to {}, readable only by you)", admin.file.display());
        println!("Add users with: pimgate user add NAME");
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let state = AppState::new(config, store.clone())?;
    print_client_urls(addr, state.tls_enabled());
    tracing::info!(%addr, tls = state.tls_enabled(), "serving");
    server::run(listener, state, shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn print_client_urls(addr: SocketAddr, tls: bool) {
    let scheme = if tls { "https" } else { "http" };
    let base = format!("{scheme}://{addr}");
    println!("pimgate {} listening on {base}/", env!("CARGO_PKG_VERSION"));
    if addr.ip().is_unspecified() {
        println!(
            "  (all interfaces: use this machine's name or address in place of {})",
            addr.ip()
        );
    }
    println!("Point clients at {base}/ (or {base}/.well-known/carddav and {base}/.well-known/caldav)");
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C: shutting down"),
        () = terminate => tracing::info!("SIGTERM: shutting down"),
    }
}
