"""Views: the definition, in one place.

A view is a persona detail page seen by someone other than its creator, whose user agent is not
a bot's, counted at most once per visitor and persona in any 30 minutes (the window is
configurable). The visitor is the signed-in user, else a first-party anonymous id cookie. Each
counted view is one row in `view_log` (what a rebuild recounts from) and increments of the
persona's figures, in one statement with an asynchronous commit. No event goes through catalog or the bus.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import asyncpg

from analytics.figures import TREND_POINTS, hour_of, slot_of
from analytics.tables import COUNTS, PERSONA_SLOTS, SOURCE_SLOTS, TREND_HOURLY, VIEW_VISITORS

# Crawlers, link previewers, monitors and scripted clients (matched case-insensitively).
BOT_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"headlesschrome|phantomjs|lighthouse|pingdom|uptime|monitor|curl/|wget/|"
    r"python-requests|python-urllib|go-http-client|java/|okhttp|scrapy|httpclient",
    re.IGNORECASE,
)

SOURCES = ("search", "collection", "trending", "recommendation", "internal", "external", "direct")


def is_bot(user_agent: str | None) -> bool:
    return not user_agent or bool(BOT_AGENT.search(user_agent))


def classify(referrer: str | None, own_hosts: set[str], hint: str | None = None) -> tuple[str, str]:
    """(source, referrer domain). Our own pages are split by where the click came from; a
    single-page app passes `hint` (the in-app list the link was on), as it has no referrer."""
    if not referrer:
        return (hint if hint in SOURCES else "direct", "")
    try:
        parts = urlsplit(referrer)
    except ValueError:
        return ("direct", "")
    host = (parts.hostname or "").lower()
    if not host:
        return ("direct", "")
    if host not in own_hosts:
        return ("external", host.removeprefix("www."))
    if hint in SOURCES and hint not in ("external", "direct"):
        return (hint, "")
    query = parse_qs(parts.query)
    path = parts.path.lower()
    if query.get("ref") and query["ref"][0] in SOURCES:
        return (query["ref"][0], "")
    if "q" in query or path.startswith("/search"):
        return ("search", "")
    if path.startswith("/collections"):
        return ("collection", "")
    if "trending" in path or query.get("sort") == ["trending"]:
        return ("trending", "")
    return ("internal", "")


def _view_sql() -> str:
    """The beacon's one statement: the persona (unknown or deleted: no row), the 30-minute check
    (the creator's own views never count), the `view_log` row, and the same increments `Changes`
    writes for a view, rollups included, in the tables' common order (a view and a stream batch
    never deadlock). Its commit does not wait for the WAL flush (see `record_view`)."""
    fig = (
        "SELECT $2::text AS persona_id, $8::timestamptz AS slot, p.creator_id, {cols} FROM fresh, p"
    )
    counts = ", ".join(f"{int(c == 'views')} AS {c}" for c in COUNTS)
    ctes = [
        # view_log first: a rebuild's swap locks it, then the tables it swaps (personas and the
        # figures); a statement holding one of those while waiting for view_log would deadlock.
        "lock AS (INSERT INTO view_log (persona_id, creator_id, visitor, viewed_at, source)"
        " SELECT '', '', '', now(), '' WHERE false)",
        "cfg AS (SELECT set_config('synchronous_commit', 'off', true))",
        "p AS (SELECT creator_id FROM personas, cfg WHERE persona_id = $2 AND NOT deleted)",
        "fresh AS (INSERT INTO view_last (visitor, persona_id, seen_at) SELECT $1, $2, $3 FROM p"
        " WHERE p.creator_id IS DISTINCT FROM $5"
        " ON CONFLICT (visitor, persona_id) DO UPDATE SET seen_at = EXCLUDED.seen_at"
        " WHERE view_last.seen_at <= EXCLUDED.seen_at - make_interval(secs => $4) RETURNING 1)",
        "logged AS (INSERT INTO view_log (persona_id, creator_id, visitor, user_id, viewed_at,"
        " source, referrer_domain) SELECT $2, p.creator_id, $1, $5, $3, $6, $7 FROM fresh, p)",
        f"c AS ({fig.format(cols=counts)})",
        *PERSONA_SLOTS.chain("c", "w"),
        "v AS (SELECT $2::text AS persona_id, $8::timestamptz AS slot, $1::text AS visitor"
        " FROM fresh)",
        *VIEW_VISITORS.chain("v", "vv", after=PERSONA_SLOTS.last("w")),
        "s AS (SELECT $2::text AS persona_id, $8::timestamptz AS slot, $6::text AS source,"
        " $7::text AS referrer_domain, p.creator_id, 1 AS views FROM fresh, p)",
        *SOURCE_SLOTS.chain("s", "ss", after=VIEW_VISITORS.last("vv")),
        "t AS (SELECT $2::text AS persona_id, $9::timestamptz AS hour, $10::float8 AS points"
        " FROM fresh)",
        *TREND_HOURLY.chain("t", "tt", after=SOURCE_SLOTS.last("ss")),
    ]
    return (
        f"WITH {', '.join(ctes)} SELECT (SELECT count(*) FROM p) AS known,"
        " (SELECT count(*) FROM fresh) AS counted"
    )


VIEW_SQL = _view_sql()


async def record_view(
    pool: asyncpg.Pool,
    *,
    persona_id: str,
    visitor: str,
    user_id: str | None,
    at: datetime,
    source: str,
    referrer_domain: str,
    window_s: int,
) -> bool | None:
    """Count the view unless the visitor is the persona's creator or was counted for this
    persona within the window; None when the persona is unknown or deleted.

    One statement, so one round trip and atomic. Its commit is asynchronous
    (`synchronous_commit = off` for this transaction only): waiting for the WAL flush was most
    of a view's time, and a database crash can then lose at most the last fraction of a second
    of views, whole (a view's log row and its increments commit together or not at all);
    purchases and every stream batch keep waiting for the flush."""
    row = await pool.fetchrow(
        VIEW_SQL,
        visitor,
        persona_id,
        at,
        float(window_s),
        user_id,
        source,
        referrer_domain,
        slot_of(at),
        hour_of(at),
        TREND_POINTS["view"],
    )
    if not row["known"]:
        return None
    return bool(row["counted"])
