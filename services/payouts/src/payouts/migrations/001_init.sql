-- Read models of the payouts service, all written by projections in the append's transaction
-- (rebuildable from `events`), except stripe_webhook_events (the webhook de-duplication record).

-- One row per creator with a Stripe Connect account.
CREATE TABLE payout_accounts (
    creator_id        text        PRIMARY KEY,
    stripe_account    text        NOT NULL UNIQUE,
    details_submitted boolean     NOT NULL DEFAULT false,
    payouts_enabled   boolean     NOT NULL DEFAULT false,
    transfers_active  boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

-- Each sale's net effect on its creator: the balance's pending/available split comes from here.
CREATE TABLE earning_txns (
    creator_id     text        NOT NULL,
    transaction_id text        NOT NULL,
    currency       text        NOT NULL,
    persona_id     text,
    gross          bigint      NOT NULL DEFAULT 0,
    fee            bigint      NOT NULL DEFAULT 0,
    earned         bigint      NOT NULL DEFAULT 0,
    reversed       bigint      NOT NULL DEFAULT 0,
    -- NULL while only a reversal is known (it then counts at once, as in the aggregate).
    available_at   timestamptz,
    PRIMARY KEY (creator_id, transaction_id)
);
CREATE INDEX earning_txns_by_creator ON earning_txns (creator_id, currency, available_at);

-- Every movement of a creator's money, newest first by position (the event's global position).
CREATE TABLE ledger_entries (
    position       bigint      PRIMARY KEY,
    creator_id     text        NOT NULL,
    currency       text        NOT NULL,
    kind           text        NOT NULL,  -- sale | refund | dispute | dispute_won | payout | payout_returned | payout_reversed
    transaction_id text,
    payout_id      text,
    reference      text,
    persona_id     text,
    gross          bigint      NOT NULL DEFAULT 0,  -- buyer money concerned (sale, refund, dispute)
    fee            bigint      NOT NULL DEFAULT 0,  -- platform fee taken (sale) or given back (refund)
    amount         bigint      NOT NULL,            -- signed effect on the creator's balance
    available_at   timestamptz,
    reason         text,
    occurred_at    timestamptz NOT NULL
);
CREATE INDEX ledger_entries_by_creator ON ledger_entries (creator_id, position DESC);
CREATE INDEX ledger_entries_by_month ON ledger_entries (creator_id, currency, occurred_at);

CREATE TABLE payouts (
    payout_id       text        PRIMARY KEY,
    creator_id      text        NOT NULL,
    amount          bigint      NOT NULL,
    currency        text        NOT NULL,
    status          text        NOT NULL,  -- requested | paid | failed
    reason          text,
    failure_code    text,
    destination     text,
    stripe_transfer text,
    reversed_amount bigint      NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    settled_at      timestamptz
);
CREATE INDEX payouts_by_creator ON payouts (creator_id, created_at DESC, payout_id DESC);
CREATE INDEX payouts_unsettled ON payouts (created_at) WHERE status = 'requested';

-- Stripe webhook events already handled (Stripe delivers at least once).
CREATE TABLE stripe_webhook_events (
    event_id    text        PRIMARY KEY,
    type        text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
