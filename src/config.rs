//! Server configuration: one typed [`Config`], assembled from four layers —
//! command-line flags over `PIMGATE_*` environment variables over a TOML
//! file over built-in defaults — and validated once, at startup.
//!
//! Owns: key names, defaults, the layering, validation. Every key has one
//! dotted name (`limits.request_body_bytes`); its environment variable is
//! `PIMGATE_` plus that name upper-cased with `.` → `_`
//! (`PIMGATE_LIMITS_REQUEST_BODY_BYTES`); list values in the environment are
//! comma-separated. The layers are merged as TOML tables and deserialized
//! once, so a value means the same wherever it comes from.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

/// The whole configuration. Every field has a default, so an empty file (or
/// none) is a working configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address `serve` listens on. Loopback by default: expose it on purpose.
    pub listen: SocketAddr,
    /// Directory for the SQLite database and `initial-admin-password`.
    pub data: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; default: SQLite at `DATA/pimgate.db`.
    pub database: Option<String>,
    pub tls: TlsConfig,
    pub limits: Limits,
    pub auth: AuthConfig,
    pub proxy: ProxyConfig,
    pub log: LogConfig,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace_secs: u64,
}

/// HTTPS served directly (rustls): both or neither.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM certificate chain, leaf first.
    pub cert: Option<PathBuf>,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub key: Option<PathBuf>,
}

/// Sizes and counts a request may not exceed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Any request body (413 above it).
    pub request_body_bytes: u64,
    /// One vCard/iCalendar resource (DAV:max-resource-size).
    pub resource_bytes: u64,
    /// Objects in one collection (507 above it).
    pub objects_per_collection: u64,
    /// Nesting depth of a DAV XML body.
    pub xml_depth: u32,
    /// Size of a DAV XML body.
    pub xml_bytes: u64,
}

/// HTTP Basic authentication: credential cache and login throttling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// How long verified credentials are trusted without argon2 again.
    pub cache_ttl_secs: u64,
    /// Delay before answering a wrong password (slows guessing on one connection).
    pub failure_delay_ms: u64,
    /// Failed logins a user may have in a row before being throttled.
    pub user_failures: u32,
    /// Failed logins one client address may have in a row before being throttled.
    pub ip_failures: u32,
    /// First throttling pause; it doubles with every further failure.
    pub backoff_base_secs: u64,
    /// Longest pause; also how long failures are remembered.
    pub backoff_max_secs: u64,
}

/// Reverse proxies whose `X-Forwarded-*` headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProxyConfig {
    /// Peer addresses of trusted proxies (exact addresses). Empty: headers ignored.
    pub trusted: Vec<IpAddr>,
}

/// Change-log retention: rows are pruned once every active device has read
/// past them and they are older than `retention_days`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// Keep change-log rows at least this long (DAV sync tokens stay valid as long).
    pub retention_days: u64,
    /// How often the server prunes.
    pub prune_interval_secs: u64,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            retention_days: 90,
            prune_interval_secs: 3600,
        }
    }
}

const MIB: u64 = 1024 * 1024;

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data: PathBuf::from("./pimgate-data"),
            database: None,
            tls: TlsConfig::default(),
            limits: Limits::default(),
            auth: AuthConfig::default(),
            proxy: ProxyConfig::default(),
            log: LogConfig::default(),
            shutdown_grace_secs: 30,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_body_bytes: 32 * MIB,
            resource_bytes: 10 * MIB,
            objects_per_collection: 200_000,
            xml_depth: 64,
            xml_bytes: 8 * MIB,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            cache_ttl_secs: 60,
            failure_delay_ms: 500,
            user_failures: 5,
            ip_failures: 20,
            backoff_base_secs: 1,
            backoff_max_secs: 900,
        }
    }
}

/// How a key's text (from the environment or a flag) becomes a TOML value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    List,
}

/// Every key, by dotted name. `tests/server_config.rs` checks it covers every field.
const KEYS: &[(&str, Kind)] = &[
    ("listen", Kind::Text),
    ("data", Kind::Text),
    ("database", Kind::Text),
    ("shutdown_grace_secs", Kind::Integer),
    ("tls.cert", Kind::Text),
    ("tls.key", Kind::Text),
    ("limits.request_body_bytes", Kind::Integer),
    ("limits.resource_bytes", Kind::Integer),
    ("limits.objects_per_collection", Kind::Integer),
    ("limits.xml_depth", Kind::Integer),
    ("limits.xml_bytes", Kind::Integer),
    ("auth.cache_ttl_secs", Kind::Integer),
    ("auth.failure_delay_ms", Kind::Integer),
    ("auth.user_failures", Kind::Integer),
    ("auth.ip_failures", Kind::Integer),
    ("auth.backoff_base_secs", Kind::Integer),
    ("auth.backoff_max_secs", Kind::Integer),
    ("proxy.trusted", Kind::List),
    ("log.retention_days", Kind::Integer),
    ("log.prune_interval_secs", Kind::Integer),
];

/// A configuration problem, said so that the fix is obvious.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{origin}: {message}")]
    Value { origin: String, message: String },
    #[error("configuration: {0}")]
    Invalid(String),
}

/// Where the layers come from. The environment is passed in (not read
/// here) so that tests and embedders control it.
#[derive(Debug, Default)]
pub struct Sources {
    /// The TOML file (`--config` / `PIMGATE_CONFIG`), if any.
    pub file: Option<PathBuf>,
    /// Environment variables; only `PIMGATE_<KEY>` names are read.
    pub env: Vec<(String, String)>,
    /// Flags given on the command line, by dotted key.
    pub flags: Vec<(&'static str, String)>,
}

impl Sources {
    /// The process environment's `PIMGATE_*` variables.
    pub fn process_env() -> Vec<(String, String)> {
        std::env::vars().filter(|(k, _)| k.starts_with("PIMGATE_")).collect()
    }
}

/// The environment variable for a dotted key.
pub fn env_name(key: &str) -> String {
    format!("PIMGATE_{}", key.replace('.', "_").to_uppercase())
}

impl Config {
    /// Builds and validates the configuration: flags > env > file > defaults.
    pub fn load(sources: &Sources) -> Result<Config, ConfigError> {
        let mut table = match &sources.file {
            Some(path) => read_file(path)?,
            None => Table::new(),
        };
        for (key, kind) in KEYS {
            let name = env_name(key);
            if let Some((_, text)) = sources.env.iter().find(|(k, _)| *k == name) {
                set(&mut table, key, typed(*kind, text, &name)?);
            }
        }
        for (key, text) in &sources.flags {
            let kind = KEYS
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, kind)| *kind)
                .ok_or_else(|| ConfigError::Invalid(format!("unknown key {key}")))?;
            set(
                &mut table,
                key,
                typed(kind, text, &format!("--{}", key.replace(['.', '_'], "-")))?,
            );
        }
        let origin = sources
            .file
            .as_ref()
            .map_or("configuration".to_owned(), |p| p.display().to_string());
        let config: Config = Value::Table(table).try_into().map_err(|e| ConfigError::Value {
            origin,
            message: e.to_string(),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what types cannot: pairs, orders, positive sizes.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.tls.cert.is_some() != self.tls.key.is_some() {
            return invalid("tls.cert and tls.key go together: give both (HTTPS) or neither (HTTP)".into());
        }
        let l = &self.limits;
        for (name, value) in [
            ("limits.request_body_bytes", l.request_body_bytes),
            ("limits.resource_bytes", l.resource_bytes),
            ("limits.objects_per_collection", l.objects_per_collection),
            ("limits.xml_depth", u64::from(l.xml_depth)),
            ("limits.xml_bytes", l.xml_bytes),
        ] {
            if value == 0 {
                return invalid(format!("{name} must be positive"));
            }
        }
        if l.resource_bytes > l.request_body_bytes || l.xml_bytes > l.request_body_bytes {
            return invalid(format!(
                "limits.resource_bytes ({}) and limits.xml_bytes ({}) cannot exceed limits.request_body_bytes ({})",
                l.resource_bytes, l.xml_bytes, l.request_body_bytes
            ));
        }
        let a = &self.auth;
        if a.user_failures == 0 || a.ip_failures == 0 {
            return invalid("auth.user_failures and auth.ip_failures must be at least 1".into());
        }
        if a.backoff_base_secs == 0 || a.backoff_base_secs > a.backoff_max_secs {
            return invalid("auth.backoff_base_secs must be positive and at most auth.backoff_max_secs".into());
        }
        if self.log.prune_interval_secs == 0 {
            return invalid("log.prune_interval_secs must be positive".into());
        }
        if let Some(url) = &self.database
            && !["sqlite:", "postgres:", "postgresql:"]
                .iter()
                .any(|p| url.starts_with(p))
        {
            return invalid(format!(
                "database {url:?}: use sqlite://PATH or postgres://USER@HOST/DB"
            ));
        }
        Ok(())
    }

    /// The database to open.
    pub fn database(&self) -> Database {
        match &self.database {
            None => Database::Sqlite(self.data.join("pimgate.db")),
            Some(url) => match url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
                Some(path) if !path.contains('?') && path != ":memory:" => Database::Sqlite(PathBuf::from(path)),
                _ => Database::Url(url.clone()),
            },
        }
    }

    /// Where the first-start admin password is written.
    pub fn initial_password_file(&self) -> PathBuf {
        self.data.join("initial-admin-password")
    }

    pub fn auth_cache_ttl(&self) -> Duration {
        Duration::from_secs(self.auth.cache_ttl_secs)
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// Every dotted key with its environment variable (documentation, tests).
    pub fn keys() -> impl Iterator<Item = (&'static str, String)> {
        KEYS.iter().map(|(k, _)| (*k, env_name(k)))
    }
}

/// Which database a configuration names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file, created with its directory when missing.
    Sqlite(PathBuf),
    /// Any other sqlx URL (PostgreSQL; SQLite with options).
    Url(String),
}

fn read_file(path: &Path) -> Result<Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    text.parse::<Table>().map_err(|e| ConfigError::File {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn typed(kind: Kind, text: &str, origin: &str) -> Result<Value, ConfigError> {
    Ok(match kind {
        Kind::Text => Value::String(text.to_owned()),
        Kind::Integer => Value::Integer(text.trim().parse().map_err(|_| ConfigError::Value {
            origin: origin.to_owned(),
            message: format!("{text:?} is not a whole number"),
        })?),
        Kind::List => Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ),
    })
}

/// Sets `a.b` in a table, creating (or replacing a non-table) section `a`.
fn set(table: &mut Table, key: &str, value: Value) {
    match key.split_once('.') {
        None => {
            table.insert(key.to_owned(), value);
        }
        Some((section, rest)) => {
            let entry = table
                .entry(section.to_owned())
                .or_insert_with(|| Value::Table(Table::new()));
            if !entry.is_table() {
                *entry = Value::Table(Table::new());
            }
            if let Value::Table(inner) = entry {
                set(inner, rest, value);
            }
        }
    }
}
