-- Council governance: roles, registration states, invites, emailed tokens, two-factor, single
-- sign-on identities and the append-only audit log.

-- role replaces the admin flag as the source of truth; admin stays, kept equal to
-- role IN ('owner', 'admin'), because older queries (CountAdmins, AdminActorIDs) read it.
-- approved and email_confirmed default to 1 so every existing account keeps signing in.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member'
    CHECK (role IN ('owner', 'admin', 'moderator', 'group_manager', 'member'));
ALTER TABLE users ADD COLUMN approved INTEGER NOT NULL DEFAULT 1 CHECK (approved IN (0, 1));
ALTER TABLE users ADD COLUMN email_confirmed INTEGER NOT NULL DEFAULT 1 CHECK (email_confirmed IN (0, 1));
ALTER TABLE users ADD COLUMN registration_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN invite_id TEXT NOT NULL DEFAULT '';
UPDATE users SET role = 'admin' WHERE admin = 1;
CREATE INDEX users_pending ON users (approved, actor_id);

-- Invitation links: only the hash of the code is kept. max_uses 0 means unlimited.
CREATE TABLE invites (
    id         TEXT PRIMARY KEY,
    code_hash  TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    max_uses   INTEGER NOT NULL DEFAULT 1 CHECK (max_uses >= 0),
    uses       INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- One-time tokens sent by email (confirm, reset) or handed to the browser between the password
-- and the second factor (mfa). Hashed like sessions.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('confirm', 'reset', 'mfa')),
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

-- TOTP: enabled_at is NULL while enrolment is unconfirmed. last_step is the newest 30-second
-- step accepted, so a code cannot be used twice.
CREATE TABLE user_totp (
    user_id    TEXT PRIMARY KEY REFERENCES users (actor_id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    enabled_at BIGINT,
    last_step  BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Accounts signed in through an OpenID Connect provider, linked by (issuer, sub).
CREATE TABLE external_identities (
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    groups        TEXT NOT NULL DEFAULT '[]',
    created_at    BIGINT NOT NULL,
    last_login_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_user ON external_identities (user_id);

-- The audit log keeps names as well as ids and has no foreign keys: a record must outlive the
-- accounts it mentions. Triggers refuse UPDATE and DELETE: the log is append-only.
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    target_name TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Legal holds: while an account is held, retention deletes none of its posts and the account
-- cannot be deleted. Lifting a hold removes its row; both are in the audit log.
CREATE TABLE legal_holds (
    actor_id   TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
