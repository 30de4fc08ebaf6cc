//! `pimgate sync --server URL --device-token TOKEN --collection NAME DIR
//! [--watch]`: the device agent over a vdir ([`pimgate::client`]).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use pimgate::client::{self, Options, Report};
use pimgate::universal::CollectionId;

/// Arguments of `pimgate sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The server's base URL.
    #[arg(long)]
    server: String,
    /// The device token (`pimgate device add`).
    #[arg(long)]
    device_token: String,
    /// The collection, `OWNER/addressbooks/NAME` or `OWNER/calendars/NAME`.
    #[arg(long, value_parser = pimgate::store::parse_collection_id)]
    collection: CollectionId,
    /// Keep running: sync on file changes and server changes.
    #[arg(long)]
    watch: bool,
    /// The vdir (one .vcf/.ics per object); created when missing.
    dir: PathBuf,
}

fn print(report: &Report) {
    for problem in &report.problems {
        eprintln!("pimgate: {problem}");
    }
    println!(
        "pushed {} ({} conflicts resolved), pulled {}, wrote {}, removed {}; cursor {}",
        report.pushed, report.conflicts, report.pulled, report.written, report.removed, report.cursor
    );
}

pub fn run(args: &SyncArgs) -> Result<()> {
    std::fs::create_dir_all(&args.dir).with_context(|| args.dir.display().to_string())?;
    let options = Options::new(
        &args.server,
        &args.device_token,
        args.collection.clone(),
        args.dir.clone(),
    );
    tokio::runtime::Runtime::new()
        .context("starting the async runtime")?
        .block_on(async {
            if args.watch {
                client::watch(&options, print).await?;
            } else {
                print(&client::sync_once(&options).await?);
            }
            Ok(())
        })
}
