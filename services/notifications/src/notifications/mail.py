"""Rendering and sending product e-mail from the `mail_outbox` table.

Rows are claimed one at a time with FOR UPDATE SKIP LOCKED, so any number of replicas drain the
outbox without sending a row twice; a row is marked sent in the transaction that holds its lock.
A failed send (SMTP down, user's address not known yet) backs off exponentially and is retried
until it goes through. The Message-ID is derived from the row, so in the one window no database
can close (the SMTP server accepted, the commit then failed) a receiver can recognise the resend.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import FastAPI
from jinja2 import Environment, FileSystemLoader, select_autoescape
from shared.logging import get_logger
from shared.mailer import Mailer

from notifications.categories import CATEGORIES
from notifications.settings import NotificationsSettings
from notifications.unsubscribe import label, make_token
from shared import telemetry

log = get_logger(__name__)

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    trim_blocks=False,
    keep_trailing_newline=True,
)


def absolute(settings: NotificationsSettings, link: str | None) -> str | None:
    if not link:
        return None
    return link if "://" in link else settings.public_url.rstrip("/") + link


def unsubscribe_url(settings: NotificationsSettings, user_id: str, category: str) -> str:
    token = make_token(settings.unsubscribe_secret, user_id, category)
    return f"{settings.public_url.rstrip('/')}/api/notifications/unsubscribe/{token}"


def render(
    settings: NotificationsSettings,
    template: str,
    context: dict[str, Any],
    *,
    user_id: str,
    username: str,
    category: str,
) -> tuple[str, str, str, dict[str, str]]:
    """(subject, text, html, headers) for one recipient."""
    transactional = category in CATEGORIES and CATEGORIES[category].transactional
    unsubscribe = None if transactional else unsubscribe_url(settings, user_id, category)
    ctx = {
        **context,
        "username": username,
        "product": settings.product_name,
        "category_label": label(category),
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(settings, "/dashboard/profile#notifications"),
    }
    if ctx.get("action"):
        ctx["action"] = [ctx["action"][0], absolute(settings, ctx["action"][1])]
    for item in ctx.get("items", []):
        item["link"] = absolute(settings, item.get("link"))
    subject = f"{context['subject']} · {settings.product_name}"
    text = templates.get_template(f"{template}.txt").render(ctx)
    html = templates.get_template(f"{template}.html").render(ctx)
    headers: dict[str, str] = {}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return subject, text, html, headers


CLAIM = """
SELECT o.id, o.user_id, o.category, o.template, o.context, o.attempts, o.trace, u.email,
       u.username
FROM mail_outbox o LEFT JOIN users u ON u.user_id = o.user_id
WHERE o.status = 'pending' AND o.next_attempt_at <= now()
ORDER BY o.next_attempt_at, o.id
LIMIT 1
FOR UPDATE OF o SKIP LOCKED
"""


async def drain_once(
    pool: asyncpg.Pool, mailer: Mailer, settings: NotificationsSettings
) -> tuple[int, int]:
    """Send what is due, up to a batch; (sent, failed). Stops at the first failure (the
    server is likely down for the rest too; they keep their turn)."""
    sent = failed = 0
    for _ in range(settings.mail_batch):
        async with pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(CLAIM)
            if row is None:
                break
            try:
                if row["email"] is None:
                    raise LookupError("recipient not known yet")
                subject, text, html, headers = render(
                    settings,
                    row["template"],
                    row["context"],
                    user_id=row["user_id"],
                    username=row["username"],
                    category=row["category"],
                )
                with telemetry.span(
                    f"send mail {row['template']}",
                    settings.service_name,
                    kind=telemetry.SpanKind.CLIENT,
                    parent=row["trace"],
                    attributes={"mail.id": row["id"], "mail.category": row["category"]},
                ):
                    await mailer.send(
                        row["email"], subject, text, html, headers, message_id=f"mail-{row['id']}"
                    )
            except Exception as exc:
                delay = min(
                    settings.mail_backoff_base_s * 2 ** row["attempts"],
                    settings.mail_backoff_max_s,
                )
                await conn.execute(
                    "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2,"
                    " next_attempt_at = now() + $3 WHERE id = $1",
                    row["id"],
                    f"{type(exc).__name__}: {exc}"[:500],
                    timedelta(seconds=delay),
                )
                log.warning("mail delayed", mail_id=row["id"], retry_in_s=delay, error=repr(exc))
                failed += 1
                break
            await conn.execute(
                "UPDATE mail_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1"
                " WHERE id = $1",
                row["id"],
            )
            sent += 1
    return sent, failed


async def mail_sender(app: FastAPI) -> None:
    """Background job: drain the outbox every `mail_poll_s` (sooner while there is more)."""
    settings: NotificationsSettings = app.state.settings
    while True:
        try:
            sent, failed = await drain_once(app.state.pool, app.state.mailer, settings)
        except Exception:
            log.exception("mail outbox drain failed")
            sent, failed = 0, 1
        if sent < settings.mail_batch or failed:
            await asyncio.sleep(settings.mail_poll_s)
