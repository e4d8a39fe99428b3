-- Search speed (issue 10), measured with EXPLAIN (ANALYZE, BUFFERS) on 100,000 seeded personas.

-- The market's GIN indexes answer every text, tag and typo search. With `fastupdate` their new
-- entries wait in a pending list that every scan reads in full (330 pages of it per name
-- search after a bulk load), and the planner, counting those pages, took a sequential scan of
-- the whole market for "does any persona match these words?". Persona rows change on approval
-- and on stats, rarely next to the searches, so entries go straight into the index.
ALTER INDEX personas_search SET (fastupdate = off);
ALTER INDEX personas_name_search SET (fastupdate = off);
ALTER INDEX personas_tags SET (fastupdate = off);
ALTER INDEX personas_name_trgm SET (fastupdate = off);
SELECT gin_clean_pending_list(i::regclass)
FROM unnest(ARRAY['personas_search', 'personas_name_search', 'personas_tags',
                  'personas_name_trgm']) AS i;

-- Typo search in tiers (queries/market.py): close names first (`q <<% name`, strict word
-- similarity), from the same trigram index. 0.6 keeps a one-letter typo of a two-word name
-- ("sarcastc chef") and leaves out names sharing only one word with the query.
-- JIT compiling pays off for long analytic queries; the market's are short and a compile
-- (tens of ms) would cost more than the query whenever a big market's estimates cross
-- jit_above_cost.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET pg_trgm.strict_word_similarity_threshold = 0.6',
                   current_database());
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
END
$$;
