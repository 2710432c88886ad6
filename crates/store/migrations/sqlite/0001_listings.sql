-- The blocked-senders list and its history (SQLite).
-- Times are Unix seconds (UTC). `changed_seq` lets readers pick up changes incrementally:
-- every write transaction bumps store_meta.change_seq once and stamps the rows it touched.

CREATE TABLE store_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    change_seq INTEGER NOT NULL
);
INSERT INTO store_meta (id, change_seq) VALUES (1, 0);

CREATE TABLE listings (
    id                INTEGER PRIMARY KEY,
    range_text        TEXT    NOT NULL,
    reason            TEXT    NOT NULL,
    public_text       TEXT,
    note              TEXT,
    source            TEXT    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('active', 'delisted', 'expired')),
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER,
    ended_at          INTEGER,
    self_delist       INTEGER NOT NULL,
    self_delist_count INTEGER NOT NULL DEFAULT 0,
    changed_seq       INTEGER NOT NULL
);
-- One active listing per range; delisted and expired ones stay for history.
CREATE UNIQUE INDEX listings_active_range ON listings (range_text) WHERE state = 'active';
CREATE INDEX listings_range ON listings (range_text);
CREATE INDEX listings_changed_seq ON listings (changed_seq);
CREATE INDEX listings_due ON listings (expires_at) WHERE state = 'active' AND expires_at IS NOT NULL;

CREATE TABLE listing_events (
    id         INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL REFERENCES listings (id),
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('listed', 'edited', 'delisted', 'expired')),
    actor      TEXT    NOT NULL,
    note       TEXT
);
CREATE INDEX listing_events_listing ON listing_events (listing_id, id);

-- History is append-only: the audit trail must not be editable, even by a bug of ours.
CREATE TRIGGER listing_events_no_update BEFORE UPDATE ON listing_events
BEGIN SELECT RAISE(ABORT, 'listing history is append-only'); END;
CREATE TRIGGER listing_events_no_delete BEFORE DELETE ON listing_events
BEGIN SELECT RAISE(ABORT, 'listing history is append-only'); END;
