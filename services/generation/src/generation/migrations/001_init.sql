-- What generation knows about personas, from catalog's events (consumers.py).
CREATE TABLE personas (
    persona_id     text PRIMARY KEY,
    creator_id     text        NOT NULL,
    name           text        NOT NULL,
    latest_version text,
    deleted        boolean     NOT NULL DEFAULT false,
    -- set by the creator through generation's API (try before you buy)
    tryouts        boolean     NOT NULL DEFAULT false
);

-- One row per way a user got access (free acquisition, each purchase); access lasts while one
-- unrevoked row remains.
CREATE TABLE entitlement_grants (
    persona_id text    NOT NULL,
    user_id    text    NOT NULL,
    grant_key  text    NOT NULL,
    revoked    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (persona_id, user_id, grant_key)
);

-- Versions are immutable: their file lists and the files themselves are cached for good.
CREATE TABLE persona_versions (
    persona_id text  NOT NULL,
    version    text  NOT NULL,
    files      jsonb NOT NULL,
    PRIMARY KEY (persona_id, version)
);

CREATE TABLE file_cache (
    sha256    text PRIMARY KEY,
    content   text        NOT NULL,
    cached_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE templates (
    id            uuid PRIMARY KEY,
    owner_id      text        NOT NULL,
    name          text        NOT NULL,
    description   text        NOT NULL,
    body          text        NOT NULL,
    params_schema jsonb       NOT NULL,
    version       integer     NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    deleted_at    timestamptz
);
CREATE INDEX templates_by_owner ON templates (owner_id, created_at DESC, id DESC);

CREATE TABLE template_versions (
    template_id   uuid    NOT NULL REFERENCES templates (id),
    version       integer NOT NULL,
    name          text    NOT NULL,
    body          text    NOT NULL,
    params_schema jsonb   NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE batches (
    id         uuid PRIMARY KEY,
    user_id    text        NOT NULL,
    spec       jsonb       NOT NULL,
    total      integer     NOT NULL,
    status     text        NOT NULL,  -- running | done | cancelled
    created_at timestamptz NOT NULL
);
CREATE INDEX batches_by_user ON batches (user_id, created_at DESC, id DESC);

CREATE TABLE schedules (
    id          uuid PRIMARY KEY,
    user_id     text        NOT NULL,
    spec        jsonb       NOT NULL,
    cron        text,
    timezone    text        NOT NULL,
    next_run_at timestamptz,            -- NULL once a one-off ran or the schedule was deleted
    status      text        NOT NULL,   -- active | done | deleted
    last_run_at timestamptz,
    created_at  timestamptz NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE status = 'active';
CREATE INDEX schedules_by_user ON schedules (user_id, created_at DESC, id DESC);

-- Generations are private content: plain rows (deletable), never events on the bus; the event
-- store only carries GenerationCompleted (no prompt, no output).
CREATE TABLE generations (
    id               uuid PRIMARY KEY,
    user_id          text        NOT NULL,
    persona_id       text        NOT NULL,
    persona_version  text        NOT NULL,
    persona_name     text        NOT NULL,
    template_id      text        NOT NULL,
    template_version integer     NOT NULL,
    template_name    text        NOT NULL,
    params           jsonb       NOT NULL,
    system_prompt    text        NOT NULL,
    prompt           text        NOT NULL,
    provider         text        NOT NULL,
    model            text        NOT NULL,
    temperature      real        NOT NULL,
    seed             bigint,
    max_tokens       integer     NOT NULL,
    output           text        NOT NULL DEFAULT '',
    tokens_in        integer     NOT NULL DEFAULT 0,
    tokens_out       integer     NOT NULL DEFAULT 0,
    ttft_ms          integer,
    tokens_per_s     real,
    status           text        NOT NULL,  -- running | completed | cancelled | failed
    error_code       text,
    error            text,
    cancel_requested boolean     NOT NULL DEFAULT false,
    favourite        boolean     NOT NULL DEFAULT false,
    -- deleted: content wiped, row kept so today's limits still count it
    deleted          boolean     NOT NULL DEFAULT false,
    tryout           boolean     NOT NULL DEFAULT false,
    rerun_of         uuid,
    batch_id         uuid,
    batch_item       integer,
    schedule_id      uuid,
    schedule_due     timestamptz,
    created_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    search           tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(output, '') || ' ' || coalesce(persona_name, '') || ' '
                    || coalesce(template_name, ''))
    ) STORED
);
CREATE INDEX generations_by_user ON generations (user_id, created_at DESC, id DESC) WHERE NOT deleted;
CREATE INDEX generations_recent ON generations (user_id, created_at);
CREATE INDEX generations_search ON generations USING gin (search);
-- at most one generation per batch item and per scheduled run
CREATE UNIQUE INDEX generations_batch_item ON generations (batch_id, batch_item)
    WHERE batch_id IS NOT NULL;
CREATE UNIQUE INDEX generations_schedule_run ON generations (schedule_id, schedule_due)
    WHERE schedule_id IS NOT NULL;

CREATE TABLE batch_items (
    batch_id      uuid        NOT NULL REFERENCES batches (id),
    idx           integer     NOT NULL,
    params        jsonb       NOT NULL,
    status        text        NOT NULL,  -- pending | running | done | failed | cancelled
    generation_id uuid,
    claim         uuid,                  -- the worker's claim; only it may finish the item
    claimed_until timestamptz,           -- a running item past this is taken over
    attempts      integer     NOT NULL DEFAULT 0,
    error         text,
    PRIMARY KEY (batch_id, idx)
);
CREATE INDEX batch_items_open ON batch_items (batch_id, idx) WHERE status IN ('pending', 'running');

-- One row per (schedule, due time): a due run is generated at most once.
CREATE TABLE schedule_runs (
    schedule_id   uuid        NOT NULL REFERENCES schedules (id),
    due_at        timestamptz NOT NULL,
    status        text        NOT NULL,  -- pending | running | done | failed | cancelled
    generation_id uuid,
    claim         uuid,
    claimed_until timestamptz,
    attempts      integer     NOT NULL DEFAULT 0,
    error         text,
    PRIMARY KEY (schedule_id, due_at)
);
CREATE INDEX schedule_runs_open ON schedule_runs (due_at) WHERE status IN ('pending', 'running');
