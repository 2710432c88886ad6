-- Our own people (PostgreSQL): who may sign in, in which role. The database itself refuses a
-- tenant-admin without a tenant and any other role with one, so no code path can make a user
-- whose reach is unclear.
CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'agent', 'tenant-admin')),
    tenant_id     BIGINT  REFERENCES tenants (id),
    -- NULL until the user follows the set-password link.
    password_hash TEXT,
    disabled_at   BIGINT,
    created_at    BIGINT  NOT NULL,
    CHECK ((role = 'tenant-admin') = (tenant_id IS NOT NULL))
);

-- Single-use links to set or reset a password. Only SHA-256 of the token is kept, so a copy
-- of the database does not hand out passwords.
CREATE TABLE account_links (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    purpose    TEXT    NOT NULL CHECK (purpose IN ('set-password', 'reset-password')),
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
);
CREATE INDEX account_links_user ON account_links (user_id);
