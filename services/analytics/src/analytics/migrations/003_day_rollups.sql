-- Rollups of the quarter-hour figures per UTC day and month, so that a year of a creator's
-- figures is ≤ 366 rows per series (a zone whose days are UTC days), and a year of top personas
-- is ≤ 12 month rows per persona plus the days and slots at the range's edges (any zone).
-- Written in the same statement as the slots they sum (`tables.py`); filled here from the slots.

CREATE TABLE creator_days (
    creator_id   text    NOT NULL,
    day          date    NOT NULL,  -- UTC day
    views        integer NOT NULL DEFAULT 0,
    acquisitions integer NOT NULL DEFAULT 0,
    purchases    integer NOT NULL DEFAULT 0,
    refunds      integer NOT NULL DEFAULT 0,
    downloads    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (creator_id, day)
);

CREATE TABLE creator_revenue_days (
    creator_id       text   NOT NULL,
    day              date   NOT NULL,
    currency         text   NOT NULL,
    gross            bigint NOT NULL DEFAULT 0,
    creator_revenue  bigint NOT NULL DEFAULT 0,
    refunded         bigint NOT NULL DEFAULT 0,
    refunded_creator bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (creator_id, day, currency)
);

-- Per persona: `day` and `month` (its first day) of UTC; read by creator, covering the sums.
CREATE TABLE persona_days (LIKE creator_days);
ALTER TABLE persona_days ADD COLUMN persona_id text NOT NULL, ADD PRIMARY KEY (persona_id, day);
CREATE INDEX persona_days_creator ON persona_days (creator_id, day)
    INCLUDE (persona_id, views, acquisitions, purchases, refunds, downloads);

CREATE TABLE persona_months (LIKE persona_days);
ALTER TABLE persona_months RENAME COLUMN day TO month;
ALTER TABLE persona_months ADD PRIMARY KEY (persona_id, month);
CREATE INDEX persona_months_creator ON persona_months (creator_id, month)
    INCLUDE (persona_id, views, acquisitions, purchases, refunds, downloads);

INSERT INTO persona_days (creator_id, day, persona_id, views, acquisitions, purchases, refunds,
                          downloads)
SELECT creator_id, (slot AT TIME ZONE 'UTC')::date, persona_id, sum(views), sum(acquisitions),
       sum(purchases), sum(refunds), sum(downloads)
FROM persona_slots GROUP BY 1, 2, 3;

INSERT INTO persona_months (creator_id, month, persona_id, views, acquisitions, purchases,
                            refunds, downloads)
SELECT creator_id, date_trunc('month', day)::date, persona_id, sum(views), sum(acquisitions),
       sum(purchases), sum(refunds), sum(downloads)
FROM persona_days GROUP BY 1, 2, 3;

INSERT INTO creator_days
SELECT creator_id, day, sum(views), sum(acquisitions), sum(purchases), sum(refunds), sum(downloads)
FROM persona_days GROUP BY 1, 2;

INSERT INTO creator_revenue_days
SELECT creator_id, (slot AT TIME ZONE 'UTC')::date, currency, sum(gross), sum(creator_revenue),
       sum(refunded), sum(refunded_creator)
FROM revenue_slots GROUP BY 1, 2, 3;
