-- A sortable key of each listing's range, so the console finds every listing inside a CIDR
-- with an index range scan: one byte for the family (4 or 6), then the network address's
-- bytes, big-endian. Ordered bytewise, the listings whose network lies between a range's
-- first and last address are exactly those inside it (or starting at its first address).
-- Filled by the store after migrating (SQL cannot parse the range text portably), and on
-- every insert.
ALTER TABLE listings ADD COLUMN range_key BLOB;
CREATE INDEX listings_range_key ON listings (range_key);

-- A listing's page shows the tickets and reports about its addresses: look them up by text.
CREATE INDEX tickets_ip_range ON tickets (ip_range);
CREATE INDEX reports_source_ip ON reports (source_ip);
