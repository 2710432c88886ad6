-- Where replies go: a ticket's notification carries its party's reply address
-- (ticket+TAG@…), so an answer by mail lands in the ticket; other mail has none.
ALTER TABLE mail_queue ADD COLUMN reply_to TEXT;
