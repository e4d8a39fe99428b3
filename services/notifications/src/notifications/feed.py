"""The activity feed: what the creators a user follows did, newest first."""

from __future__ import annotations

from typing import Any

import asyncpg
from shared.pagination import decode_cursor, page_of

from notifications.schemas import Creator, FeedItem, FeedPage


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
        FeedItem.model_validate(
            {**r, "actor": {"user_id": r["actor_id"], "username": r["username"]}}
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
