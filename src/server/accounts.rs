//! Account management shared by the `pimgate user` commands and the server's
//! first start: users, passwords and app passwords, hashed with
//! [`password`](super::password) off the async threads.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::store::{Accounts, AppPassword, SqlStore, StoreError, User};
use crate::universal::Timestamp;

use super::password;
use super::paths::valid_user_name;

/// The first-start administrator's name.
pub const ADMIN: &str = "admin";
/// Length of generated passwords (about 140 bits).
const GENERATED_LEN: usize = 24;

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid user name {0:?}: use 1-64 of A-Z a-z 0-9 . _ - @ +")]
    InvalidName(String),
    #[error("the password is empty")]
    EmptyPassword,
    #[error("app password label is empty")]
    EmptyLabel,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Now, as a store timestamp.
pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Timestamp(ms)
}

/// argon2id on the blocking pool, so the async threads keep serving.
pub async fn hash_password(password: String) -> String {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .expect("argon2 hashing does not panic")
}

/// Creates a user with an argon2id hash of `password`.
pub async fn add_user(store: &SqlStore, name: &str, password: &str) -> Result<(), AccountError> {
    if !valid_user_name(name) {
        return Err(AccountError::InvalidName(name.to_owned()));
    }
    if password.is_empty() {
        return Err(AccountError::EmptyPassword);
    }
    let user = User {
        name: name.to_owned(),
        password_hash: hash_password(password.to_owned()).await,
        created_at: now(),
    };
    store.create_user(&user).await?;
    Ok(())
}

/// Replaces a user's password.
pub async fn set_password(store: &SqlStore, name: &str, password: &str) -> Result<(), AccountError> {
    if password.is_empty() {
        return Err(AccountError::EmptyPassword);
    }
    let hash = hash_password(password.to_owned()).await;
    store.set_password_hash(name, &hash).await?;
    Ok(())
}

/// Creates an app password for `user`; returns its row and the secret,
/// which exists nowhere else (only its hash is stored).
pub async fn add_app_password(
    store: &SqlStore,
    user: &str,
    label: &str,
) -> Result<(AppPassword, String), AccountError> {
    if label.trim().is_empty() {
        return Err(AccountError::EmptyLabel);
    }
    if store.user(user).await?.is_none() {
        return Err(StoreError::NotFound(format!("user {user}")).into());
    }
    let secret = password::generate(GENERATED_LEN);
    let row = AppPassword {
        id: password::random_id(6),
        user: user.to_owned(),
        label: label.trim().to_owned(),
        password_hash: hash_password(secret.clone()).await,
        created_at: now(),
        revoked_at: None,
    };
    store.create_app_password(&row).await?;
    Ok((row, secret))
}

/// The administrator created on first start.
#[derive(Debug)]
pub struct InitialAdmin {
    pub name: &'static str,
    pub password: String,
    /// Where the password was also written (mode 0600).
    pub file: PathBuf,
}

/// On an empty database, creates `admin` with a random password and writes
/// the password to `file` (mode 0600). `None` when users exist — or when
/// another node sharing the database created the admin first.
pub async fn ensure_admin(store: &SqlStore, file: &Path) -> Result<Option<InitialAdmin>, AccountError> {
    if !store.list_users().await?.is_empty() {
        return Ok(None);
    }
    let password = password::generate(GENERATED_LEN);
    match add_user(store, ADMIN, &password).await {
        Ok(()) => {}
        Err(AccountError::Store(StoreError::AlreadyExists(_))) => return Ok(None),
        Err(other) => return Err(other),
    }
    write_secret(file, &password).map_err(|source| AccountError::Io {
        path: file.to_owned(),
        source,
    })?;
    Ok(Some(InitialAdmin {
        name: ADMIN,
        password,
        file: file.to_owned(),
    }))
}

/// Writes `secret` and a newline to `path`, readable by the owner only.
fn write_secret(path: &Path, secret: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        // The mode applies only to a new file: narrow an old one first.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let mut file = options.open(path)?;
    writeln!(file, "{secret}")?;
    file.sync_all()
}
