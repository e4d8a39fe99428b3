-- Figures per UTC quarter hour instead of per UTC day, so a creator's figures can be summed by
-- the days of any time zone (every zone's offset is a multiple of 15 minutes). Existing daily
-- rows are kept at their day's first slot (00:00 UTC); `make analytics-rebuild` recounts them
-- exactly from the events and the view log.

CREATE TABLE persona_slots (
    persona_id   text        NOT NULL,
    slot         timestamptz NOT NULL,  -- start of the UTC quarter hour
    creator_id   text        NOT NULL,
    views        integer     NOT NULL DEFAULT 0,
    acquisitions integer     NOT NULL DEFAULT 0,  -- free acquisitions
    purchases    integer     NOT NULL DEFAULT 0,
    refunds      integer     NOT NULL DEFAULT 0,
    downloads    integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (persona_id, slot)
);
CREATE INDEX persona_slots_creator ON persona_slots (creator_id, slot);
INSERT INTO persona_slots
SELECT persona_id, day::timestamp AT TIME ZONE 'UTC', creator_id, views, acquisitions,
       purchases, refunds, downloads
FROM persona_daily;
DROP TABLE persona_daily;

CREATE TABLE revenue_slots (
    persona_id       text        NOT NULL,
    slot             timestamptz NOT NULL,
    currency         text        NOT NULL,
    creator_id       text        NOT NULL,
    gross            bigint      NOT NULL DEFAULT 0,
    creator_revenue  bigint      NOT NULL DEFAULT 0,
    refunded         bigint      NOT NULL DEFAULT 0,
    refunded_creator bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (persona_id, slot, currency)
);
CREATE INDEX revenue_slots_creator ON revenue_slots (creator_id, slot);
INSERT INTO revenue_slots
SELECT persona_id, day::timestamp AT TIME ZONE 'UTC', currency, creator_id, gross,
       creator_revenue, refunded, refunded_creator
FROM revenue_daily;
DROP TABLE revenue_daily;

CREATE TABLE source_slots (
    persona_id      text        NOT NULL,
    slot            timestamptz NOT NULL,
    source          text        NOT NULL,
    referrer_domain text        NOT NULL DEFAULT '',
    creator_id      text        NOT NULL,
    views           integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (persona_id, slot, source, referrer_domain)
);
CREATE INDEX source_slots_creator ON source_slots (creator_id, slot);
INSERT INTO source_slots
SELECT persona_id, day::timestamp AT TIME ZONE 'UTC', source, referrer_domain, creator_id, views
FROM source_daily;
DROP TABLE source_daily;

-- Distinct visitors: who viewed a persona in which quarter hour.
ALTER TABLE view_visitors RENAME COLUMN day TO slot;
ALTER TABLE view_visitors ALTER COLUMN slot TYPE timestamptz USING slot::timestamp AT TIME ZONE 'UTC';

CREATE TABLE follower_slots (
    creator_id text        NOT NULL,
    slot       timestamptz NOT NULL,
    gained     integer     NOT NULL DEFAULT 0,
    lost       integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (creator_id, slot)
);
INSERT INTO follower_slots
SELECT creator_id, day::timestamp AT TIME ZONE 'UTC', gained, lost FROM follower_daily;
DROP TABLE follower_daily;

-- A review's rating counts at the moment it was first posted.
ALTER TABLE reviews RENAME COLUMN day TO posted_at;
ALTER TABLE reviews ALTER COLUMN posted_at TYPE timestamptz
    USING posted_at::timestamp AT TIME ZONE 'UTC';
