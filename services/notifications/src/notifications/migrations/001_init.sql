-- Notifications keeps its own copy of the facts it needs from other services' events
-- (no service reads another's tables) plus its own state: notifications, mail, digests, fan-outs.

-- From identity: where to write and what to call people.
CREATE TABLE users (
    user_id   text PRIMARY KEY,
    email     text NOT NULL,
    username  text NOT NULL
);

-- From catalog: personas (name, creator, whether it is on the market).
CREATE TABLE personas (
    persona_id  text PRIMARY KEY,
    creator_id  text NOT NULL,
    name        text NOT NULL,
    status      text NOT NULL DEFAULT 'draft'
);

-- From catalog: who may download a persona (new-version fan-out recipients).
CREATE TABLE entitlements (
    persona_id  text NOT NULL,
    user_id     text NOT NULL,
    PRIMARY KEY (persona_id, user_id)
);

-- From identity: who follows whom.
CREATE TABLE follows (
    follower_id text NOT NULL,
    followee_id text NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_by_followee ON follows (followee_id);

-- From catalog: review authors (a creator's reply notifies the reviewer) and report authors.
CREATE TABLE reviews (
    review_id  text PRIMARY KEY,
    persona_id text NOT NULL,
    user_id    text NOT NULL
);
CREATE TABLE reports (
    report_id   text PRIMARY KEY,
    reporter_id text NOT NULL,
    target_type text NOT NULL,
    persona_id  text
);

-- In-app notifications. Similar unread ones share a `group_key` and are folded into one row
-- whose `count` grows ("3 new followers"); `dedupe_key` makes each source notify once.
CREATE TABLE notifications (
    id          bigserial   PRIMARY KEY,
    user_id     text        NOT NULL,
    category    text        NOT NULL,
    kind        text        NOT NULL,
    title       text        NOT NULL,
    body        text        NOT NULL DEFAULT '',
    link        text,
    data        jsonb       NOT NULL DEFAULT '{}',
    group_key   text,
    count       integer     NOT NULL DEFAULT 1,
    dedupe_key  text        NOT NULL,
    read_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_by_user ON notifications (user_id, updated_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_open_group ON notifications (user_id, group_key)
    WHERE read_at IS NULL AND group_key IS NOT NULL;
-- Every source event key folded into a grouped row, so a redelivery never counts twice.
CREATE TABLE notification_sources (
    user_id    text NOT NULL,
    dedupe_key text NOT NULL,
    PRIMARY KEY (user_id, dedupe_key)
);

-- Per-user choices; a missing row means the category's default.
CREATE TABLE preferences (
    user_id  text NOT NULL,
    category text NOT NULL,
    channel  text NOT NULL CHECK (channel IN ('in_app', 'email', 'digest', 'off')),
    PRIMARY KEY (user_id, category)
);

-- Mail waiting to go out. Drained by a background job claiming rows with SKIP LOCKED; failures
-- wait `next_attempt_at` (exponential backoff). The address is looked up when sending, so mail
-- for a user whose registration has not arrived yet simply waits.
CREATE TABLE mail_outbox (
    id              bigserial   PRIMARY KEY,
    user_id         text        NOT NULL,
    category        text        NOT NULL,
    template        text        NOT NULL,
    context         jsonb       NOT NULL,
    dedupe_key      text        NOT NULL UNIQUE,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at, id) WHERE status = 'pending';

-- Things waiting for a user's daily digest; `digest_day` set once a digest took them.
CREATE TABLE digest_items (
    id          bigserial   PRIMARY KEY,
    user_id     text        NOT NULL,
    category    text        NOT NULL,
    title       text        NOT NULL,
    link        text,
    dedupe_key  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    digest_day  date,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX digest_items_waiting ON digest_items (user_id) WHERE digest_day IS NULL;
-- One digest per user and day, ever.
CREATE TABLE digests (
    user_id  text NOT NULL,
    day      date NOT NULL,
    items    integer NOT NULL,
    sent_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, day)
);

-- New-version fan-outs, processed in batches by a worker; `cursor` (the last user id done) and
-- `done` move in the same transaction as the batch's notifications, so a kill loses nothing.
CREATE TABLE fanouts (
    id          bigserial   PRIMARY KEY,
    source_key  text        NOT NULL UNIQUE,
    persona_id  text        NOT NULL,
    creator_id  text        NOT NULL,
    version     text        NOT NULL,
    changelog   text        NOT NULL DEFAULT '',
    total       integer     NOT NULL DEFAULT 0,
    done        integer     NOT NULL DEFAULT 0,
    cursor      text        NOT NULL DEFAULT '',
    status      text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX fanouts_pending ON fanouts (id) WHERE status = 'pending';

-- The activity feed: what creators did, shown to their followers.
CREATE TABLE feed_items (
    id          bigserial   PRIMARY KEY,
    actor_id    text        NOT NULL,
    kind        text        NOT NULL,  -- persona | version | review
    persona_id  text        NOT NULL,
    title       text        NOT NULL,
    body        text        NOT NULL DEFAULT '',
    data        jsonb       NOT NULL DEFAULT '{}',
    source_key  text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feed_items_by_actor ON feed_items (actor_id, id DESC);
-- Persona versions, so the library can show "Updated: v1.2.0".
CREATE TABLE persona_versions (
    persona_id   text NOT NULL,
    version      text NOT NULL,
    changelog    text NOT NULL DEFAULT '',
    published_at timestamptz NOT NULL,
    PRIMARY KEY (persona_id, version)
);
