-- Trending scores computed by analytics (TrendingScoresUpdated), for sort=trending.
ALTER TABLE personas ADD COLUMN trending_score double precision NOT NULL DEFAULT 0;
CREATE INDEX personas_by_trending ON personas (trending_score DESC, id DESC) WHERE listed;

-- When the scores applied were computed: an older update arriving late is ignored.
CREATE TABLE trending_applied (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    computed_at timestamptz NOT NULL
);
