-- Analytics read models, all fed by the `analytics.events` stream except `view_log` and
-- `view_last` (the view beacon's own records: the source of view figures, kept by a rebuild).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- What analytics knows of each persona (from catalog's events): its creator, for attributing
-- views and sales, and its text, tags and category for similarity.
CREATE TABLE personas (
    persona_id  text PRIMARY KEY,
    creator_id  text        NOT NULL,
    name        text        NOT NULL DEFAULT '',
    description text        NOT NULL DEFAULT '',
    category    text,
    tags        text[]      NOT NULL DEFAULT '{}',
    status      text        NOT NULL DEFAULT 'draft',
    created_at  timestamptz NOT NULL,
    approved_at timestamptz,
    deleted     boolean     NOT NULL DEFAULT false,
    -- name and description, for trigram text similarity
    doc         text GENERATED ALWAYS AS (lower(name || ' ' || description)) STORED
);
CREATE INDEX personas_creator ON personas (creator_id);
CREATE INDEX personas_doc_trgm ON personas USING gin (doc gin_trgm_ops);
CREATE INDEX personas_tags ON personas USING gin (tags);

-- Per persona and UTC day. Money lives in revenue_daily (per currency).
CREATE TABLE persona_daily (
    persona_id     text    NOT NULL,
    day            date    NOT NULL,
    creator_id     text    NOT NULL,
    views          integer NOT NULL DEFAULT 0,
    unique_viewers integer NOT NULL DEFAULT 0,
    acquisitions   integer NOT NULL DEFAULT 0,  -- free acquisitions
    purchases      integer NOT NULL DEFAULT 0,
    refunds        integer NOT NULL DEFAULT 0,
    downloads      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (persona_id, day)
);
CREATE INDEX persona_daily_creator ON persona_daily (creator_id, day);

CREATE TABLE revenue_daily (
    persona_id       text   NOT NULL,
    day              date   NOT NULL,
    currency         text   NOT NULL,
    creator_id       text   NOT NULL,
    gross            bigint NOT NULL DEFAULT 0,
    creator_revenue  bigint NOT NULL DEFAULT 0,
    refunded         bigint NOT NULL DEFAULT 0,
    refunded_creator bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (persona_id, day, currency)
);
CREATE INDEX revenue_daily_creator ON revenue_daily (creator_id, day);

-- Distinct visitors per persona and day (unique viewers over any range).
CREATE TABLE view_visitors (
    persona_id text NOT NULL,
    day        date NOT NULL,
    visitor    text NOT NULL,
    PRIMARY KEY (persona_id, day, visitor)
);

CREATE TABLE source_daily (
    persona_id      text    NOT NULL,
    day             date    NOT NULL,
    source          text    NOT NULL,  -- search | collection | trending | internal | external | direct
    referrer_domain text    NOT NULL DEFAULT '',
    creator_id      text    NOT NULL,
    views           integer NOT NULL DEFAULT 0,
    PRIMARY KEY (persona_id, day, source, referrer_domain)
);
CREATE INDEX source_daily_creator ON source_daily (creator_id, day);

-- Every counted view (the beacon's record; rebuilds derive view figures from it).
CREATE TABLE view_log (
    id              bigserial PRIMARY KEY,
    persona_id      text        NOT NULL,
    creator_id      text        NOT NULL,
    visitor         text        NOT NULL,
    user_id         text,
    viewed_at       timestamptz NOT NULL,
    source          text        NOT NULL,
    referrer_domain text        NOT NULL DEFAULT ''
);

-- The last counted view per visitor and persona (the 30-minute rule).
CREATE TABLE view_last (
    visitor    text        NOT NULL,
    persona_id text        NOT NULL,
    seen_at    timestamptz NOT NULL,
    PRIMARY KEY (visitor, persona_id)
);

CREATE TABLE reviews (
    review_id  text PRIMARY KEY,
    persona_id text    NOT NULL,
    creator_id text    NOT NULL,
    user_id    text    NOT NULL,
    rating     integer NOT NULL,
    day        date    NOT NULL
);
CREATE INDEX reviews_persona ON reviews (persona_id, day);
CREATE INDEX reviews_creator ON reviews (creator_id, day);

CREATE TABLE follows (
    follower_id text NOT NULL,
    followee_id text NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);

CREATE TABLE follower_daily (
    creator_id text    NOT NULL,
    day        date    NOT NULL,
    gained     integer NOT NULL DEFAULT 0,
    lost       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (creator_id, day)
);

-- What each user holds now (free or bought, minus revoked): libraries and also-downloaded.
CREATE TABLE holdings (
    user_id    text NOT NULL,
    persona_id text NOT NULL,
    PRIMARY KEY (user_id, persona_id)
);
CREATE INDEX holdings_persona ON holdings (persona_id);

-- Pair counts: how many users hold both (kept in both directions).
CREATE TABLE also_held (
    persona_id text    NOT NULL,
    other_id   text    NOT NULL,
    users      integer NOT NULL,
    PRIMARY KEY (persona_id, other_id)
);

-- Trending points per persona and UTC hour; scores decay at read time.
CREATE TABLE trend_hourly (
    persona_id text             NOT NULL,
    hour       timestamptz      NOT NULL,
    points     double precision NOT NULL,
    PRIMARY KEY (persona_id, hour)
);

-- One row: the time of the last event applied (responses' `as_of`).
CREATE TABLE applied (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    event_at timestamptz
);
INSERT INTO applied (id, event_at) VALUES (true, NULL);

-- The last computed trending scores (read by GET /api/personas/trending and published to
-- catalog as TrendingScoresUpdated).
CREATE TABLE trending_scores (
    persona_id  text             PRIMARY KEY,
    score       double precision NOT NULL,
    computed_at timestamptz      NOT NULL
);
CREATE INDEX trending_scores_order ON trending_scores (score DESC, persona_id DESC);

-- What was last published, so an unchanged ranking is not sent again.
CREATE TABLE trending_published (
    id           boolean PRIMARY KEY DEFAULT true CHECK (id),
    ranking      text[]      NOT NULL,
    published_at timestamptz NOT NULL
);
