-- Stripe event ids are de-duplicated in the kernel's inbox (consumer 'stripe', key
-- md5('stripe:' || id)::uuid, see shared.stripe_edge.inbox_id); carry the ones already handled.
INSERT INTO inbox (consumer, event_id, processed_at)
SELECT 'stripe', md5('stripe:' || event_id)::uuid, received_at FROM stripe_webhook_events
ON CONFLICT DO NOTHING;
DROP TABLE stripe_webhook_events;
