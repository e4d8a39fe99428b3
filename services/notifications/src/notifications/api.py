"""HTTP routes: thin; validation, who may do it, then commands or queries."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from shared.auth import CurrentUser
from shared.http import get_pool
from shared.pagination import Page, limit_param

from notifications import commands, queries
from notifications.feed import feed
from notifications.mail import absolute, templates
from notifications.schemas import (
    FeedPage,
    NotificationPage,
    PersonaUpdate,
    Preferences,
    PreferencesUpdate,
    UnreadCount,
)
from notifications.settings import NotificationsSettings
from notifications.stream import events_for
from notifications.unsubscribe import label, read_token

router = APIRouter()
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]
Limit = Annotated[int, Depends(limit_param)]


@router.get("/api/notifications", response_model=NotificationPage, tags=["notifications"])
async def list_notifications(
    user: CurrentUser,
    pool: Pool,
    limit: Limit,
    cursor: str | None = None,
    unread: Annotated[bool, Query(description="only unread ones")] = False,
) -> NotificationPage:
    return await queries.notifications(pool, user.user_id, limit, cursor, unread)


@router.get(
    "/api/notifications/updates",
    response_model=Page[PersonaUpdate],
    tags=["notifications"],
)
async def persona_updates(
    user: CurrentUser, pool: Pool, limit: Limit, cursor: str | None = None
) -> Page[PersonaUpdate]:
    """Personas of the user's library with a new version they have not seen yet."""
    return await queries.persona_updates(pool, user.user_id, limit, cursor)


@router.post("/api/notifications/read-all", response_model=UnreadCount, tags=["notifications"])
async def read_all(user: CurrentUser, pool: Pool) -> UnreadCount:
    await commands.mark_all_read(pool, user.user_id)
    return UnreadCount(unread_count=0)


@router.post(
    "/api/notifications/{notification_id}/read", response_model=UnreadCount, tags=["notifications"]
)
async def read_one(notification_id: int, user: CurrentUser, pool: Pool) -> UnreadCount:
    await commands.mark_read(pool, user.user_id, notification_id)
    return UnreadCount(unread_count=await queries.unread_count(pool, user.user_id))


class EventStream(StreamingResponse):
    """Server-sent events: documented as text/event-stream, not JSON."""

    media_type = "text/event-stream"


@router.get(
    "/api/notifications/stream",
    tags=["notifications"],
    response_class=EventStream,
    responses={200: {"content": {"text/event-stream": {}}, "description": "unread, notification…"}},
)
async def stream(request: Request, user: CurrentUser) -> StreamingResponse:
    return StreamingResponse(
        events_for(request.app, user.user_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/api/notifications/preferences", response_model=Preferences, tags=["notifications"])
async def get_preferences(user: CurrentUser, pool: Pool) -> Preferences:
    return Preferences(items=await queries.preferences(pool, user.user_id))


@router.put("/api/notifications/preferences", response_model=Preferences, tags=["notifications"])
async def put_preferences(body: PreferencesUpdate, user: CurrentUser, pool: Pool) -> Preferences:
    await commands.set_preferences(pool, user.user_id, body.preferences)
    return Preferences(items=await queries.preferences(pool, user.user_id))


def _page(request: Request, token: str, **flags: object) -> HTMLResponse:
    settings: NotificationsSettings = request.app.state.settings
    found = read_token(settings.unsubscribe_secret, token)
    html = templates.get_template("unsubscribe.html").render(
        product=settings.product_name,
        category_label=label(found[1]) if found else "",
        preferences_url=absolute(settings, "/dashboard/profile#notifications"),
        action_url=str(request.url.path),
        invalid=found is None,
        **flags,
    )
    return HTMLResponse(html, status_code=200 if found else 400)


@router.get("/api/notifications/unsubscribe/{token}", response_class=HTMLResponse, tags=["email"])
async def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
    """Only shows a confirmation: link scanners fetch links, and a GET must change nothing."""
    return _page(request, token, done=False)


@router.post("/api/notifications/unsubscribe/{token}", response_class=HTMLResponse, tags=["email"])
async def unsubscribe(request: Request, token: str, pool: Pool) -> HTMLResponse:
    """RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` here, no login."""
    settings: NotificationsSettings = request.app.state.settings
    found = read_token(settings.unsubscribe_secret, token)
    if found is not None:
        await commands.unsubscribe(pool, *found)
    return _page(request, token, done=True)


@router.get("/api/feed", response_model=FeedPage, tags=["feed"])
async def get_feed(
    user: CurrentUser, pool: Pool, limit: Limit, cursor: str | None = None
) -> FeedPage:
    return await feed(pool, user.user_id, limit, cursor)
