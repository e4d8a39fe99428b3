-- The trace context of the work that queued a mail (only when tracing is on), so its sending
-- joins the same trace (a purchase's receipt: webhook -> ... -> this consumer -> the e-mail).
ALTER TABLE mail_outbox ADD COLUMN trace jsonb;
