-- Catalog read models. Every table but `users` is a projection of this service's own events
-- and is rebuilt by `python -m catalog rebuild-projections`; `users` mirrors identity's events.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Typo tolerance: `q <% name` matches names containing a word about this similar to the query.
-- The default (0.6) misses one-letter typos in short words.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET pg_trgm.word_similarity_threshold = 0.45',
                   current_database());
END
$$;

-- Name weighs most, then tags, then the descriptions.
CREATE FUNCTION catalog_search_document(name text, tags text[], short_description text,
                                        description text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'B')
        || setweight(to_tsvector('english'::regconfig,
                                 coalesce(short_description, '') || ' ' || coalesce(description, '')), 'C')
$$;

CREATE TABLE personas (
    id                uuid PRIMARY KEY,
    creator_id        text        NOT NULL,
    name              text        NOT NULL,
    short_description text        NOT NULL,
    description       text        NOT NULL,
    category          text        NOT NULL,
    tags              text[]      NOT NULL DEFAULT '{}',
    price_cents       integer     NOT NULL,
    currency          text        NOT NULL,
    usage_terms       jsonb       NOT NULL,
    status            text        NOT NULL,
    rejection_reason  text,
    suspension_reason text,
    latest_version    text,
    version_count     integer     NOT NULL DEFAULT 0,
    downloads         bigint      NOT NULL DEFAULT 0,
    acquisitions      integer     NOT NULL DEFAULT 0,
    rating_sum        bigint      NOT NULL DEFAULT 0,
    rating_count      integer     NOT NULL DEFAULT 0,
    rating_1          integer     NOT NULL DEFAULT 0,
    rating_2          integer     NOT NULL DEFAULT 0,
    rating_3          integer     NOT NULL DEFAULT 0,
    rating_4          integer     NOT NULL DEFAULT 0,
    rating_5          integer     NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    submitted_at      timestamptz,
    approved_at       timestamptz,
    deleted_at        timestamptz,
    -- Sort key only; the API computes the exact average from sum and count.
    rating_avg        double precision GENERATED ALWAYS AS
                      (CASE WHEN rating_count > 0 THEN rating_sum::float8 / rating_count ELSE 0 END) STORED,
    listed            boolean GENERATED ALWAYS AS (status = 'approved' AND deleted_at IS NULL) STORED,
    search            tsvector GENERATED ALWAYS AS
                      (catalog_search_document(name, tags, short_description, description)) STORED
);

-- One index per market sort (keyset pagination walks them), all partial on the market.
CREATE INDEX personas_by_downloads ON personas (downloads DESC, id DESC) WHERE listed;
CREATE INDEX personas_by_rating ON personas (rating_avg DESC, rating_count DESC, id DESC) WHERE listed;
CREATE INDEX personas_by_newest ON personas (created_at DESC, id DESC) WHERE listed;
CREATE INDEX personas_by_price ON personas (price_cents, id) WHERE listed;
CREATE INDEX personas_by_category ON personas (category, downloads DESC, id DESC) WHERE listed;
CREATE INDEX personas_search ON personas USING gin (search) WHERE listed;
CREATE INDEX personas_tags ON personas USING gin (tags) WHERE listed;
CREATE INDEX personas_name_trgm ON personas USING gin (name gin_trgm_ops) WHERE listed;
CREATE INDEX personas_by_creator ON personas (creator_id, created_at DESC, id DESC);
CREATE INDEX personas_pending ON personas (submitted_at, id) WHERE status = 'pending' AND deleted_at IS NULL;

CREATE TABLE persona_versions (
    persona_id uuid        NOT NULL,
    version    text        NOT NULL,
    major      integer     NOT NULL,
    minor      integer     NOT NULL,
    patch      integer     NOT NULL,
    changelog  text        NOT NULL,
    files      jsonb       NOT NULL,
    downloads  bigint      NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (persona_id, version)
);
CREATE INDEX persona_versions_order ON persona_versions (persona_id, major DESC, minor DESC, patch DESC);

-- Each way a user got access (a free acquisition, each purchase); access lasts while one remains.
CREATE TABLE entitlement_grants (
    persona_id     uuid        NOT NULL,
    user_id        text        NOT NULL,
    grant_key      text        NOT NULL,
    source         text        NOT NULL,
    transaction_id text,
    amount         integer     NOT NULL DEFAULT 0,
    currency       text,
    granted_at     timestamptz NOT NULL,
    PRIMARY KEY (persona_id, user_id, grant_key)
);

-- One row per (persona, user) with access: the earliest active grant, for the library.
CREATE TABLE entitlements (
    persona_id     uuid        NOT NULL,
    user_id        text        NOT NULL,
    source         text        NOT NULL,
    transaction_id text,
    amount         integer     NOT NULL DEFAULT 0,
    currency       text,
    acquired_at    timestamptz NOT NULL,
    PRIMARY KEY (persona_id, user_id)
);
CREATE INDEX entitlements_library ON entitlements (user_id, acquired_at DESC, persona_id DESC);

CREATE TABLE reviews (
    id                uuid PRIMARY KEY,
    persona_id        uuid        NOT NULL,
    user_id           text        NOT NULL,
    rating            smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body              text        NOT NULL,
    verified_purchase boolean     NOT NULL,
    helpful_count     integer     NOT NULL DEFAULT 0,
    response_body     text,
    response_at       timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX reviews_newest ON reviews (persona_id, created_at DESC, id DESC);
CREATE INDEX reviews_helpful ON reviews (persona_id, helpful_count DESC, created_at DESC, id DESC);

CREATE TABLE review_votes (
    review_id uuid NOT NULL,
    user_id   text NOT NULL,
    PRIMARY KEY (review_id, user_id)
);

CREATE TABLE reports (
    id          uuid PRIMARY KEY,
    target_type text        NOT NULL,
    target_id   uuid        NOT NULL,
    persona_id  uuid,
    reporter_id text        NOT NULL,
    reason      text        NOT NULL,
    details     text,
    status      text        NOT NULL DEFAULT 'open',
    action      text,
    note        text,
    resolver_id text,
    created_at  timestamptz NOT NULL,
    resolved_at timestamptz
);
CREATE INDEX reports_queue ON reports (status, created_at, id);
CREATE INDEX reports_open_by_target ON reports (target_id, reporter_id) WHERE status = 'open';

CREATE TABLE collections (
    slug        text PRIMARY KEY,
    title       text        NOT NULL,
    description text        NOT NULL,
    persona_ids uuid[]      NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Counts over the market, kept exact by the persona projections (see projections.py).
CREATE TABLE category_counts (
    category text PRIMARY KEY,
    n        integer NOT NULL
);
CREATE TABLE tag_counts (
    tag text PRIMARY KEY,
    n   integer NOT NULL
);
CREATE INDEX tag_counts_order ON tag_counts (n DESC, tag);

-- Usernames from identity (UserRegistered, ProfileUpdated), for creator names and filters.
CREATE TABLE users (
    id         text PRIMARY KEY,
    username   text        NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX users_username ON users (lower(username));
