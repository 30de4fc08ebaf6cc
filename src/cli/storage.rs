//! The options every storage-touching command shares (`serve`, `user`,
//! later `import`, `export`, `device`): `--config`, `--data`, `--database`,
//! and turning them into a validated [`Config`] and an open store.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use pimgate::config::{Config, Database, Sources};
use pimgate::store::SqlStore;

/// `--config FILE --data DIR --database URL`.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// TOML configuration file [env: PIMGATE_CONFIG].
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Data directory: SQLite database, initial admin password [env: PIMGATE_DATA; default: ./pimgate-data].
    #[arg(long, value_name = "DIR", global = true)]
    pub data: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST/DB [env: PIMGATE_DATABASE; default: sqlite at DIR/pimgate.db].
    #[arg(long, value_name = "URL", global = true)]
    pub database: Option<String>,
}

impl StorageArgs {
    /// The configuration: these flags plus `extra` flags over the
    /// environment over the file over the defaults.
    pub fn config(&self, extra: Vec<(&'static str, String)>) -> Result<Config> {
        let env = Sources::process_env();
        let file = self.config.clone().or_else(|| {
            env.iter()
                .find(|(k, _)| k == "PIMGATE_CONFIG")
                .map(|(_, v)| PathBuf::from(v))
        });
        let mut flags = extra;
        if let Some(data) = &self.data {
            flags.push(("data", data.display().to_string()));
        }
        if let Some(database) = &self.database {
            flags.push(("database", database.clone()));
        }
        Ok(Config::load(&Sources { file, env, flags })?)
    }

    /// Opens (creating and migrating if needed) the configured database.
    pub async fn open(config: &Config) -> Result<SqlStore> {
        let store = match config.database() {
            Database::Sqlite(path) => SqlStore::open_sqlite(&path)
                .await
                .with_context(|| format!("database {}", path.display()))?,
            Database::Url(url) => SqlStore::connect(&url)
                .await
                .with_context(|| format!("database {}", redact(&url)))?,
        };
        Ok(store)
    }
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}
