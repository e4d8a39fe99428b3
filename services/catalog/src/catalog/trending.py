"""Trending scores from analytics (`TrendingScoresUpdated`) into `personas.trending_score`.

Analytics owns the formula (services/analytics/README.md); catalog only keeps the newest scores
it was sent so `sort=trending` is one index walk like every other sort. A persona not listed in
an update scores 0. After `rebuild-projections` every score is 0 until the next update (analytics
sends one when the ranking changes, and at least hourly).
"""

from __future__ import annotations

import uuid

from shared.contracts.analytics import TrendingScoresUpdated
from shared.events import Envelope
from shared.subscriptions import Subscription
from shared.uow import UnitOfWork

trending = Subscription("catalog", "trending")


@trending.on(TrendingScoresUpdated)
async def scores(e: TrendingScoresUpdated, env: Envelope, uow: UnitOfWork) -> None:
    newer = await uow.conn.fetchval(
        "INSERT INTO trending_applied (id, computed_at) VALUES (true, $1)"
        " ON CONFLICT (id) DO UPDATE SET computed_at = excluded.computed_at"
        " WHERE trending_applied.computed_at < excluded.computed_at RETURNING 1",
        e.computed_at,
    )
    if not newer:
        return
    ids, values = [], []
    for s in e.scores:
        try:
            ids.append(uuid.UUID(s.persona_id))
        except ValueError:
            continue
        values.append(s.score)
    await uow.conn.execute(
        "UPDATE personas SET trending_score = 0 WHERE trending_score <> 0 AND NOT id = ANY($1)",
        ids,
    )
    await uow.conn.execute(
        "UPDATE personas p SET trending_score = s.score"
        " FROM unnest($1::uuid[], $2::float8[]) AS s(id, score) WHERE p.id = s.id",
        ids,
        values,
    )
