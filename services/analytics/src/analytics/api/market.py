"""Discovery routes: trending, similar, also-downloaded and personal recommendations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from shared.auth import CurrentUser
from shared.http import get_pool
from shared.pagination import Page, decode_cursor, limit_param, page_of
from shared.problems import Problem

from analytics import market, recommendations
from analytics.errors import PersonaNotFound
from analytics.schemas import Recommended, TrendingPersona

router = APIRouter(tags=["discovery"])

Limit = Annotated[int, Depends(limit_param)]


def _score_cursor(cursor: str | None) -> list[object] | None:
    after = decode_cursor(cursor)
    if after is not None and (
        len(after) != 2 or not isinstance(after[0], int | float) or not isinstance(after[1], str)
    ):
        raise Problem("The cursor is not valid.", code="invalid_cursor")
    return after


@router.get("/api/personas/trending", response_model=Page[TrendingPersona])
async def trending(
    request: Request, limit: Limit, cursor: Annotated[str | None, Query()] = None
) -> Page[TrendingPersona]:
    """Approved personas by trending score (see the analytics README for the formula)."""
    rows = await market.trending(await get_pool(request), limit + 1, _score_cursor(cursor))
    items = [TrendingPersona(**dict(r)) for r in rows]
    return page_of(items, limit, lambda p: [p.score, p.persona_id])


@router.get("/api/personas/{persona_id}/similar", response_model=Page[TrendingPersona])
async def similar(
    persona_id: str, request: Request, limit: Limit, cursor: Annotated[str | None, Query()] = None
) -> Page[TrendingPersona]:
    """Personas like this one: shared tags, then name and description text, then category."""
    pool = await get_pool(request)
    if not await market.is_public(pool, persona_id):
        raise PersonaNotFound(persona_id)
    rows = await market.similar(pool, persona_id, limit + 1, _score_cursor(cursor))
    items = [TrendingPersona(**dict(r)) for r in rows]
    return page_of(items, limit, lambda p: [p.score, p.persona_id])


@router.get("/api/personas/{persona_id}/also-downloaded", response_model=Page[TrendingPersona])
async def also_downloaded(
    persona_id: str, request: Request, limit: Annotated[int, Query(ge=1, le=10)] = 10
) -> Page[TrendingPersona]:
    """Users who hold this persona also hold these (top 10, `score` = how many users)."""
    pool = await get_pool(request)
    if not await market.is_public(pool, persona_id):
        raise PersonaNotFound(persona_id)
    rows = await market.also_downloaded(pool, persona_id, limit)
    return Page[TrendingPersona](items=[TrendingPersona(**dict(r)) for r in rows])


@router.get("/api/recommendations", response_model=Page[Recommended])
async def recommended(
    request: Request,
    user: CurrentUser,
    limit: Limit,
    cursor: Annotated[str | None, Query()] = None,
) -> Page[Recommended]:
    """For the signed-in user; see the analytics README for how candidates are weighed."""
    after = _score_cursor(cursor)
    items = await recommendations.recommend(await get_pool(request), user.user_id)
    if after is not None:
        score, last = float(after[0]), str(after[1])  # type: ignore[arg-type]
        items = [i for i in items if (-i["score"], i["persona_id"]) > (-score, last)]
    page = [Recommended(**i) for i in items[: limit + 1]]
    return page_of(page, limit, lambda p: [p.score, p.persona_id])
