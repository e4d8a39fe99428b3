"""Personal recommendations: what a signed-in user is likely to want next.

Candidates and their weights (a persona found several ways adds them up):
- from creators the user follows: approved in the last 30 days, or trending: 3 (+ up to 1 for
  its trending score);
- held by the users who hold what this user holds (also-downloaded of the library):
  2 · ln(1 + pair count), summed over the library;
- similar to what the user holds (shared tags, text, category): the similarity score (0..4.5);
- trending, as a fallback for everyone (a new user gets trending alone): up to 0.5.
Never a persona the user holds or created, nor one off the market. At most `MAX_ITEMS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from analytics import market
from analytics.market import PUBLIC

MAX_ITEMS = 100
LIBRARY_SAMPLE = 20  # the most recent holdings that seed "similar"
NEW_DAYS = 30


@dataclass
class Candidate:
    persona_id: str
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, score: float, reason: str) -> None:
        self.score += score
        if reason not in self.reasons:
            self.reasons.append(reason)


async def recommend(pool: asyncpg.Pool, user_id: str) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        library = [
            r["persona_id"]
            for r in await conn.fetch("SELECT persona_id FROM holdings WHERE user_id = $1", user_id)
        ]
        found: dict[str, Candidate] = {}

        def add(persona_id: str, score: float, reason: str) -> None:
            found.setdefault(persona_id, Candidate(persona_id)).add(score, reason)

        for r in await conn.fetch(
            "SELECT p.persona_id, coalesce(t.score, 0) AS trend FROM follows f"
            " JOIN personas p ON p.creator_id = f.followee_id"
            " LEFT JOIN trending_scores t ON t.persona_id = p.persona_id"
            f" WHERE f.follower_id = $1 AND {PUBLIC}"
            " AND (p.approved_at > now() - make_interval(days => $2) OR t.score > 0)",
            user_id,
            NEW_DAYS,
        ):
            add(r["persona_id"], 3.0 + r["trend"] / (1.0 + r["trend"]), "followed_creator")
        for r in await conn.fetch(
            "SELECT other_id, sum(users)::int AS users FROM also_held"
            " WHERE persona_id = ANY($1) AND users > 0 GROUP BY other_id",
            library,
        ):
            add(r["other_id"], 2.0 * math.log1p(r["users"]), "also_downloaded")
        for held in library[-LIBRARY_SAMPLE:]:
            for r in await market.similar(conn, held, 10):
                add(r["persona_id"], float(r["score"]), "similar")
        for r in await conn.fetch(
            "SELECT persona_id, score FROM trending_scores ORDER BY score DESC LIMIT $1", MAX_ITEMS
        ):
            add(r["persona_id"], 0.5 * r["score"] / (1.0 + r["score"]), "trending")

        rows = await conn.fetch(
            "SELECT p.persona_id, p.name, p.creator_id, p.category, p.tags FROM personas p"
            f" WHERE p.persona_id = ANY($1) AND {PUBLIC} AND p.creator_id <> $2"
            " AND NOT EXISTS (SELECT 1 FROM holdings h WHERE h.user_id = $2"
            " AND h.persona_id = p.persona_id)",
            list(found),
            user_id,
        )
    items = [
        {
            **dict(r),
            "score": round(found[r["persona_id"]].score, 4),
            "reasons": found[r["persona_id"]].reasons,
        }
        for r in rows
    ]
    items.sort(key=lambda i: (-i["score"], i["persona_id"]))
    return items[:MAX_ITEMS]
