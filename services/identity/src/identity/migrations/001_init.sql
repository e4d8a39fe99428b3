-- Identity's tables. Read models (users, follows) are projections of `events`, written in the
-- append's transaction and rebuilt by `python -m identity rebuild-projections`. Credentials,
-- refresh families, one-time tokens and signing keys are plain tables: secrets, never events
-- (docs/adr/0003-identity-tokens.md).

-- Projection: one row per user (the lookups by e-mail and username, profiles, follower counts).
CREATE TABLE users (
    id              text        PRIMARY KEY,
    email           text        NOT NULL,   -- lower-cased
    username        text        NOT NULL,   -- lower-cased, ^[a-z0-9_]{3,30}$
    roles           text[]      NOT NULL DEFAULT ARRAY['user'],
    email_verified  boolean     NOT NULL DEFAULT false,
    bio             text,
    website         text,
    avatar_url      text,
    social_links    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    followers_count integer     NOT NULL DEFAULT 0,
    following_count integer     NOT NULL DEFAULT 0,
    suspended_at    timestamptz,
    suspend_reason  text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE UNIQUE INDEX users_username ON users (username);

-- Projection: who follows whom; `position` (the follow event's global position) orders lists.
CREATE TABLE follows (
    follower_id text        NOT NULL,
    followee_id text        NOT NULL,
    position    bigint      NOT NULL,
    followed_at timestamptz NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_by_followee ON follows (followee_id, position DESC);
CREATE INDEX follows_by_follower ON follows (follower_id, position DESC);

-- Credential: the argon2id hash of each user's password (never in an event).
CREATE TABLE credentials (
    user_id       text        PRIMARY KEY,
    password_hash text        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One family per login; every refresh token of the family shares its fate.
CREATE TABLE refresh_families (
    id                text        PRIMARY KEY,  -- the access tokens' `sid`
    user_id           text        NOT NULL,
    created_at        timestamptz NOT NULL,
    last_used_at      timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,     -- absolute lifetime
    access_expires_at timestamptz NOT NULL,     -- when its newest access token expires
    revoked_at        timestamptz,
    revoke_reason     text
);
CREATE INDEX refresh_families_by_user ON refresh_families (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens, stored as SHA-256 of the opaque token; a used one presented again revokes
-- its family.
CREATE TABLE refresh_tokens (
    token_hash bytea       PRIMARY KEY,
    family_id  text        NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);

-- E-mail verification and password-reset tokens: SHA-256 only, single use, expiring.
CREATE TABLE one_time_tokens (
    token_hash bytea       PRIMARY KEY,
    user_id    text        NOT NULL,
    purpose    text        NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    email      text        NOT NULL,            -- the address it was sent to
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX one_time_tokens_by_user ON one_time_tokens (user_id, purpose, created_at DESC);

-- RS256 signing keys. `private_pem` is NULL when the private key lives outside the database
-- (production: IDENTITY_JWT_PRIVATE_KEY). The key with the latest `activates_at` not in the future
-- signs; each replaced key stays published until well after its last token expired.
CREATE TABLE signing_keys (
    kid          text        PRIMARY KEY,
    public_jwk   jsonb       NOT NULL,
    private_pem  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    activates_at timestamptz NOT NULL
);
