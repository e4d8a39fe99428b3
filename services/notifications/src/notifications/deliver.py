"""One way to tell a user something: in-app, by e-mail or in the digest, as they chose.

Called inside the consuming transaction (the kernel's inbox one), so the notification, its mail
and its digest entry commit together with the message's ack, or not at all. `dedupe_key` names
the source (usually the event id); a source reaches each user at most once, grouped or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg
from shared.telemetry import current_traceparent

from notifications.categories import CATEGORIES, Channel, effective_channel

CHANNEL = "notifications"  # the LISTEN/NOTIFY channel the live stream listens on


@dataclass
class Mail:
    """What an e-mail says; rendered when it is sent (templates/<template>.html and .txt)."""

    subject: str
    heading: str
    lines: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    action: tuple[str, str] | None = None  # (label, url)
    template: str = "message"

    def context(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "heading": self.heading,
            "lines": self.lines,
            "details": [list(d) for d in self.details],
            "action": list(self.action) if self.action else None,
        }


@dataclass
class Notice:
    user_id: str
    category: str
    kind: str
    title: str
    dedupe_key: str
    body: str = ""
    link: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # Unread notices with the same group key fold into one row titled `group_title`
    # (`{count}` filled in), e.g. "{count} new followers".
    group_key: str | None = None
    group_title: str | None = None
    mail: Mail | None = None


async def channel_for(conn: asyncpg.Connection, user_id: str, category: str) -> Channel:
    chosen = await conn.fetchval(
        "SELECT channel FROM preferences WHERE user_id = $1 AND category = $2", user_id, category
    )
    return effective_channel(category, chosen)


async def deliver(conn: asyncpg.Connection, notice: Notice) -> bool:
    """Notify one user; False if they turned the category off or already got this source."""
    assert notice.category in CATEGORIES, notice.category
    channel = await channel_for(conn, notice.user_id, notice.category)
    if channel == "off":
        return False
    fresh = await conn.fetchval(
        "INSERT INTO notification_sources (user_id, dedupe_key) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING true",
        notice.user_id,
        notice.dedupe_key,
    )
    if not fresh:
        return False
    await _in_app(conn, notice)
    if channel == "email" and notice.mail is not None:
        await enqueue_mail(conn, notice.user_id, notice.category, notice.dedupe_key, notice.mail)
    elif channel == "digest":
        await conn.execute(
            "INSERT INTO digest_items (user_id, category, title, link, dedupe_key) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            notice.user_id,
            notice.category,
            notice.title,
            notice.link,
            notice.dedupe_key,
        )
    await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, notice.user_id)
    return True


async def _in_app(conn: asyncpg.Connection, n: Notice) -> None:
    if n.group_key is not None:
        # Fold into the open (unread) group if there is one.
        folded = await conn.fetchval(
            "UPDATE notifications SET count = count + 1, updated_at = now(), "
            "  title = replace($3, '{count}', (count + 1)::text), body = $4, data = $5 "
            "WHERE user_id = $1 AND group_key = $2 AND read_at IS NULL RETURNING id",
            n.user_id,
            n.group_key,
            n.group_title or n.title,
            n.body,
            n.data,
        )
        if folded is not None:
            return
    await conn.execute(
        "INSERT INTO notifications (user_id, category, kind, title, body, link, data, group_key,"
        " dedupe_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        n.user_id,
        n.category,
        n.kind,
        n.title,
        n.body,
        n.link,
        n.data,
        n.group_key,
        n.dedupe_key,
    )


async def enqueue_mail(
    conn: asyncpg.Connection, user_id: str, category: str, dedupe_key: str, mail: Mail
) -> None:
    await conn.execute(
        "INSERT INTO mail_outbox (user_id, category, template, context, dedupe_key, trace) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING",
        user_id,
        category,
        mail.template,
        mail.context(),
        f"{user_id}:{dedupe_key}",
        current_traceparent() or None,  # the sending continues this trace
    )


async def username(conn: asyncpg.Connection, user_id: str) -> str:
    name = await conn.fetchval("SELECT username FROM users WHERE user_id = $1", user_id)
    return str(name) if name else "Someone"


async def persona_name(conn: asyncpg.Connection, persona_id: str, fallback: str = "") -> str:
    name = await conn.fetchval("SELECT name FROM personas WHERE persona_id = $1", persona_id)
    return str(name or fallback or "your persona")
