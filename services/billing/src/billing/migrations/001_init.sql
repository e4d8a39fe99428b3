-- Read model of every checkout, rebuilt from the `transaction` streams (see projections.py).
CREATE TABLE transactions (
    id                     text        PRIMARY KEY,
    buyer_id               text        NOT NULL,
    persona_id             text        NOT NULL,
    creator_id             text        NOT NULL,
    persona_name           text        NOT NULL DEFAULT '',
    amount                 bigint      NOT NULL CHECK (amount >= 0),
    currency               text        NOT NULL,
    fee_rate_bps           integer     NOT NULL,
    platform_fee           bigint      NOT NULL,
    creator_revenue        bigint      NOT NULL,
    tax                    bigint      NOT NULL DEFAULT 0,
    amount_total           bigint      NOT NULL,
    status                 text        NOT NULL,
    session_id             text        NOT NULL UNIQUE,
    checkout_url           text,
    expires_at             timestamptz,
    payment_intent         text,
    charge_id              text,
    receipt_url            text,
    card_brand             text,
    card_last4             text,
    failure_reason         text,
    refunded_amount        bigint      NOT NULL DEFAULT 0,
    creator_refunded       bigint      NOT NULL DEFAULT 0,
    refunds                jsonb       NOT NULL DEFAULT '[]'::jsonb,
    dispute_id             text,
    dispute_status         text,
    dispute_amount         bigint      NOT NULL DEFAULT 0,
    dispute_creator_amount bigint      NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL,
    completed_at           timestamptz,
    updated_at             timestamptz NOT NULL,
    version                integer     NOT NULL,
    CONSTRAINT transactions_split_adds_up CHECK (platform_fee + creator_revenue = amount)
);
CREATE INDEX transactions_by_buyer ON transactions (buyer_id, created_at DESC, id DESC);
CREATE INDEX transactions_by_buyer_persona ON transactions (buyer_id, persona_id, status);
CREATE INDEX transactions_by_payment_intent ON transactions (payment_intent)
    WHERE payment_intent IS NOT NULL;
CREATE INDEX transactions_by_created ON transactions (created_at DESC, id DESC);
CREATE INDEX transactions_by_status ON transactions (status, created_at DESC, id DESC);

-- Sale terms from catalog's events (PersonaApproved/Updated/Suspended/Deleted). `source_*` is the
-- catalog stream position last applied, so a stale event never overwrites a newer one.
CREATE TABLE personas (
    persona_id     text        PRIMARY KEY,
    creator_id     text        NOT NULL,
    name           text        NOT NULL DEFAULT '',
    price_cents    bigint      NOT NULL DEFAULT 0,
    currency       text        NOT NULL DEFAULT 'usd',
    status         text        NOT NULL,
    source_stream  text,
    source_version integer     NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Access gained outside billing (catalog.PersonaAcquired, e.g. free personas).
CREATE TABLE acquisitions (
    user_id     text        NOT NULL,
    persona_id  text        NOT NULL,
    source      text        NOT NULL,
    acquired_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, persona_id)
);

-- Stripe events already applied: inserted in the same transaction as their effect, so a
-- redelivered (or concurrently duplicated) event finds its row and changes nothing.
CREATE TABLE stripe_events (
    event_id       text        PRIMARY KEY,
    type           text        NOT NULL,
    transaction_id text,
    processed_at   timestamptz NOT NULL DEFAULT now()
);
