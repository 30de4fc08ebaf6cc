//! `pimgate device …`, `pimgate grant …`, `pimgate lock …`: devices and
//! their tokens, collection grants, and collection leases in the configured
//! store — the same calls the sync API and the console make.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use pimgate::server::accounts::now;
use pimgate::server::sync_api::add_device;
use pimgate::store::{Access, Accounts, Locks, SqlStore};
use pimgate::universal::{CollectionId, DeviceId};

use super::storage::StorageArgs;

/// `pimgate device`.
#[derive(Debug, Args)]
pub struct DeviceArgs {
    #[command(flatten)]
    storage: StorageArgs,
    #[command(subcommand)]
    command: DeviceCommand,
}

#[derive(Debug, Subcommand)]
enum DeviceCommand {
    /// Register device NAME of USER and print its token (shown once).
    Add { user: String, name: String },
    /// List USER's devices.
    List { user: String },
    /// Revoke a device's token by id.
    Revoke { id: String },
}

/// `pimgate grant`.
#[derive(Debug, Args)]
pub struct GrantArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// The user granted access.
    user: String,
    /// The collection, `OWNER/addressbooks/NAME` or `OWNER/calendars/NAME`.
    #[arg(value_parser = pimgate::store::parse_collection_id)]
    collection: CollectionId,
    /// `read`, `write`, or `revoke`.
    access: String,
}

/// `pimgate lock`.
#[derive(Debug, Args)]
pub struct LockArgs {
    #[command(flatten)]
    storage: StorageArgs,
    #[command(subcommand)]
    command: LockCommand,
}

#[derive(Debug, Subcommand)]
enum LockCommand {
    /// List live collection leases.
    List,
    /// Release a collection's lease, whoever holds it.
    Release {
        /// The collection, `OWNER/addressbooks/NAME` or `OWNER/calendars/NAME`.
        #[arg(value_parser = pimgate::store::parse_collection_id)]
        collection: CollectionId,
    },
}

fn with_store<F>(storage: &StorageArgs, f: F) -> Result<()>
where
    F: AsyncFnOnce(&SqlStore) -> Result<()>,
{
    let config = storage.config(Vec::new())?;
    tokio::runtime::Runtime::new()
        .context("starting the async runtime")?
        .block_on(async {
            let store = StorageArgs::open(&config).await?;
            let result = f(&store).await;
            store.close().await;
            result
        })
}

pub fn run_device(args: &DeviceArgs) -> Result<()> {
    with_store(&args.storage, async |store| {
        match &args.command {
            DeviceCommand::Add { user, name } => {
                let (device, token) = add_device(store, user, name).await?;
                println!("device {} ({}) of {user}", device.id, device.name);
                println!("token (shown once): {token}");
            }
            DeviceCommand::List { user } => {
                for d in store.list_devices(user).await? {
                    let state = if d.revoked_at.is_some() { "revoked" } else { "active" };
                    println!("{}\t{}\t{state}", d.id, d.name);
                }
            }
            DeviceCommand::Revoke { id } => {
                store.revoke_device(&DeviceId(id.clone()), now()).await?;
                println!("revoked device {id}");
            }
        }
        Ok(())
    })
}

pub fn run_grant(args: &GrantArgs) -> Result<()> {
    with_store(&args.storage, async |store| {
        let collection = &args.collection;
        if args.access == "revoke" {
            store.revoke_grant(collection, &args.user).await?;
            println!("revoked {}'s grant on {collection}", args.user);
            return Ok(());
        }
        let access = Access::parse(&args.access).context("access is read, write or revoke")?;
        store.set_grant(collection, &args.user, access).await?;
        println!("granted {} {} on {collection}", args.user, access.as_str());
        Ok(())
    })
}

pub fn run_lock(args: &LockArgs) -> Result<()> {
    with_store(&args.storage, async |store| {
        match &args.command {
            LockCommand::List => {
                let at = now();
                for lease in store.list_leases(at).await? {
                    // A sync session's holder is a device id: name the device too.
                    let holder = match store.device(&DeviceId(lease.holder.clone())).await? {
                        Some(device) => format!("{} ({})", lease.holder, device.name),
                        None => lease.holder.clone(),
                    };
                    let until = chrono::DateTime::from_timestamp_millis(lease.expires_at.0).map_or_else(
                        || lease.expires_at.to_string(),
                        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    );
                    let left = (lease.expires_at.0 - at.0).max(0) / 1000;
                    println!("{}\t{holder}\tuntil {until} ({left} s left)", lease.collection);
                }
            }
            LockCommand::Release { collection } => {
                let released = store.force_release(collection).await?;
                println!("{}", if released { "released" } else { "no lease held" });
            }
        }
        Ok(())
    })
}
