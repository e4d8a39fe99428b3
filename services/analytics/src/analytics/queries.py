"""Read side: figures over a range for a creator or one persona, and the daily CSV rows.

`scope` is ("creator_id", id) or ("persona_id", id); both columns exist on every daily table, so
one set of queries serves the overview and the persona page.
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


async def series(
    conn: asyncpg.Connection, scope: Scope, start: date, end: date, granularity: Granularity
) -> list[dict[str, Any]]:
    col, value = scope
    counters = ", ".join(f"coalesce(sum(d.{c}), 0)::bigint AS {c}" for c in COUNTERS)
    visitors_join = (
        "JOIN personas p ON p.persona_id = v.persona_id AND p.creator_id = $4"
        if col == "creator_id"
        else ""
    )
    visitors_filter = "" if col == "creator_id" else "AND v.persona_id = $4"
    rows = await conn.fetch(
        f"WITH periods AS ({_periods_sql()}),"
        f" d AS (SELECT date_trunc($3, day)::date AS period, {counters.replace('d.', '')}"
        f"  FROM persona_daily WHERE {col} = $4 AND day BETWEEN $1 AND $2 GROUP BY 1),"
        " u AS (SELECT date_trunc($3, v.day)::date AS period,"
        "  count(DISTINCT v.visitor) AS unique_viewers FROM view_visitors v"
        f"  {visitors_join} WHERE v.day BETWEEN $1 AND $2 {visitors_filter} GROUP BY 1),"
        " r AS (SELECT date_trunc($3, day)::date AS period, count(*) AS ratings,"
        f"  avg(rating)::float AS rating_average FROM reviews WHERE {col} = $4"
        "  AND day BETWEEN $1 AND $2 GROUP BY 1)"
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
    )
    revenue = await conn.fetch(
        "SELECT date_trunc($3, day)::date AS period, currency, sum(gross)::bigint AS gross,"
        " sum(creator_revenue)::bigint AS creator_revenue, sum(refunded)::bigint AS refunded,"
        " sum(refunded_creator)::bigint AS refunded_creator FROM revenue_daily"
        f" WHERE {col} = $4 AND day BETWEEN $1 AND $2 GROUP BY 1, 2 ORDER BY 1, 2",
        start,
        end,
        granularity,
        value,
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


async def totals(conn: asyncpg.Connection, scope: Scope, start: date, end: date) -> dict[str, Any]:
    """The whole range at once (unique viewers are distinct over the range, not summed)."""
    rows = await series(conn, scope, start, end, "month")
    col, value = scope
    out: dict[str, Any] = {c: sum(int(r[c]) for r in rows) for c in COUNTERS}
    visitors_join = (
        "JOIN personas p ON p.persona_id = v.persona_id AND p.creator_id = $3"
        if col == "creator_id"
        else ""
    )
    out["unique_viewers"] = await conn.fetchval(
        f"SELECT count(DISTINCT v.visitor) FROM view_visitors v {visitors_join}"
        " WHERE v.day BETWEEN $1 AND $2"
        + ("" if col == "creator_id" else " AND v.persona_id = $3"),
        start,
        end,
        value,
    )
    revenue = await conn.fetch(
        "SELECT currency, sum(gross)::bigint AS gross, sum(creator_revenue)::bigint AS"
        " creator_revenue, sum(refunded)::bigint AS refunded, sum(refunded_creator)::bigint"
        f" AS refunded_creator FROM revenue_daily WHERE {col} = $3 AND day BETWEEN $1 AND $2"
        " GROUP BY currency ORDER BY currency",
        start,
        end,
        value,
    )
    out["revenue"] = [_money(r) for r in revenue]
    rating = await conn.fetchrow(
        f"SELECT count(*) AS n, avg(rating)::float AS average FROM reviews WHERE {col} = $3"
        " AND day BETWEEN $1 AND $2",
        start,
        end,
        value,
    )
    out["rating_count"] = rating["n"]
    out["rating_average"] = round(rating["average"], 2) if rating["average"] is not None else None
    out["conversion"] = conversion(out)
    return out


async def sources(
    conn: asyncpg.Connection, scope: Scope, start: date, end: date
) -> list[dict[str, Any]]:
    col, value = scope
    rows = await conn.fetch(
        "SELECT source, referrer_domain, sum(views)::bigint AS views FROM source_daily"
        f" WHERE {col} = $3 AND day BETWEEN $1 AND $2 GROUP BY 1, 2"
        " ORDER BY views DESC, source, referrer_domain LIMIT 50",
        start,
        end,
        value,
    )
    return [dict(r) for r in rows]


async def followers(
    conn: asyncpg.Connection, creator_id: str, start: date, end: date, granularity: Granularity
) -> list[dict[str, Any]]:
    """Followers gained and lost per period, and the running total at each period's end."""
    rows = await conn.fetch(
        f"WITH periods AS ({_periods_sql()}),"
        " f AS (SELECT date_trunc($3, day)::date AS period, sum(gained)::bigint AS gained,"
        "  sum(lost)::bigint AS lost FROM follower_daily WHERE creator_id = $4"
        "  AND day BETWEEN $1 AND $2 GROUP BY 1),"
        " base AS (SELECT coalesce(sum(gained - lost), 0)::bigint AS n FROM follower_daily"
        "  WHERE creator_id = $4 AND day < $1)"
        " SELECT p.period, coalesce(f.gained, 0) AS gained, coalesce(f.lost, 0) AS lost,"
        " (SELECT n FROM base) + sum(coalesce(f.gained, 0) - coalesce(f.lost, 0))"
        "  OVER (ORDER BY p.period) AS total"
        " FROM periods p LEFT JOIN f USING (period) ORDER BY p.period",
        start,
        end,
        granularity,
        creator_id,
    )
    return [{**dict(r), "total": int(r["total"])} for r in rows]


async def top_personas(
    conn: asyncpg.Connection, creator_id: str, start: date, end: date, limit: int = 10
) -> list[dict[str, Any]]:
    """The creator's personas by purchases, then acquisitions, then views in the range."""
    rows = await conn.fetch(
        "SELECT p.persona_id, p.name,"
        + ", ".join(f" coalesce(sum(d.{c}), 0)::bigint AS {c}" for c in COUNTERS)
        + " FROM personas p LEFT JOIN persona_daily d ON d.persona_id = p.persona_id"
        " AND d.day BETWEEN $2 AND $3 WHERE p.creator_id = $1 GROUP BY p.persona_id, p.name"
        " ORDER BY purchases DESC, acquisitions DESC, downloads DESC, views DESC, p.persona_id"
        " LIMIT $4",
        creator_id,
        start,
        end,
        limit,
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
    conn: asyncpg.Connection, creator_id: str, start: date, end: date
) -> list[asyncpg.Record]:
    """One row per persona, day and currency (a day without money has an empty currency)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT d.day, d.persona_id, coalesce(p.name, '') AS name, d.views, d.unique_viewers,"
        " d.acquisitions, d.purchases, d.refunds, d.downloads, coalesce(r.currency, '') AS"
        " currency, coalesce(r.gross, 0) AS gross, coalesce(r.creator_revenue, 0) AS"
        " creator_revenue, coalesce(r.refunded, 0) AS refunded,"
        " coalesce(r.refunded_creator, 0) AS refunded_creator"
        " FROM persona_daily d LEFT JOIN personas p USING (persona_id)"
        " LEFT JOIN revenue_daily r ON r.persona_id = d.persona_id AND r.day = d.day"
        " WHERE d.creator_id = $1 AND d.day BETWEEN $2 AND $3"
        " ORDER BY d.day, d.persona_id, currency",
        creator_id,
        start,
        end,
    )
    return rows
