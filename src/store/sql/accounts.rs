//! [`Accounts`] on SQL: users, devices, collections, grants.

use sqlx::{Any, Row, Transaction};

use super::SqlStore;
use super::positions::{reserve_position, start_log};
use super::rows::{self, APP_PASSWORD_COLUMNS, COLLECTION_COLUMNS, unique_violation};
use crate::store::{Access, Accounts, AppPassword, Collection, Device, StoreError, User};
use crate::universal::{CollectionId, DeviceId, Timestamp};

fn not_found_if_none(affected: u64, what: impl FnOnce() -> String) -> Result<(), StoreError> {
    if affected == 0 {
        Err(StoreError::NotFound(what()))
    } else {
        Ok(())
    }
}

/// Inserts a collection whose log starts at a freshly reserved position
/// (see `positions`); [`StoreError::AlreadyExists`] when the id is taken.
pub(super) async fn insert_collection(tx: &mut Transaction<'_, Any>, c: &Collection) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO collections ({COLLECTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(c.id.as_str())
    .bind(&c.owner)
    .bind(c.home.as_str())
    .bind(&c.name)
    .bind(c.kind.as_str())
    .bind(c.display_name.as_deref())
    .bind(c.description.as_deref())
    .bind(c.color.as_deref())
    .bind(c.components.as_deref())
    .bind(c.created_at.0)
    .execute(&mut **tx)
    .await
    .map_err(|e| unique_violation(e, || format!("collection {}", c.id)))?;
    let position = reserve_position(tx, &c.id, c.created_at).await?;
    start_log(tx, &c.id, position).await
}

impl Accounts for SqlStore {
    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO users (name, password_hash, created_at) VALUES ($1, $2, $3)")
            .bind(&user.name)
            .bind(&user.password_hash)
            .bind(user.created_at.0)
            .execute(&self.pool)
            .await
            .map_err(|e| unique_violation(e, || format!("user {}", user.name)))?;
        Ok(())
    }

    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query("SELECT name, password_hash, created_at FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query("SELECT name, password_hash, created_at FROM users ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::user).collect()
    }

    async fn set_password_hash(&self, name: &str, hash: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE name = $1")
            .bind(name)
            .bind(hash)
            .execute(&self.pool)
            .await?;
        not_found_if_none(done.rows_affected(), || format!("user {name}"))
    }

    async fn delete_user(&self, name: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM users WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        not_found_if_none(done.rows_affected(), || format!("user {name}"))
    }

    async fn create_app_password(&self, p: &AppPassword) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO app_passwords ({APP_PASSWORD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(&p.id)
        .bind(&p.user)
        .bind(&p.label)
        .bind(&p.password_hash)
        .bind(p.created_at.0)
        .bind(p.revoked_at.map(|t| t.0))
        .execute(&self.pool)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::NotFound(format!("user {}", p.user))
            }
            _ => unique_violation(e, || format!("app password {:?} of {}", p.label, p.user)),
        })?;
        Ok(())
    }

    async fn list_app_passwords(&self, user: &str) -> Result<Vec<AppPassword>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {APP_PASSWORD_COLUMNS} FROM app_passwords WHERE user_name = $1 ORDER BY created_at, id"
        ))
        .bind(user)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::app_password).collect()
    }

    async fn revoke_app_password(&self, user: &str, id_or_label: &str, at: Timestamp) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE app_passwords SET revoked_at = $3 \
             WHERE user_name = $1 AND (id = $2 OR label = $2) AND revoked_at IS NULL",
        )
        .bind(user)
        .bind(id_or_label)
        .bind(at.0)
        .execute(&self.pool)
        .await?;
        not_found_if_none(done.rows_affected(), || {
            format!("active app password {id_or_label:?} of {user}")
        })
    }

    async fn create_device(&self, device: &Device) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO devices (id, user_name, name, token_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(device.id.as_str())
            .bind(&device.user)
            .bind(&device.name)
            .bind(&device.token_hash)
            .bind(device.created_at.0)
            .bind(device.revoked_at.map(|t| t.0))
            .execute(&self.pool)
            .await
            .map_err(|e| unique_violation(e, || format!("device {} of {}", device.name, device.user)))?;
        Ok(())
    }

    async fn device(&self, id: &DeviceId) -> Result<Option<Device>, StoreError> {
        let row =
            sqlx::query("SELECT id, user_name, name, token_hash, created_at, revoked_at FROM devices WHERE id = $1")
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(rows::device).transpose()
    }

    async fn list_devices(&self, user: &str) -> Result<Vec<Device>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_name, name, token_hash, created_at, revoked_at FROM devices WHERE user_name = $1 ORDER BY name",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::device).collect()
    }

    async fn revoke_device(&self, id: &DeviceId, at: Timestamp) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id.as_str())
            .bind(at.0)
            .execute(&self.pool)
            .await?;
        not_found_if_none(done.rows_affected(), || format!("active device {id}"))
    }

    async fn create_collection(&self, c: &Collection) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_collection(&mut tx, c).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn collection(&self, id: &CollectionId) -> Result<Option<Collection>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLLECTION_COLUMNS} FROM collections WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::collection).transpose()
    }

    async fn list_collections(&self, owner: &str) -> Result<Vec<Collection>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLLECTION_COLUMNS} FROM collections WHERE owner = $1 ORDER BY home, name"
        ))
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::collection).collect()
    }

    async fn update_collection(&self, c: &Collection) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE collections SET display_name = $2, description = $3, color = $4, components = $5 WHERE id = $1",
        )
        .bind(c.id.as_str())
        .bind(c.display_name.as_deref())
        .bind(c.description.as_deref())
        .bind(c.color.as_deref())
        .bind(c.components.as_deref())
        .execute(&self.pool)
        .await?;
        not_found_if_none(done.rows_affected(), || format!("collection {}", c.id))
    }

    async fn delete_collection(&self, id: &CollectionId) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM collections WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        not_found_if_none(done.rows_affected(), || format!("collection {id}"))
    }

    async fn set_grant(&self, collection: &CollectionId, user: &str, access: Access) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO grants (collection_id, user_name, access) VALUES ($1, $2, $3) \
             ON CONFLICT (collection_id, user_name) DO UPDATE SET access = excluded.access",
        )
        .bind(collection.as_str())
        .bind(user)
        .bind(access.as_str())
        .execute(&self.pool)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::NotFound(format!("collection {collection} or user {user}"))
            }
            _ => StoreError::Backend(e),
        })?;
        Ok(())
    }

    async fn revoke_grant(&self, collection: &CollectionId, user: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM grants WHERE collection_id = $1 AND user_name = $2")
            .bind(collection.as_str())
            .bind(user)
            .execute(&self.pool)
            .await?;
        not_found_if_none(done.rows_affected(), || format!("grant on {collection} to {user}"))
    }

    async fn access(&self, collection: &CollectionId, user: &str) -> Result<Option<Access>, StoreError> {
        let row = sqlx::query(
            "SELECT c.owner, g.access FROM collections c \
             LEFT JOIN grants g ON g.collection_id = c.id AND g.user_name = $2 WHERE c.id = $1",
        )
        .bind(collection.as_str())
        .bind(user)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.try_get::<String, _>("owner")? == user {
            return Ok(Some(Access::Write));
        }
        Ok(row
            .try_get::<Option<String>, _>("access")?
            .as_deref()
            .and_then(Access::parse))
    }
}
