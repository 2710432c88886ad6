-- Bearer tokens for the JSON API (PostgreSQL). Only the token's SHA-256 is kept: a copy of
-- the database hands out no access. A revoked token stays, for the audit log's references.
CREATE TABLE api_tokens (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    token_hash      TEXT    NOT NULL UNIQUE,
    -- Comma-separated, in a fixed order: `listings:read,reports:write`.
    scopes          TEXT    NOT NULL CHECK (scopes <> ''),
    -- Reports sent with it are trusted (they count toward restricting a sender at once).
    trusted_reports BOOLEAN NOT NULL,
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    revoked_at      BIGINT,
    last_used_at    BIGINT,
    last_used_from  TEXT
);
