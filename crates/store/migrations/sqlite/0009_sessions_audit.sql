-- Signing in (SQLite): sessions kept here so any node serves any request, the second factor,
-- the counters that slow down guessing, the account policy, and the audit log of every change.

-- TOTP (RFC 6238). `totp_pending` holds a secret shown to the user but not yet confirmed
-- with a code; only a confirmed secret (`totp_secret`) is asked for at sign-in.
-- `totp_last_step` is the time step of the last code accepted: a code is never accepted twice,
-- so a code seen over a shoulder or in a proxy log is spent.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at INTEGER;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

-- Recovery codes: single use, stored as SHA-256 only.
CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    code_hash  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Sessions: the cookie carries a random token, the store only its SHA-256. A session that
-- passed the password but not yet the second factor is `second-factor` and opens nothing.
CREATE TABLE sessions (
    id             INTEGER PRIMARY KEY,
    token_hash     TEXT    NOT NULL UNIQUE,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    stage          TEXT    NOT NULL CHECK (stage IN ('second-factor', 'signed-in')),
    created_at     INTEGER NOT NULL,
    last_seen_at   INTEGER NOT NULL,
    -- Absolute expiry; idle expiry is last_seen_at plus the idle limit.
    expires_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    client_address TEXT    NOT NULL,
    user_agent     TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, per account (`account:EMAIL`) and per client (`client:PREFIX`). A success
-- clears the account's; the counters fade after a quiet spell rather than lock anyone out.
CREATE TABLE signin_failures (
    key      TEXT    PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at  INTEGER NOT NULL
);

-- Browsers that signed in to an account before: their owner is not slowed down by failures
-- that others cause on the account (OWASP's device cookies), so guessing cannot lock a
-- person out.
CREATE TABLE known_devices (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
);

-- Account policy an admin sets, one row per setting.
CREATE TABLE account_settings (
    name  TEXT PRIMARY KEY CHECK (name IN ('require_totp')),
    value TEXT NOT NULL
);

-- Every change our people (or the CLI, or the system) make: who, from which address, when,
-- what, and the record before and after as JSON. Written in the change's own transaction.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT    NOT NULL,
    address TEXT,
    action  TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    before  TEXT,
    after   TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
