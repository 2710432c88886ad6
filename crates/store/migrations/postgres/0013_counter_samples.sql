-- The services' counters over time (PostgreSQL), for the console's dashboards: every minute
-- each node adds what its DNS server and policy service counted since the last sample. Minute
-- rows older than a day are summed into hour rows, and nothing older than 90 days is kept.
CREATE TABLE counter_samples (
    series     TEXT    NOT NULL,
    resolution TEXT    NOT NULL CHECK (resolution IN ('minute', 'hour')),
    -- The start of the minute or hour, Unix seconds.
    bucket     BIGINT  NOT NULL,
    node       TEXT    NOT NULL,
    value      BIGINT  NOT NULL,
    PRIMARY KEY (series, resolution, bucket, node)
);

-- The dashboards count listing events and reports per day over a window; without these each
-- chart would read the whole history (a million listing events and more).
CREATE INDEX listing_events_at ON listing_events (at);
CREATE INDEX reports_received ON reports (received_at);
