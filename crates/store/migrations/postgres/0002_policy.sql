-- Policy entries the Postfix policy service decides on besides listings: the allowlist,
-- banned senders and restricted senders of ours, with their history (PostgreSQL).

CREATE TABLE policy_entries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('allow', 'sender-ban', 'restriction')),
    key         TEXT    NOT NULL,
    reason      TEXT,
    note        TEXT,
    source      TEXT    NOT NULL,
    active      BOOLEAN NOT NULL,
    created_at  BIGINT  NOT NULL,
    ended_at    BIGINT,
    changed_seq BIGINT  NOT NULL
);
CREATE UNIQUE INDEX policy_entries_active ON policy_entries (kind, key) WHERE active;
CREATE INDEX policy_entries_changed_seq ON policy_entries (changed_seq);

CREATE TABLE policy_events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id BIGINT NOT NULL REFERENCES policy_entries (id),
    seq      BIGINT NOT NULL,
    at       BIGINT NOT NULL,
    kind     TEXT   NOT NULL CHECK (kind IN ('added', 'removed')),
    actor    TEXT   NOT NULL,
    note     TEXT
);
CREATE INDEX policy_events_entry ON policy_events (entry_id, id);

CREATE FUNCTION policy_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'policy history is append-only';
END;
$$;
CREATE TRIGGER policy_events_no_change BEFORE UPDATE OR DELETE ON policy_events
    FOR EACH ROW EXECUTE FUNCTION policy_events_append_only();
