-- The abuse desk (PostgreSQL): tenants of ours and what identifies their mail, report
-- submissions with their compressed evidence, one row per reported message, and cases.

CREATE TABLE tenants (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    contact    TEXT,
    created_at BIGINT  NOT NULL
);

-- The outbound IP ranges and the domains that identify a tenant's mail.
CREATE TABLE tenant_keys (
    tenant_id BIGINT  NOT NULL REFERENCES tenants (id),
    kind      TEXT    NOT NULL CHECK (kind IN ('ip', 'domain')),
    value     TEXT    NOT NULL,
    UNIQUE (kind, value)
);

CREATE TABLE report_submissions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at BIGINT  NOT NULL,
    channel     TEXT    NOT NULL CHECK (channel IN ('smtp', 'pipe', 'api', 'web')),
    reporter    TEXT    NOT NULL,
    format      TEXT    NOT NULL,
    -- The report as received, LZ4-compressed; NULL once past the retention period.
    raw         BYTEA,
    raw_size    BIGINT  NOT NULL,
    warnings    TEXT    NOT NULL,
    purged_at   BIGINT
);
CREATE INDEX report_submissions_received ON report_submissions (received_at);

CREATE TABLE reports (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id BIGINT  NOT NULL REFERENCES report_submissions (id),
    received_at   BIGINT  NOT NULL,
    reporter      TEXT    NOT NULL,
    feedback_type TEXT    NOT NULL,
    -- Message-ID, else the body's SHA-256: the same message from the same reporter counts once.
    dedup_key     TEXT    NOT NULL,
    duplicate_of  BIGINT  REFERENCES reports (id),
    ours          BOOLEAN NOT NULL,
    tenant_id     BIGINT  REFERENCES tenants (id),
    sender        TEXT,
    source_ip     TEXT,
    subject       TEXT,
    details       TEXT    NOT NULL
);
CREATE INDEX reports_dedup ON reports (reporter, dedup_key);
CREATE INDEX reports_sender ON reports (sender, received_at);
CREATE INDEX reports_tenant ON reports (tenant_id, received_at);

CREATE TABLE abuse_cases (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    opened_at    BIGINT  NOT NULL,
    sender       TEXT    NOT NULL,
    tenant_id    BIGINT  REFERENCES tenants (id),
    state        TEXT    NOT NULL CHECK (state IN ('open', 'closed')),
    report_count BIGINT  NOT NULL,
    closed_at    BIGINT
);
CREATE INDEX abuse_cases_sender ON abuse_cases (sender, state);
