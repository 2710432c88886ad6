-- Support tickets (PostgreSQL): opened by a tenant's admin for a sender who is not our customer,
-- worked by agents, joined by the IP owner through an invitation. The ticket row holds the
-- current state; everything that happened to it is in messages and events, both append-only.

CREATE TABLE tickets (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- What people quote: T-XXXX-XXXX, unguessable enough not to be walked.
    reference      TEXT    NOT NULL UNIQUE,
    tenant_id      BIGINT  NOT NULL REFERENCES tenants (id),
    opened_by      BIGINT  NOT NULL REFERENCES users (id),
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
    assignee       BIGINT  REFERENCES users (id),
    -- The language the tenant's admin wrote in; their mail comes in it.
    lang           TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    -- When the ticket entered a waiting state, for closing it after a quiet spell.
    waiting_since  BIGINT,
    -- A public message from outside (tenant or owner) not yet seen by an agent.
    unread         BOOLEAN NOT NULL DEFAULT false,
    CHECK (ip_range IS NOT NULL OR sender_domain IS NOT NULL)
);
CREATE INDEX tickets_tenant ON tickets (tenant_id, updated_at);
CREATE INDEX tickets_state ON tickets (state, updated_at);

-- Who takes part besides our agents: the tenant's admin who opened it, and IP owners an
-- agent invited. An owner's invitation is a single-use link (its SHA-256 here) that opens a
-- session on this ticket alone, until the invitation expires or is revoked.
CREATE TABLE ticket_parties (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id    BIGINT  NOT NULL REFERENCES tickets (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('tenant', 'owner')),
    address      TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    invited_by   TEXT,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    link_hash    TEXT UNIQUE,
    link_used_at BIGINT,
    session_hash TEXT UNIQUE
);
CREATE INDEX ticket_parties_ticket ON ticket_parties (ticket_id);

-- The thread: public messages go to every party; internal notes only agents see.
CREATE TABLE ticket_messages (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id  BIGINT  NOT NULL REFERENCES tickets (id),
    at         BIGINT  NOT NULL,
    author     TEXT    NOT NULL,
    party_id   BIGINT  REFERENCES ticket_parties (id),
    visibility TEXT    NOT NULL CHECK (visibility IN ('public', 'internal')),
    via        TEXT    NOT NULL CHECK (via IN ('web', 'mail')),
    body       TEXT    NOT NULL,
    -- A reply by mail as received (lz4), attachments included, kept as evidence.
    evidence   BYTEA
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

-- What happened to a ticket besides messages: opened, state, assignment, invitations, and
-- the actions taken from it (delist, reason, allowlist, release), with who did it.
CREATE TABLE ticket_events (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id BIGINT  NOT NULL REFERENCES tickets (id),
    at        BIGINT  NOT NULL,
    actor     TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    detail    TEXT    NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE FUNCTION tickets_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tickets are kept; their messages and events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tickets_no_delete BEFORE DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_kept();
CREATE TRIGGER ticket_messages_no_change BEFORE UPDATE OR DELETE ON ticket_messages
    FOR EACH ROW EXECUTE FUNCTION tickets_kept();
CREATE TRIGGER ticket_events_no_change BEFORE UPDATE OR DELETE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION tickets_kept();
CREATE TRIGGER tickets_no_truncate BEFORE TRUNCATE ON tickets
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_kept();
CREATE TRIGGER ticket_messages_no_truncate BEFORE TRUNCATE ON ticket_messages
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_kept();
CREATE TRIGGER ticket_events_no_truncate BEFORE TRUNCATE ON ticket_events
    FOR EACH STATEMENT EXECUTE FUNCTION tickets_kept();
