-- The kernel's tables, the same in every service database.
CREATE TABLE events (
    global_position bigserial PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    stream_type     text        NOT NULL,
    stream_id       text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    type            text        NOT NULL,
    schema_version  integer     NOT NULL DEFAULT 1,
    data            jsonb       NOT NULL,
    metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE INDEX events_stream_type ON events (stream_type, global_position);

-- Written in the append's transaction; the relay publishes and deletes rows.
CREATE TABLE outbox (
    global_position bigint      PRIMARY KEY,
    event_id        uuid        NOT NULL,
    routing_key     text        NOT NULL,
    body            bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per handled message: a redelivery finds its row and is skipped.
CREATE TABLE inbox (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- Offsets of stream-queue consumers (analytics), stored with their projection updates.
CREATE TABLE stream_offsets (
    consumer   text PRIMARY KEY,
    "offset"   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
