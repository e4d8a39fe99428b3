"""Views: the definition, in one place.

A view is a persona detail page seen by someone other than its creator, whose user agent is not
a bot's, counted at most once per visitor and persona in any 30 minutes (the window is
configurable). The visitor is the signed-in user, else a first-party anonymous id cookie. Each
counted view is one row in `view_log` (what a rebuild recounts from) and increments of the
persona's figures, in one statement. No event goes through catalog or the bus.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import asyncpg

from analytics.figures import TREND_POINTS, Changes, hour_of, slot_of

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


async def creator_of(pool: asyncpg.Pool, persona_id: str) -> str | None:
    value = await pool.fetchval(
        "SELECT creator_id FROM personas WHERE persona_id = $1 AND NOT deleted", persona_id
    )
    return str(value) if value is not None else None


async def record_view(
    pool: asyncpg.Pool,
    *,
    persona_id: str,
    creator_id: str,
    visitor: str,
    user_id: str | None,
    at: datetime,
    source: str,
    referrer_domain: str,
    window_s: int,
) -> bool:
    """Count the view unless this visitor was counted for this persona within the window.

    One statement (one round trip, atomic): the 30-minute check, the `view_log` row and the same
    increments `apply_view` folds (a rebuild replays the log through that one). The upserts
    feed each other so they lock rows in the stream batches' order (persona_slots, then
    source_slots, then trend_hourly): a view and a batch never deadlock."""
    counted = await pool.fetchval(
        "WITH fresh AS ("
        " INSERT INTO view_last (visitor, persona_id, seen_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (visitor, persona_id) DO UPDATE SET seen_at = EXCLUDED.seen_at"
        " WHERE view_last.seen_at <= EXCLUDED.seen_at - make_interval(secs => $4)"
        " RETURNING 1),"
        " logged AS (INSERT INTO view_log (persona_id, creator_id, visitor, user_id, viewed_at,"
        "  source, referrer_domain) SELECT $2, $5, $1, $6, $3, $7, $8 FROM fresh RETURNING 1),"
        " counts AS (INSERT INTO persona_slots (persona_id, slot, creator_id, views)"
        "  SELECT $2, $9, $5, 1 FROM fresh ON CONFLICT (persona_id, slot)"
        "  DO UPDATE SET views = persona_slots.views + 1 RETURNING 1),"
        " visitors AS (INSERT INTO view_visitors (persona_id, slot, visitor)"
        "  SELECT $2, $9, $1 FROM fresh ON CONFLICT DO NOTHING RETURNING 1),"
        " sources AS (INSERT INTO source_slots (persona_id, slot, source, referrer_domain,"
        "  creator_id, views) SELECT $2, $9, $7, $8, $5, 1 FROM counts"
        "  ON CONFLICT (persona_id, slot, source, referrer_domain)"
        "  DO UPDATE SET views = source_slots.views + 1 RETURNING 1),"
        " trend AS (INSERT INTO trend_hourly (persona_id, hour, points)"
        "  SELECT $2, $10, $11 FROM sources ON CONFLICT (persona_id, hour)"
        "  DO UPDATE SET points = trend_hourly.points + EXCLUDED.points RETURNING 1)"
        " SELECT count(*) FROM fresh",
        visitor,
        persona_id,
        at,
        float(window_s),
        creator_id,
        user_id,
        source,
        referrer_domain,
        slot_of(at),
        hour_of(at),
        TREND_POINTS["view"],
    )
    return bool(counted)


def apply_view(
    changes: Changes,
    persona_id: str,
    creator_id: str,
    visitor: str,
    at: datetime,
    source: str,
    referrer_domain: str,
) -> None:
    """A counted view into the figures (live, and again from `view_log` in a rebuild)."""
    changes.view(persona_id, creator_id, visitor, at, source, referrer_domain)
