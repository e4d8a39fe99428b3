"""The activity feed: what the creators a user follows did, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel
from shared.pagination import Page, decode_cursor, page_of


class Creator(BaseModel):
    user_id: str
    username: str


class FeedItem(BaseModel):
    id: int
    kind: str  # persona | version | review
    actor: Creator
    persona_id: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: datetime


class FeedPage(Page[FeedItem]):
    # Filled when the user follows nobody yet: creators worth following (most approved personas).
    suggestions: list[Creator] = []


async def feed(pool: asyncpg.Pool, user_id: str, limit: int, cursor: str | None) -> FeedPage:
    after = decode_cursor(cursor)
    args: list[Any] = [user_id, limit + 1]
    where = ""
    if after:
        where = "AND f.id < $3"
        args.append(int(after[0]))
    rows = await pool.fetch(
        "SELECT f.*, coalesce(u.username, '') AS username FROM feed_items f "
        "JOIN follows ON follows.followee_id = f.actor_id AND follows.follower_id = $1 "
        "LEFT JOIN users u ON u.user_id = f.actor_id "
        "LEFT JOIN personas p ON p.persona_id = f.persona_id "
        f"WHERE coalesce(p.status, 'approved') = 'approved' {where} "
        "ORDER BY f.id DESC LIMIT $2",
        *args,
    )
    items = [
        FeedItem(
            id=r["id"],
            kind=r["kind"],
            actor=Creator(user_id=r["actor_id"], username=r["username"]),
            persona_id=r["persona_id"],
            title=r["title"],
            body=r["body"],
            data=r["data"],
            created_at=r["created_at"],
        )
        for r in rows
    ]
    page = page_of(items, limit, lambda i: [i.id])
    suggestions: list[Creator] = []
    if not page.items and cursor is None:
        suggestions = await suggest_creators(pool, user_id)
    return FeedPage(items=page.items, next_cursor=page.next_cursor, suggestions=suggestions)


async def suggest_creators(pool: asyncpg.Pool, user_id: str, n: int = 5) -> list[Creator]:
    rows = await pool.fetch(
        "SELECT p.creator_id, u.username, count(*) AS personas FROM personas p "
        "JOIN users u ON u.user_id = p.creator_id "
        "WHERE p.status = 'approved' AND p.creator_id <> $1 AND NOT EXISTS ("
        "  SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = p.creator_id) "
        "GROUP BY p.creator_id, u.username ORDER BY personas DESC, u.username LIMIT $2",
        user_id,
        n,
    )
    return [Creator(user_id=r["creator_id"], username=r["username"]) for r in rows]
