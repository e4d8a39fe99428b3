"""Discovery routes: trending, similar, also-downloaded and personal recommendations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from shared.http import get_pool
from shared.pagination import Page, decode_cursor, limit_param, page_of
from shared.problems import Problem

from analytics import market

router = APIRouter(tags=["discovery"])

Limit = Annotated[int, Depends(limit_param)]


class TrendingPersona(BaseModel):
    persona_id: str
    name: str
    creator_id: str
    category: str | None
    tags: list[str]
    score: float


@router.get("/api/personas/trending", response_model=Page[TrendingPersona])
async def trending(
    request: Request, limit: Limit, cursor: Annotated[str | None, Query()] = None
) -> Page[TrendingPersona]:
    """Approved personas by trending score (see the analytics README for the formula)."""
    after = decode_cursor(cursor)
    if after is not None and (
        len(after) != 2 or not isinstance(after[0], int | float) or not isinstance(after[1], str)
    ):
        raise Problem("The cursor is not valid.", code="invalid_cursor")
    rows = await market.trending(await get_pool(request), limit + 1, after)
    items = [TrendingPersona(**dict(r)) for r in rows]
    return page_of(items, limit, lambda p: [p.score, p.persona_id])
