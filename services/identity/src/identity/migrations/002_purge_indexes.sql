-- The expired-credentials purge finds its rows by these instead of scanning the tables.
CREATE INDEX refresh_families_by_expiry ON refresh_families (expires_at);
CREATE INDEX one_time_tokens_by_expiry ON one_time_tokens (expires_at);
CREATE INDEX one_time_tokens_by_use ON one_time_tokens (used_at) WHERE used_at IS NOT NULL;
