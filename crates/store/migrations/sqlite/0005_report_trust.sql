-- Whose word a report is (SQLite): only reports from someone we trust (an API token, a
-- feedback loop whose DKIM signature verifies, an operator) count toward restricting a
-- sender; anonymous ones count once the desk confirms them.

ALTER TABLE report_submissions ADD COLUMN trust TEXT NOT NULL DEFAULT 'anonymous'
    CHECK (trust IN ('token', 'fbl', 'operator', 'anonymous'));
-- What the trust rests on, for a person: the token's name, the verified signature, who ran
-- the command, or why an anonymous report is anonymous.
ALTER TABLE report_submissions ADD COLUMN trust_evidence TEXT NOT NULL DEFAULT '';
-- Whether the report counts toward the complaint threshold: trusted and not dismissed, or
-- confirmed by the desk.
ALTER TABLE reports ADD COLUMN counts INTEGER NOT NULL DEFAULT 0;

-- Reports stored before trust was recorded: the API's were token-authenticated.
UPDATE report_submissions SET trust = 'token', trust_evidence = 'bearer token (before trust was recorded)'
    WHERE channel = 'api';
UPDATE report_submissions SET trust_evidence = 'received before trust was recorded'
    WHERE channel <> 'api';
UPDATE reports SET counts = 1
    WHERE submission_id IN (SELECT id FROM report_submissions WHERE trust = 'token');

-- Counting a sender's complaints reads only the ones that count, newest window first, and
-- stops at the threshold: the 100,000th complaint about one sender costs what the first did.
CREATE INDEX reports_counting ON reports (sender, received_at) WHERE counts AND duplicate_of IS NULL;

-- The desk's decision on a report, once: who confirmed or dismissed it, when and why.
CREATE TABLE report_decisions (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL UNIQUE REFERENCES reports (id),
    at        INTEGER NOT NULL,
    decision  TEXT    NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),
    actor     TEXT    NOT NULL,
    note      TEXT
);
CREATE TRIGGER report_decisions_no_update BEFORE UPDATE ON report_decisions
BEGIN SELECT RAISE(ABORT, 'report decisions are append-only'); END;
CREATE TRIGGER report_decisions_no_delete BEFORE DELETE ON report_decisions
BEGIN SELECT RAISE(ABORT, 'report decisions are append-only'); END;
