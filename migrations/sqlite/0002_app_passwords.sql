-- App passwords, SQLite. Keep in step with migrations/postgres/0002_app_passwords.sql.
-- One per client a user sets up (a phone, a laptop); each is argon2id-hashed
-- and can be revoked on its own. Revoked rows stay for the listing; a label
-- is unique among a user's active passwords.

CREATE TABLE app_passwords (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    label TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX app_passwords_active_label ON app_passwords (user_name, label) WHERE revoked_at IS NULL;
