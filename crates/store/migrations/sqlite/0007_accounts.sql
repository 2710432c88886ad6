-- Our own people (SQLite): who may sign in, in which role. The database itself refuses a
-- tenant-admin without a tenant and any other role with one, so no code path can make a user
-- whose reach is unclear.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'agent', 'tenant-admin')),
    tenant_id     INTEGER REFERENCES tenants (id),
    -- NULL until the user follows the set-password link.
    password_hash TEXT,
    disabled_at   INTEGER,
    created_at    INTEGER NOT NULL,
    CHECK ((role = 'tenant-admin') = (tenant_id IS NOT NULL))
);

-- Single-use links to set or reset a password. Only SHA-256 of the token is kept, so a copy
-- of the database does not hand out passwords.
CREATE TABLE account_links (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    purpose    TEXT    NOT NULL CHECK (purpose IN ('set-password', 'reset-password')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX account_links_user ON account_links (user_id);
