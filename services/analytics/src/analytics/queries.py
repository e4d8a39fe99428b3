"""Read side: figures over a range for a creator or one persona, and the daily CSV rows.

`scope` is ("creator_id", id) or ("persona_id", id); both columns exist on every figure table,
so one set of queries serves the overview and the persona page. Ranges are days of the time zone
`tz` (an IANA name, checked by the route): the quarter-hour slots from the first day's local
midnight to the midnight after the last day, grouped by the local day (or its week or month).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import asyncpg

Granularity = Literal["day", "week", "month"]
Scope = tuple[Literal["creator_id", "persona_id"], str]

COUNTERS = ("views", "acquisitions", "purchases", "refunds", "downloads")


async def as_of(conn: asyncpg.Connection | asyncpg.Pool) -> datetime | None:
    value: datetime | None = await conn.fetchval("SELECT event_at FROM applied")
    return value


def _periods_sql() -> str:
    return (
        "SELECT generate_series(date_trunc($3, $1::date), $2::date, ('1 ' || $3)::interval)::date"
        " AS period"
    )


# $1 first day, $2 last day, $5 the zone: the slots of those local days, and their period ($3).
IN_RANGE = (
    "slot >= $1::date::timestamp AT TIME ZONE $5::text"
    " AND slot < ($2::date + 1)::timestamp AT TIME ZONE $5::text"
)
PERIOD = "date_trunc($3, slot AT TIME ZONE $5::text)::date"


async def series(
    conn: asyncpg.Connection,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity,
    tz: str = "UTC",
) -> list[dict[str, Any]]:
    col, value = scope
    counters = ", ".join(f"coalesce(sum({c}), 0)::bigint AS {c}" for c in COUNTERS)
    visitors_join = (
        "JOIN personas p ON p.persona_id = v.persona_id AND p.creator_id = $4"
        if col == "creator_id"
        else ""
    )
    visitors_filter = "" if col == "creator_id" else "AND v.persona_id = $4"
    rows = await conn.fetch(
        f"WITH periods AS ({_periods_sql()}),"
        f" d AS (SELECT {PERIOD} AS period, {counters}"
        f"  FROM persona_slots WHERE {col} = $4 AND {IN_RANGE} GROUP BY 1),"
        f" u AS (SELECT date_trunc($3, v.slot AT TIME ZONE $5::text)::date AS period,"
        "  count(DISTINCT v.visitor) AS unique_viewers FROM view_visitors v"
        f"  {visitors_join} WHERE {IN_RANGE.replace('slot', 'v.slot')} {visitors_filter}"
        "  GROUP BY 1),"
        " r AS (SELECT date_trunc($3, posted_at AT TIME ZONE $5::text)::date AS period,"
        f"  count(*) AS ratings, avg(rating)::float AS rating_average FROM reviews"
        f"  WHERE {col} = $4 AND {IN_RANGE.replace('slot', 'posted_at')} GROUP BY 1)"
        " SELECT p.period, "
        + ", ".join(f"coalesce(d.{c}, 0) AS {c}" for c in COUNTERS)
        + ", coalesce(u.unique_viewers, 0) AS unique_viewers,"
        " coalesce(r.ratings, 0) AS rating_count, r.rating_average"
        " FROM periods p LEFT JOIN d USING (period) LEFT JOIN u USING (period)"
        " LEFT JOIN r USING (period) ORDER BY p.period",
        start,
        end,
        granularity,
        value,
        tz,
    )
    revenue = await conn.fetch(
        f"SELECT {PERIOD} AS period, currency, sum(gross)::bigint AS gross,"
        " sum(creator_revenue)::bigint AS creator_revenue, sum(refunded)::bigint AS refunded,"
        " sum(refunded_creator)::bigint AS refunded_creator FROM revenue_slots"
        f" WHERE {col} = $4 AND {IN_RANGE} GROUP BY 1, 2 ORDER BY 1, 2",
        start,
        end,
        granularity,
        value,
        tz,
    )
    by_period: dict[date, list[dict[str, Any]]] = {}
    for r in revenue:
        by_period.setdefault(r["period"], []).append(_money(r))
    out = []
    for row in rows:
        item = dict(row)
        item["revenue"] = by_period.get(row["period"], [])
        item["conversion"] = conversion(item)
        out.append(item)
    return out


def conversion(figures: dict[str, Any]) -> float | None:
    """Acquisitions and purchases per view (None without views)."""
    views = int(figures.get("views") or 0)
    if not views:
        return None
    return round((int(figures["acquisitions"]) + int(figures["purchases"])) / views, 4)


def _money(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "currency": r["currency"],
        "gross": int(r["gross"]),
        "creator_revenue": int(r["creator_revenue"]),
        "refunded": int(r["refunded"]),
        "refunded_creator": int(r["refunded_creator"]),
    }


async def totals(
    conn: asyncpg.Connection,
    scope: Scope,
    start: date,
    end: date,
    tz: str = "UTC",
    periods: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The whole range at once (unique viewers are distinct over the range, not summed).
    `periods`: the range's series at any granularity, if the caller has it already (counters
    and money are sums, so they are added up from it instead of read again)."""
    rows = periods if periods is not None else await series(conn, scope, start, end, "month", tz)
    col, value = scope
    out: dict[str, Any] = {c: sum(int(r[c]) for r in rows) for c in COUNTERS}
    visitors_join = (
        "JOIN personas p ON p.persona_id = v.persona_id AND p.creator_id = $3"
        if col == "creator_id"
        else ""
    )
    in_range = IN_RANGE.replace("$5", "$4")
    out["unique_viewers"] = await conn.fetchval(
        f"SELECT count(DISTINCT v.visitor) FROM view_visitors v {visitors_join}"
        f" WHERE {in_range.replace('slot', 'v.slot')}"
        + ("" if col == "creator_id" else " AND v.persona_id = $3"),
        start,
        end,
        value,
        tz,
    )
    money: dict[str, dict[str, Any]] = {}
    for r in rows:
        for m in r["revenue"]:
            total = money.setdefault(
                m["currency"], dict.fromkeys(m, 0) | {"currency": m["currency"]}
            )
            for k in ("gross", "creator_revenue", "refunded", "refunded_creator"):
                total[k] += m[k]
    out["revenue"] = [money[c] for c in sorted(money)]
    rating = await conn.fetchrow(
        f"SELECT count(*) AS n, avg(rating)::float AS average FROM reviews WHERE {col} = $3"
        f" AND {in_range.replace('slot', 'posted_at')}",
        start,
        end,
        value,
        tz,
    )
    out["rating_count"] = rating["n"]
    out["rating_average"] = round(rating["average"], 2) if rating["average"] is not None else None
    out["conversion"] = conversion(out)
    return out


async def sources(
    conn: asyncpg.Connection, scope: Scope, start: date, end: date, tz: str = "UTC"
) -> list[dict[str, Any]]:
    col, value = scope
    rows = await conn.fetch(
        "SELECT source, referrer_domain, sum(views)::bigint AS views FROM source_slots"
        f" WHERE {col} = $3 AND {IN_RANGE.replace('$5', '$4')} GROUP BY 1, 2"
        " ORDER BY views DESC, source, referrer_domain LIMIT 50",
        start,
        end,
        value,
        tz,
    )
    return [dict(r) for r in rows]


async def followers(
    conn: asyncpg.Connection,
    creator_id: str,
    start: date,
    end: date,
    granularity: Granularity,
    tz: str = "UTC",
) -> list[dict[str, Any]]:
    """Followers gained and lost per period, and the running total at each period's end."""
    rows = await conn.fetch(
        f"WITH periods AS ({_periods_sql()}),"
        f" f AS (SELECT {PERIOD} AS period, sum(gained)::bigint AS gained,"
        "  sum(lost)::bigint AS lost FROM follower_slots WHERE creator_id = $4"
        f"  AND {IN_RANGE} GROUP BY 1),"
        " base AS (SELECT coalesce(sum(gained - lost), 0)::bigint AS n FROM follower_slots"
        "  WHERE creator_id = $4 AND slot < $1::date::timestamp AT TIME ZONE $5::text)"
        " SELECT p.period, coalesce(f.gained, 0) AS gained, coalesce(f.lost, 0) AS lost,"
        " (SELECT n FROM base) + sum(coalesce(f.gained, 0) - coalesce(f.lost, 0))"
        "  OVER (ORDER BY p.period) AS total"
        " FROM periods p LEFT JOIN f USING (period) ORDER BY p.period",
        start,
        end,
        granularity,
        creator_id,
        tz,
    )
    return [{**dict(r), "total": int(r["total"])} for r in rows]


async def top_personas(
    conn: asyncpg.Connection,
    creator_id: str,
    start: date,
    end: date,
    tz: str = "UTC",
    limit: int = 10,
) -> list[dict[str, Any]]:
    """The creator's personas by purchases, then acquisitions, then views in the range."""
    rows = await conn.fetch(
        # Materialized: aggregated once, then joined (a fresh table without statistics got
        # a nested loop re-aggregating it for every persona).
        "WITH d AS MATERIALIZED (SELECT persona_id,"
        + ", ".join(f" sum({c})::bigint AS {c}" for c in COUNTERS)
        + " FROM persona_slots WHERE creator_id = $1"
        " AND slot >= $2::date::timestamp AT TIME ZONE $5::text"
        " AND slot < ($3::date + 1)::timestamp AT TIME ZONE $5::text GROUP BY persona_id)"
        " SELECT p.persona_id, p.name,"
        + ", ".join(f" coalesce(d.{c}, 0)::bigint AS {c}" for c in COUNTERS)
        + " FROM personas p LEFT JOIN d USING (persona_id) WHERE p.creator_id = $1"
        " ORDER BY purchases DESC, acquisitions DESC, downloads DESC, views DESC, p.persona_id"
        " LIMIT $4",
        creator_id,
        start,
        end,
        limit,
        tz,
    )
    return [{**dict(r), "conversion": conversion(dict(r))} for r in rows]


async def persona(
    conn: asyncpg.Connection | asyncpg.Pool, persona_id: str
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT persona_id, creator_id, name, status, deleted FROM personas WHERE persona_id = $1",
        persona_id,
    )
    return row


async def daily_rows(
    conn: asyncpg.Connection, creator_id: str, start: date, end: date, tz: str = "UTC"
) -> list[asyncpg.Record]:
    """One row per persona, local day and currency (a day without money has an empty
    currency)."""
    day = "(slot AT TIME ZONE $4::text)::date"
    in_range = IN_RANGE.replace("$5", "$4")
    rows: list[asyncpg.Record] = await conn.fetch(
        f"WITH d AS MATERIALIZED (SELECT persona_id, {day} AS day,"
        + ", ".join(f" sum({c})::bigint AS {c}" for c in COUNTERS)
        + f" FROM persona_slots WHERE creator_id = $3 AND {in_range} GROUP BY 1, 2),"
        f" u AS MATERIALIZED (SELECT v.persona_id, {day.replace('slot', 'v.slot')} AS day,"
        "  count(DISTINCT v.visitor) AS unique_viewers FROM view_visitors v"
        "  JOIN personas p ON p.persona_id = v.persona_id AND p.creator_id = $3"
        f"  WHERE {in_range.replace('slot', 'v.slot')} GROUP BY 1, 2),"
        f" r AS MATERIALIZED (SELECT persona_id, {day} AS day, currency,"
        " sum(gross)::bigint AS gross,"
        "  sum(creator_revenue)::bigint AS creator_revenue, sum(refunded)::bigint AS refunded,"
        "  sum(refunded_creator)::bigint AS refunded_creator FROM revenue_slots"
        f"  WHERE creator_id = $3 AND {in_range} GROUP BY 1, 2, 3)"
        " SELECT d.day, d.persona_id, coalesce(p.name, '') AS name, d.views,"
        " coalesce(u.unique_viewers, 0) AS unique_viewers, d.acquisitions, d.purchases,"
        " d.refunds, d.downloads, coalesce(r.currency, '') AS currency,"
        " coalesce(r.gross, 0) AS gross, coalesce(r.creator_revenue, 0) AS creator_revenue,"
        " coalesce(r.refunded, 0) AS refunded, coalesce(r.refunded_creator, 0) AS"
        " refunded_creator"
        " FROM d LEFT JOIN personas p USING (persona_id) LEFT JOIN u USING (persona_id, day)"
        " LEFT JOIN r USING (persona_id, day)"
        " ORDER BY d.day, d.persona_id, currency",
        start,
        end,
        creator_id,
        tz,
    )
    return rows
