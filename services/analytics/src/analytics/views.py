"""Views: the definition, in one place.

A view is a persona detail page seen by someone other than its creator, whose user agent is not
a bot's, counted at most once per visitor and persona in any 30 minutes (the window is
configurable). The visitor is the signed-in user, else a first-party anonymous id cookie. Each
counted view is one row in `view_log` (what a rebuild recounts from) and an increment of the
persona's per-day figures, in one transaction. No event goes through catalog or the bus.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import asyncpg

from analytics.figures import Changes

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
    """Count the view unless this visitor was counted for this persona within the window."""
    async with pool.acquire() as conn, conn.transaction():
        fresh = await conn.fetchval(
            "INSERT INTO view_last (visitor, persona_id, seen_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (visitor, persona_id) DO UPDATE SET seen_at = EXCLUDED.seen_at"
            " WHERE view_last.seen_at <= EXCLUDED.seen_at - make_interval(secs => $4)"
            " RETURNING 1",
            visitor,
            persona_id,
            at,
            float(window_s),
        )
        if not fresh:
            return False
        await conn.execute(
            "INSERT INTO view_log (persona_id, creator_id, visitor, user_id, viewed_at, source,"
            " referrer_domain) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            persona_id,
            creator_id,
            visitor,
            user_id,
            at,
            source,
            referrer_domain,
        )
        changes = Changes()
        apply_view(changes, persona_id, creator_id, visitor, at, source, referrer_domain)
        await changes.write(conn)
    return True


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
