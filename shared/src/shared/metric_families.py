"""Every metric the platform exports (prometheus-client objects, one per family), re-exported by
`shared.metrics`. Every metric carries a `service` label (the producing service); sampled gauges
say how several workers' values merge (`multiprocess_mode`, see shared/metrics.py)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# --- HTTP (every service and the gateway) -----------------------------------------------------
HTTP_REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Time from request to the end of the response, by route template and status.",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# --- outbox relay -----------------------------------------------------------------------------
OUTBOX_DEPTH = Gauge(
    "outbox_depth",
    "Outbox rows not yet published (sampled).",
    ["service"],
    multiprocess_mode="livemax",
)
OUTBOX_LAG_SECONDS = Gauge(
    "outbox_relay_lag_seconds",
    "Age of the oldest unpublished outbox row; 0 when the outbox is empty (sampled).",
    ["service"],
    multiprocess_mode="livemax",
)
OUTBOX_PUBLISHED = Counter(
    "outbox_published", "Events the relay published with a broker confirm.", ["service"]
)

# --- queue consumers --------------------------------------------------------------------------
CONSUMER_LAG = Gauge(
    "consumer_lag_messages",
    "Messages waiting in a consumer's queue, not yet delivered (sampled).",
    ["service", "queue"],
    multiprocess_mode="livemax",
)
DLQ_DEPTH = Gauge(
    "dlq_depth_messages",
    "Messages in a consumer's dead-letter queue (sampled).",
    ["service", "queue"],
    multiprocess_mode="livemax",
)
CONSUMER_SECONDS = Histogram(
    "consumer_processing_seconds",
    "Time to handle one message (inbox transaction included), by queue and outcome.",
    ["service", "queue", "outcome"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# --- stream readers (analytics) ---------------------------------------------------------------
STREAM_OFFSET_LAG = Gauge(
    "stream_offset_lag",
    "Stream offsets between the stream's end and the consumer's committed offset (sampled).",
    ["service", "consumer"],
    multiprocess_mode="livemax",
)
STREAM_BATCH_SECONDS = Histogram(
    "stream_batch_seconds",
    "Time to apply one batch of stream messages.",
    ["service", "consumer"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

# --- identity: argon2 hashing pool ------------------------------------------------------------
ARGON2_IN_FLIGHT = Gauge(
    "argon2_in_flight",
    "Password hashes running or queued in the bounded argon2 pool (sampled).",
    ["service"],
    multiprocess_mode="livesum",
)
ARGON2_CAPACITY = Gauge(
    "argon2_capacity",
    "Hashes the argon2 pool admits (workers + queue) before it refuses.",
    ["service"],
    multiprocess_mode="livesum",
)
ARGON2_REJECTED = Counter(
    "argon2_rejected", "Hash requests refused because the pool was full (429).", ["service"]
)

# --- generation -------------------------------------------------------------------------------
GENERATION_TTFT_SECONDS = Histogram(
    "generation_time_to_first_token_seconds",
    "Time from the start of a generation to its first token.",
    ["service", "provider"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
GENERATION_TOKENS_PER_SECOND = Histogram(
    "generation_tokens_per_second",
    "Output tokens per second after the first token, per finished generation.",
    ["service", "provider"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
GENERATIONS = Counter(
    "generations", "Generations finished, by outcome.", ["service", "provider", "status"]
)

# --- payouts ----------------------------------------------------------------------------------
PAYOUTS_BY_STATUS = Gauge(
    "payouts_by_status",
    "Payouts per status: requested, paid, failed (sampled).",
    ["service", "status"],
    multiprocess_mode="livemax",
)
PAYOUT_AMOUNT_CENTS_BY_STATUS = Gauge(
    "payouts_amount_cents_by_status",
    "Sum of payout amounts in cents per status (sampled).",
    ["service", "status"],
    multiprocess_mode="livemax",
)
