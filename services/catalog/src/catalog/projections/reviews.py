"""Reviews, helpful votes and the persona rating counters."""

from __future__ import annotations

import asyncpg
from shared.contracts.catalog import (
    ReviewDeleted,
    ReviewEdited,
    ReviewPosted,
    ReviewResponded,
    ReviewVotedHelpful,
)
from shared.events import Envelope

from catalog.projections.base import projections

# ---------------------------------------------------------------- reviews


async def _rate(conn: asyncpg.Connection, persona_id: str, rating: int, sign: int) -> None:
    assert rating in (1, 2, 3, 4, 5)
    await conn.execute(
        f"UPDATE personas SET rating_sum = rating_sum + $2, rating_count = rating_count + $3,"
        f" rating_{rating} = rating_{rating} + $3 WHERE id = $1",
        persona_id,
        sign * rating,
        sign,
    )


@projections.on(ReviewPosted)
async def _review_posted(conn: asyncpg.Connection, e: ReviewPosted, env: Envelope) -> None:
    await conn.execute(
        "INSERT INTO reviews (id, persona_id, user_id, rating, body, verified_purchase,"
        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        e.review_id,
        e.persona_id,
        e.user_id,
        e.rating,
        e.body,
        e.verified_purchase,
        env.occurred_at,
    )
    await _rate(conn, e.persona_id, e.rating, +1)


@projections.on(ReviewEdited)
async def _review_edited(conn: asyncpg.Connection, e: ReviewEdited, env: Envelope) -> None:
    old = await conn.fetchval("SELECT rating FROM reviews WHERE id = $1 FOR UPDATE", e.review_id)
    await conn.execute(
        "UPDATE reviews SET rating = $2, body = $3, verified_purchase = $4, updated_at = $5"
        " WHERE id = $1",
        e.review_id,
        e.rating,
        e.body,
        e.verified_purchase,
        env.occurred_at,
    )
    if old is not None and old != e.rating:
        await _rate(conn, e.persona_id, int(old), -1)
        await _rate(conn, e.persona_id, e.rating, +1)


@projections.on(ReviewDeleted)
async def _review_deleted(conn: asyncpg.Connection, e: ReviewDeleted, env: Envelope) -> None:
    old = await conn.fetchval("DELETE FROM reviews WHERE id = $1 RETURNING rating", e.review_id)
    await conn.execute("DELETE FROM review_votes WHERE review_id = $1", e.review_id)
    if old is not None:
        await _rate(conn, e.persona_id, int(old), -1)


@projections.on(ReviewVotedHelpful)
async def _review_voted(conn: asyncpg.Connection, e: ReviewVotedHelpful, env: Envelope) -> None:
    await conn.execute(
        "INSERT INTO review_votes (review_id, user_id) VALUES ($1, $2)", e.review_id, e.user_id
    )
    await conn.execute(
        "UPDATE reviews SET helpful_count = helpful_count + 1 WHERE id = $1", e.review_id
    )


projections.statement(
    ReviewResponded,
    "UPDATE reviews SET response_body = $2, response_at = $3 WHERE id = $1",
    lambda e, env: (e.review_id, e.body, env.occurred_at),
)
