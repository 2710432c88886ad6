-- The blocked-senders list and its history (PostgreSQL).
-- Times are Unix seconds (UTC). `changed_seq` lets readers pick up changes incrementally:
-- every write transaction bumps store_meta.change_seq once (the row lock serialises writers,
-- so sequence order is commit order) and stamps the rows it touched.

CREATE TABLE store_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    change_seq BIGINT NOT NULL
);
INSERT INTO store_meta (id, change_seq) VALUES (1, 0);

CREATE TABLE listings (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    range_text        TEXT    NOT NULL,
    reason            TEXT    NOT NULL,
    public_text       TEXT,
    note              TEXT,
    source            TEXT    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('active', 'delisted', 'expired')),
    created_at        BIGINT  NOT NULL,
    expires_at        BIGINT,
    ended_at          BIGINT,
    self_delist       BOOLEAN NOT NULL,
    self_delist_count BIGINT  NOT NULL DEFAULT 0,
    changed_seq       BIGINT  NOT NULL
);
CREATE UNIQUE INDEX listings_active_range ON listings (range_text) WHERE state = 'active';
CREATE INDEX listings_range ON listings (range_text);
CREATE INDEX listings_changed_seq ON listings (changed_seq);
CREATE INDEX listings_due ON listings (expires_at) WHERE state = 'active' AND expires_at IS NOT NULL;

CREATE TABLE listing_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    listing_id BIGINT NOT NULL REFERENCES listings (id),
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    kind       TEXT   NOT NULL CHECK (kind IN ('listed', 'edited', 'delisted', 'expired')),
    actor      TEXT   NOT NULL,
    note       TEXT
);
CREATE INDEX listing_events_listing ON listing_events (listing_id, id);

-- History is append-only: the audit trail must not be editable, even by a bug of ours.
CREATE FUNCTION listing_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'listing history is append-only';
END;
$$;
CREATE TRIGGER listing_events_no_change BEFORE UPDATE OR DELETE ON listing_events
    FOR EACH ROW EXECUTE FUNCTION listing_events_append_only();
