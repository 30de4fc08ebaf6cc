//! `pimgate user …`: accounts and app passwords in the configured store.
//!
//! Passwords come from a no-echo prompt (asked twice) or, with
//! `--password-stdin`, from the first line of standard input (scripts).
//! Generated app passwords are printed once; only their hashes are kept.

use std::io::BufRead;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};

use pimgate::server::accounts;
use pimgate::store::{Accounts, SqlStore};
use pimgate::universal::Timestamp;

use super::storage::StorageArgs;

/// Arguments of `pimgate user`.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(flatten)]
    storage: StorageArgs,
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user.
    Add(PasswordArgs),
    /// List users.
    List,
    /// Change a user's password.
    Passwd(PasswordArgs),
    /// Delete a user with their collections and app passwords.
    Delete { name: String },
    /// Per-client passwords: create, list, revoke.
    #[command(subcommand)]
    AppPassword(AppPasswordCommand),
}

#[derive(Debug, Args)]
struct PasswordArgs {
    name: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Subcommand)]
enum AppPasswordCommand {
    /// Generate an app password for USER (printed once).
    Add { user: String, label: String },
    /// List USER's app passwords.
    List { user: String },
    /// Revoke USER's app password, by id or label.
    Revoke { user: String, id_or_label: String },
}

/// Runs one `user` subcommand.
pub fn run(args: &UserArgs) -> Result<()> {
    let config = args.storage.config(Vec::new())?;
    tokio::runtime::Runtime::new()
        .context("starting the async runtime")?
        .block_on(async {
            let store = StorageArgs::open(&config).await?;
            let result = execute(&store, &args.command).await;
            store.close().await;
            result
        })
}

async fn execute(store: &SqlStore, command: &UserCommand) -> Result<()> {
    match command {
        UserCommand::Add(p) => {
            let password = read_password(p)?;
            accounts::add_user(store, &p.name, &password).await?;
            println!("created user {}", p.name);
        }
        UserCommand::List => {
            for user in store.list_users().await? {
                let apps = store.list_app_passwords(&user.name).await?;
                let active = apps.iter().filter(|a| a.is_active()).count();
                println!(
                    "{}\tcreated {}\t{active} app password(s)",
                    user.name,
                    date(user.created_at)
                );
            }
        }
        UserCommand::Passwd(p) => {
            let password = read_password(p)?;
            accounts::set_password(store, &p.name, &password).await?;
            println!("changed the password of {}", p.name);
        }
        UserCommand::Delete { name } => {
            store.delete_user(name).await?;
            println!("deleted user {name}");
        }
        UserCommand::AppPassword(command) => app_password(store, command).await?,
    }
    Ok(())
}

async fn app_password(store: &SqlStore, command: &AppPasswordCommand) -> Result<()> {
    match command {
        AppPasswordCommand::Add { user, label } => {
            let (row, secret) = accounts::add_app_password(store, user, label).await?;
            println!(
                "app password {:?} for {user} (id {}); shown only once:",
                row.label, row.id
            );
            println!("{secret}");
        }
        AppPasswordCommand::List { user } => {
            if store.user(user).await?.is_none() {
                bail!("no user {user}");
            }
            for p in store.list_app_passwords(user).await? {
                let state = p
                    .revoked_at
                    .map_or("active".to_owned(), |t| format!("revoked {}", date(t)));
                println!("{}\t{}\tcreated {}\t{state}", p.id, p.label, date(p.created_at));
            }
        }
        AppPasswordCommand::Revoke { user, id_or_label } => {
            store.revoke_app_password(user, id_or_label, accounts::now()).await?;
            println!("revoked app password {id_or_label} of {user}");
        }
    }
    Ok(())
}

/// The password from stdin (`--password-stdin`) or a no-echo prompt, twice.
fn read_password(args: &PasswordArgs) -> Result<String> {
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        if password.is_empty() {
            bail!("no password on standard input");
        }
        return Ok(password);
    }
    let prompt = format!("Password for {}: ", args.name);
    let first = rpassword::prompt_password(prompt).context("no terminal to ask on: use --password-stdin")?;
    let again = rpassword::prompt_password("Again: ").context("reading the password")?;
    if first != again {
        bail!("the passwords differ");
    }
    Ok(first)
}

/// `YYYY-MM-DD` (UTC) of a timestamp: Howard Hinnant's civil-from-days.
fn date(t: Timestamp) -> String {
    let days = t.0.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date(Timestamp(0)), "1970-01-01");
        assert_eq!(date(Timestamp(1_700_000_000_000)), "2023-11-14");
        assert_eq!(date(Timestamp(951_782_400_000)), "2000-02-29");
    }
}
