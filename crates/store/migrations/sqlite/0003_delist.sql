-- Self-service delist requests made through the portal (SQLite). The rows are also what the
-- stored request limits count, so the limits hold across restarts and, on PostgreSQL, nodes.

CREATE TABLE delist_requests (
    id              INTEGER PRIMARY KEY,
    reference       TEXT    NOT NULL UNIQUE,
    -- SHA-256 of the link's token, hex: a leaked database holds no usable link.
    token_hash      TEXT    NOT NULL UNIQUE,
    ip              TEXT    NOT NULL,
    email           TEXT    NOT NULL,
    client_ip       TEXT    NOT NULL,
    lang            TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delisted', 'refused')),
    refusal         TEXT    CHECK (refusal IN ('not-listed', 'not-self-removable', 'range', 'too-many')),
    mail_state      TEXT    NOT NULL CHECK (mail_state IN ('queued', 'sent', 'outbox', 'retrying', 'failed')),
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    completed_at    INTEGER,
    delisted_range  TEXT
);
CREATE INDEX delist_requests_email ON delist_requests (email, created_at);
CREATE INDEX delist_requests_client ON delist_requests (client_ip, created_at);
CREATE INDEX delist_requests_ip ON delist_requests (ip, created_at);
