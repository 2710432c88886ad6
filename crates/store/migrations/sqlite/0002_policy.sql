-- Policy entries the Postfix policy service decides on besides listings: the allowlist,
-- banned senders and restricted senders of ours, with their history (SQLite).

CREATE TABLE policy_entries (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('allow', 'sender-ban', 'restriction')),
    key         TEXT    NOT NULL,
    reason      TEXT,
    note        TEXT,
    source      TEXT    NOT NULL,
    active      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    changed_seq INTEGER NOT NULL
);
CREATE UNIQUE INDEX policy_entries_active ON policy_entries (kind, key) WHERE active = 1;
CREATE INDEX policy_entries_changed_seq ON policy_entries (changed_seq);

CREATE TABLE policy_events (
    id       INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES policy_entries (id),
    seq      INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('added', 'removed')),
    actor    TEXT    NOT NULL,
    note     TEXT
);
CREATE INDEX policy_events_entry ON policy_events (entry_id, id);

CREATE TRIGGER policy_events_no_update BEFORE UPDATE ON policy_events
BEGIN SELECT RAISE(ABORT, 'policy history is append-only'); END;
CREATE TRIGGER policy_events_no_delete BEFORE DELETE ON policy_events
BEGIN SELECT RAISE(ABORT, 'policy history is append-only'); END;
