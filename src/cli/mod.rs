//! The command line (clap): one subcommand per module, each a thin layer
//! over the library. Owns argument syntax, file and stdin/stdout handling,
//! message formatting and exit codes; `anyhow` lives only here.
//!
//! Exit codes: 0 success; 1 the command failed (bad input, unwritable
//! output), with `pimgate: <what>: <why>` on stderr; 2 a usage error (clap).

mod convert;
mod device;
mod serve;
mod storage;
mod sync;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Contacts and calendar sync gateway.
#[derive(Debug, Parser)]
#[command(name = "pimgate", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands. `import`, `export`, `device` and `sync` join these as
/// the engine and device agent are built; every command that touches
/// storage flattens [`storage::StorageArgs`].
#[derive(Debug, Subcommand)]
enum Command {
    /// Convert contacts or calendars between vCard, iCalendar, CSV and JSON formats.
    Convert(convert::ConvertArgs),
    /// Serve CardDAV/CalDAV (creates user `admin` on first start).
    Serve(serve::ServeArgs),
    /// Manage users and their app passwords.
    User(user::UserArgs),
    /// Register, list and revoke sync devices and their tokens.
    Device(device::DeviceArgs),
    /// Grant a user read or write access to a collection (or revoke it).
    Grant(device::GrantArgs),
    /// List or release collection leases.
    Lock(device::LockArgs),
    /// Keep a vdir folder in step with a server collection (device agent).
    Sync(sync::SyncArgs),
}

/// Runs the command line; clap exits by itself (status 2) on usage errors.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Convert(args) => convert::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::User(args) => user::run(&args),
        Command::Device(args) => device::run_device(&args),
        Command::Grant(args) => device::run_grant(&args),
        Command::Lock(args) => device::run_lock(&args),
        Command::Sync(args) => sync::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pimgate: {error:#}");
            ExitCode::FAILURE
        }
    }
}
