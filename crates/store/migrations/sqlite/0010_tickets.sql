-- Support tickets (SQLite): opened by a tenant's admin for a sender who is not our customer,
-- worked by agents, joined by the IP owner through an invitation. The ticket row holds the
-- current state; everything that happened to it is in messages and events, both append-only.

CREATE TABLE tickets (
    id             INTEGER PRIMARY KEY,
    -- What people quote: T-XXXX-XXXX, unguessable enough not to be walked.
    reference      TEXT    NOT NULL UNIQUE,
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    opened_by      INTEGER NOT NULL REFERENCES users (id),
    state          TEXT    NOT NULL CHECK (state IN
                       ('new', 'open', 'waiting-sender', 'waiting-tenant', 'resolved', 'closed')),
    -- The sender: an IP or range (canonical text) and/or a domain; at least one.
    ip_range       TEXT,
    sender_domain  TEXT,
    sender_contact TEXT    NOT NULL,
    -- The pasted bounce, as pasted; the pages explain it with the NDR explainer.
    bounce         TEXT    NOT NULL,
    description    TEXT    NOT NULL,
    -- The listing's reason when the ticket was opened, for the queue's filter.
    reason         TEXT,
    assignee       INTEGER REFERENCES users (id),
    -- The language the tenant's admin wrote in; their mail comes in it.
    lang           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    -- When the ticket entered a waiting state, for closing it after a quiet spell.
    waiting_since  INTEGER,
    -- A public message from outside (tenant or owner) not yet seen by an agent.
    unread         INTEGER NOT NULL DEFAULT 0 CHECK (unread IN (0, 1)),
    CHECK (ip_range IS NOT NULL OR sender_domain IS NOT NULL)
);
CREATE INDEX tickets_tenant ON tickets (tenant_id, updated_at);
CREATE INDEX tickets_state ON tickets (state, updated_at);

-- Who takes part besides our agents: the tenant's admin who opened it, and IP owners an
-- agent invited. An owner's invitation is a single-use link (its SHA-256 here) that opens a
-- session on this ticket alone, until the invitation expires or is revoked.
CREATE TABLE ticket_parties (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('tenant', 'owner')),
    address      TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    invited_by   TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    link_hash    TEXT UNIQUE,
    link_used_at INTEGER,
    session_hash TEXT UNIQUE
);
CREATE INDEX ticket_parties_ticket ON ticket_parties (ticket_id);

-- The thread: public messages go to every party; internal notes only agents see.
CREATE TABLE ticket_messages (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    at         INTEGER NOT NULL,
    author     TEXT    NOT NULL,
    party_id   INTEGER REFERENCES ticket_parties (id),
    visibility TEXT    NOT NULL CHECK (visibility IN ('public', 'internal')),
    via        TEXT    NOT NULL CHECK (via IN ('web', 'mail')),
    body       TEXT    NOT NULL,
    -- A reply by mail as received (lz4), attachments included, kept as evidence.
    evidence   BLOB
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

-- What happened to a ticket besides messages: opened, state, assignment, invitations, and
-- the actions taken from it (delist, reason, allowlist, release), with who did it.
CREATE TABLE ticket_events (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    detail    TEXT    NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TRIGGER tickets_no_delete BEFORE DELETE ON tickets
BEGIN SELECT RAISE(ABORT, 'tickets are kept'); END;
CREATE TRIGGER ticket_messages_no_update BEFORE UPDATE ON ticket_messages
BEGIN SELECT RAISE(ABORT, 'ticket messages are append-only'); END;
CREATE TRIGGER ticket_messages_no_delete BEFORE DELETE ON ticket_messages
BEGIN SELECT RAISE(ABORT, 'ticket messages are append-only'); END;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket events are append-only'); END;
