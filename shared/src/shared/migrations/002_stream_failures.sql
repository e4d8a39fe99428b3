-- Stream messages a consumer gave up on after repeated handler failures (a stream cannot
-- dead-letter); kept for inspection and a manual replay.
CREATE TABLE stream_failures (
    consumer  text        NOT NULL,
    "offset"  bigint      NOT NULL,
    body      text        NOT NULL,
    error     text        NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, "offset")
);
