-- Relevance in tiers (see queries.py): exact name, then name matches, then the rest by
-- popularity. Each tier walks its own index, so a broad query never ranks every match.
ALTER TABLE personas
    ADD COLUMN name_search tsvector
    GENERATED ALWAYS AS (to_tsvector('english'::regconfig, name)) STORED;
CREATE INDEX personas_name_search ON personas USING gin (name_search) WHERE listed;
CREATE INDEX personas_exact_name ON personas (lower(name)) WHERE listed;

-- Search plans depend on the values (how common a word is, how selective a filter): plan each
-- execution with its parameters instead of switching to a generic plan after five runs.
-- No parallel plans: the market queries stop early under a LIMIT by reading the branches of a
-- UNION ALL in order (queries.py), which a parallel append would not preserve; and on a small
-- machine under concurrent requests parallel workers buy nothing.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan', current_database());
    EXECUTE format('ALTER DATABASE %I SET max_parallel_workers_per_gather = 0', current_database());
END
$$;
