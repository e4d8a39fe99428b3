-- New versions of approved personas wait for review (README, "Lifecycle"); trusted creators'
-- versions skip it. Both are projections of `events`.
CREATE TABLE version_reviews (
    persona_id   uuid PRIMARY KEY,          -- at most one version waits per persona
    creator_id   text        NOT NULL,
    version      text        NOT NULL,
    changelog    text        NOT NULL,
    files        jsonb       NOT NULL,
    submitted_at timestamptz NOT NULL
);
CREATE INDEX version_reviews_oldest ON version_reviews (submitted_at, persona_id);

CREATE TABLE trusted_creators (
    creator_id text PRIMARY KEY,
    trusted_at timestamptz NOT NULL
);
