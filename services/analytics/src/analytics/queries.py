"""Read side: figures over a range for a creator or one persona, and the daily CSV rows.

`scope` is ("creator_id", id) or ("persona_id", id); both columns exist on every figure table,
so one set of queries serves the overview and the persona page. Ranges are days of the time zone
`tz` (an IANA name, checked by the route): the quarter-hour slots from the first day's local
midnight to the midnight after the last day, grouped by the local day (or its week or month).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import asyncpg

from analytics.tables import COUNTS, MONEY

Granularity = Literal["day", "week", "month"]
Scope = tuple[Literal["creator_id", "persona_id"], str]

COUNTERS = COUNTS
_NAME = re.compile(r"(?<!:):([a-z_]+)")


def bind(sql: str, **values: Any) -> tuple[str, list[Any]]:
    """`sql` with `:name` parameters numbered in order of first use, and their values."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _NAME.sub(number, sql), [values[n] for n in names]


async def as_of(conn: asyncpg.Connection | asyncpg.Pool) -> datetime | None:
    value: datetime | None = await conn.fetchval("SELECT event_at FROM applied")
    return value


PERIODS = (
    "SELECT generate_series(date_trunc(:granularity, :start::date), :end::date,"
    " ('1 ' || :granularity)::interval)::date AS period"
)


def in_range(col: str = "slot") -> str:
    """The instants `col` of the local days :start to :end of zone :tz."""
    return (
        f"{col} >= :start::date::timestamp AT TIME ZONE :tz::text"
        f" AND {col} < (:end::date + 1)::timestamp AT TIME ZONE :tz::text"
    )


def period(col: str = "slot") -> str:
    return f"date_trunc(:granularity, {col} AT TIME ZONE :tz::text)::date"


@dataclass(frozen=True)
class Grain:
    """Where a scope's counters and money are read over a range: the quarter-hour slots (any
    zone), or the UTC day rollups (a creator whose zone's days are UTC days: ≤ 366 rows a year)."""

    counts: str
    revenue: str
    in_range: str
    period: str


SLOTS = Grain("persona_slots", "revenue_slots", in_range(), period())
DAYS = Grain(
    "creator_days",
    "creator_revenue_days",
    "day BETWEEN :start::date AND :end::date",
    "date_trunc(:granularity, day::timestamp)::date",
)


def utc_days(tz: str, start: date, end: date) -> bool:
    """Whether every day from `start` to `end` in `tz` is a UTC day (its offset is 0 at each
    midnight, the one after `end` included)."""
    zone = ZoneInfo(tz)
    day = start
    while day <= end + timedelta(days=1):
        if zone.utcoffset(datetime.combine(day, time())) != timedelta(0):
            return False
        day += timedelta(days=1)
    return True


def grain_of(scope: Scope, start: date, end: date, tz: str) -> Grain:
    return DAYS if scope[0] == "creator_id" and utc_days(tz, start, end) else SLOTS


def _visitors(scope: Scope) -> str:
    """view_visitors rows of the scope (they have no creator column)."""
    if scope[0] == "creator_id":
        return (
            "view_visitors v JOIN personas p ON p.persona_id = v.persona_id"
            " AND p.creator_id = :scope"
        )
    return "view_visitors v"


def _visitors_filter(scope: Scope) -> str:
    return "" if scope[0] == "creator_id" else " AND v.persona_id = :scope"


async def series(
    conn: asyncpg.Connection,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity,
    tz: str = "UTC",
    grain: Grain | None = None,
) -> list[dict[str, Any]]:
    """Per period; `grain`: where to read (default: the cheapest exact one)."""
    col, value = scope
    g = grain or grain_of(scope, start, end, tz)
    args = {"start": start, "end": end, "granularity": granularity, "scope": value, "tz": tz}
    counters = ", ".join(f"coalesce(sum({c}), 0)::bigint AS {c}" for c in COUNTERS)
    sql, params = bind(
        f"WITH periods AS ({PERIODS}),"
        f" d AS (SELECT {g.period} AS period, {counters}"
        f"  FROM {g.counts} WHERE {col} = :scope AND {g.in_range} GROUP BY 1),"
        f" u AS (SELECT {period('v.slot')} AS period,"
        f"  count(DISTINCT v.visitor) AS unique_viewers FROM {_visitors(scope)}"
        f"  WHERE {in_range('v.slot')}{_visitors_filter(scope)} GROUP BY 1),"
        f" r AS (SELECT {period('posted_at')} AS period,"
        "  count(*) AS ratings, avg(rating)::float AS rating_average FROM reviews"
        f"  WHERE {col} = :scope AND {in_range('posted_at')} GROUP BY 1)"
        " SELECT p.period, "
        + ", ".join(f"coalesce(d.{c}, 0) AS {c}" for c in COUNTERS)
        + ", coalesce(u.unique_viewers, 0) AS unique_viewers,"
        " coalesce(r.ratings, 0) AS rating_count, r.rating_average"
        " FROM periods p LEFT JOIN d USING (period) LEFT JOIN u USING (period)"
        " LEFT JOIN r USING (period) ORDER BY p.period",
        **args,
    )
    rows = await conn.fetch(sql, *params)
    sql, params = bind(
        f"SELECT {g.period} AS period, currency, "
        + ", ".join(f"sum({m})::bigint AS {m}" for m in MONEY)
        + f" FROM {g.revenue} WHERE {col} = :scope AND {g.in_range} GROUP BY 1, 2 ORDER BY 1, 2",
        **args,
    )
    by_period: dict[date, list[dict[str, Any]]] = {}
    for r in await conn.fetch(sql, *params):
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
    return {"currency": r["currency"], **{m: int(r[m]) for m in MONEY}}


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
    sql, params = bind(
        f"SELECT (SELECT count(DISTINCT v.visitor) FROM {_visitors(scope)}"
        f"  WHERE {in_range('v.slot')}{_visitors_filter(scope)}) AS unique_viewers,"
        f" count(*) AS n, avg(rating)::float AS average FROM reviews WHERE {col} = :scope"
        f" AND {in_range('posted_at')}",
        start=start,
        end=end,
        scope=value,
        tz=tz,
    )
    row = await conn.fetchrow(sql, *params)
    out["unique_viewers"] = row["unique_viewers"]
    money: dict[str, dict[str, Any]] = {}
    for r in rows:
        for m in r["revenue"]:
            total = money.setdefault(
                m["currency"], {"currency": m["currency"]} | dict.fromkeys(MONEY, 0)
            )
            for k in MONEY:
                total[k] += m[k]
    out["revenue"] = [money[c] for c in sorted(money)]
    out["rating_count"] = row["n"]
    out["rating_average"] = round(row["average"], 2) if row["average"] is not None else None
    out["conversion"] = conversion(out)
    return out


async def sources(
    conn: asyncpg.Connection, scope: Scope, start: date, end: date, tz: str = "UTC"
) -> list[dict[str, Any]]:
    col, value = scope
    sql, params = bind(
        "SELECT source, referrer_domain, sum(views)::bigint AS views FROM source_slots"
        f" WHERE {col} = :scope AND {in_range()} GROUP BY 1, 2"
        " ORDER BY views DESC, source, referrer_domain LIMIT 50",
        start=start,
        end=end,
        scope=value,
        tz=tz,
    )
    return [dict(r) for r in await conn.fetch(sql, *params)]


async def followers(
    conn: asyncpg.Connection,
    creator_id: str,
    start: date,
    end: date,
    granularity: Granularity,
    tz: str = "UTC",
) -> list[dict[str, Any]]:
    """Followers gained and lost per period, and the running total at each period's end."""
    sql, params = bind(
        f"WITH periods AS ({PERIODS}),"
        f" f AS (SELECT {period()} AS period, sum(gained)::bigint AS gained,"
        "  sum(lost)::bigint AS lost FROM follower_slots WHERE creator_id = :scope"
        f"  AND {in_range()} GROUP BY 1),"
        " base AS (SELECT coalesce(sum(gained - lost), 0)::bigint AS n FROM follower_slots"
        "  WHERE creator_id = :scope AND slot < :start::date::timestamp AT TIME ZONE :tz::text)"
        " SELECT p.period, coalesce(f.gained, 0) AS gained, coalesce(f.lost, 0) AS lost,"
        " (SELECT n FROM base) + sum(coalesce(f.gained, 0) - coalesce(f.lost, 0))"
        "  OVER (ORDER BY p.period) AS total"
        " FROM periods p LEFT JOIN f USING (period) ORDER BY p.period",
        start=start,
        end=end,
        granularity=granularity,
        scope=creator_id,
        tz=tz,
    )
    return [{**dict(r), "total": int(r["total"])} for r in await conn.fetch(sql, *params)]


# A range of local days in UTC instants [a, b), cut into the whole UTC months [m1, m2) (none if
# m1 >= m2), the whole UTC days around them ([d1, dh) and [dt, d2)) and the quarter hours at
# either end ([a, h) and [t, b)), so that any zone's range sums ≤ 12 month rows a year per
# persona plus its edges.
EDGES = (
    "r AS (SELECT :start::date::timestamp AT TIME ZONE :tz::text AS a,"
    "  (:end::date + 1)::timestamp AT TIME ZONE :tz::text AS b),"
    " dd AS (SELECT a, b, (a AT TIME ZONE 'UTC' + interval '1 day' - interval '1 microsecond')::date"
    "  AS d1, (b AT TIME ZONE 'UTC')::date AS d2 FROM r),"
    " em AS (SELECT a, b, d1, d2, least(d1::timestamp AT TIME ZONE 'UTC', b) AS h,"
    "  greatest(d2::timestamp AT TIME ZONE 'UTC', least(d1::timestamp AT TIME ZONE 'UTC', b)) AS t,"
    "  date_trunc('month', d1 + interval '1 month' - interval '1 day')::date AS m1,"
    "  date_trunc('month', d2::timestamp)::date AS m2 FROM dd),"
    " e AS (SELECT *, least(m1, d2) AS dh, greatest(m2, d1) AS dt FROM em)"
)


def _e(name: str) -> str:
    return f"(SELECT {name} FROM e)"


async def top_personas(
    conn: asyncpg.Connection,
    creator_id: str,
    start: date,
    end: date,
    tz: str = "UTC",
    limit: int = 10,
) -> list[dict[str, Any]]:
    """The creator's personas by purchases, then acquisitions, then views in the range. One
    aggregate over the persona list (zeros) and the range's pieces: no join whose plan depends
    on the statistics of freshly filled tables."""
    cols = ", ".join(COUNTERS)
    sql, params = bind(
        f"WITH {EDGES}"
        " SELECT persona_id, max(name) AS name,"
        + ", ".join(f" sum({c})::bigint AS {c}" for c in COUNTERS)
        + " FROM (SELECT persona_id, name, true AS known, "
        + ", ".join(f"0 AS {c}" for c in COUNTERS)
        + " FROM personas WHERE creator_id = :scope"
        f" UNION ALL SELECT persona_id, NULL, false, {cols} FROM persona_months"
        f"  WHERE creator_id = :scope AND month >= {_e('m1')} AND month < {_e('m2')}"
        f" UNION ALL SELECT persona_id, NULL, false, {cols} FROM persona_days"
        f"  WHERE creator_id = :scope AND ((day >= {_e('d1')} AND day < {_e('dh')})"
        f"   OR (day >= {_e('dt')} AND day < {_e('d2')}))"
        f" UNION ALL SELECT persona_id, NULL, false, {cols} FROM persona_slots"
        f"  WHERE creator_id = :scope AND ((slot >= {_e('a')} AND slot < {_e('h')})"
        f"   OR (slot >= {_e('t')} AND slot < {_e('b')}))) x"
        " GROUP BY persona_id HAVING bool_or(known)"
        " ORDER BY purchases DESC, acquisitions DESC, downloads DESC, views DESC, persona_id"
        " LIMIT :limit",
        start=start,
        end=end,
        scope=creator_id,
        tz=tz,
        limit=limit,
    )
    return [{**dict(r), "conversion": conversion(dict(r))} for r in await conn.fetch(sql, *params)]


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
    day = "(slot AT TIME ZONE :tz::text)::date"
    sql, params = bind(
        f"WITH d AS MATERIALIZED (SELECT persona_id, {day} AS day,"
        + ", ".join(f" sum({c})::bigint AS {c}" for c in COUNTERS)
        + f" FROM persona_slots WHERE creator_id = :scope AND {in_range()} GROUP BY 1, 2),"
        f" u AS MATERIALIZED (SELECT v.persona_id, {day.replace('slot', 'v.slot')} AS day,"
        f"  count(DISTINCT v.visitor) AS unique_viewers FROM {_visitors(('creator_id', ''))}"
        f"  WHERE {in_range('v.slot')} GROUP BY 1, 2),"
        f" r AS MATERIALIZED (SELECT persona_id, {day} AS day, currency, "
        + ", ".join(f"sum({m})::bigint AS {m}" for m in MONEY)
        + f" FROM revenue_slots WHERE creator_id = :scope AND {in_range()} GROUP BY 1, 2, 3)"
        " SELECT d.day, d.persona_id, coalesce(p.name, '') AS name, d.views,"
        " coalesce(u.unique_viewers, 0) AS unique_viewers, d.acquisitions, d.purchases,"
        " d.refunds, d.downloads, coalesce(r.currency, '') AS currency, "
        + ", ".join(f"coalesce(r.{m}, 0) AS {m}" for m in MONEY)
        + " FROM d LEFT JOIN personas p USING (persona_id) LEFT JOIN u USING (persona_id, day)"
        " LEFT JOIN r USING (persona_id, day)"
        " ORDER BY d.day, d.persona_id, currency",
        start=start,
        end=end,
        scope=creator_id,
        tz=tz,
    )
    rows: list[asyncpg.Record] = await conn.fetch(sql, *params)
    return rows
