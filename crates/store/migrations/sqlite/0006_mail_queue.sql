-- Every mail senderdesk sends (SQLite): delist links, confirmations, notices to tenants. A
-- mail is written here before anyone is told it will be sent, and leaves `pending` only when
-- the relay (or the outbox folder) took it or it expired, so a restart forgets nothing.
CREATE TABLE mail_queue (
    id              INTEGER PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    tag             TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    -- The message, until it is delivered or expires; then emptied, since a delist link in it
    -- is a secret (the request keeps only its hash).
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    -- The delist request whose mail state follows this mail's, if any.
    delist_request_id INTEGER REFERENCES delist_requests (id),
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'outbox', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    last_error      TEXT,
    done_at         INTEGER
);
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at) WHERE state = 'pending';

-- The language a tenant's contact reads its notices in.
ALTER TABLE tenants ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
