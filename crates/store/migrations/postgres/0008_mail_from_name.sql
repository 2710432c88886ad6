-- The sender's display name in the recipient's language ("Servizi per i mittenti"), kept
-- with each queued mail so a mail sent after a restart still says it in that language.
ALTER TABLE mail_queue ADD COLUMN from_name TEXT;
