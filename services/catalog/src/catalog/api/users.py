"""The signed-in user's personas and library, and a creator's public personas."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from shared.auth import CurrentUser, OptionalUser

from catalog import queries
from catalog.api.deps import Limit, Pool
from catalog.domain.errors import Missing
from catalog.schemas import PersonaPage, PurchasePage

router = APIRouter(tags=["users"])


@router.get("/api/users/me/personas", response_model=PersonaPage)
async def my_personas(
    user: CurrentUser,
    pool: Pool,
    status: Literal["draft", "pending", "approved", "rejected", "suspended"] | None = None,
    limit: Limit = 20,
    cursor: str | None = None,
) -> dict[str, Any]:
    """The creator's own personas in every status (deleted ones left out), newest first, with
    their counts (downloads, acquisitions, ratings)."""
    return await queries.my_personas(pool, user, status, limit, cursor)


@router.get("/api/users/me/purchases", response_model=PurchasePage)
async def my_purchases(
    user: CurrentUser, pool: Pool, limit: Limit = 20, cursor: str | None = None
) -> dict[str, Any]:
    """The library: free acquisitions and purchases still held, newest first; each item can be
    downloaded again (even when its creator deleted the persona)."""
    return await queries.purchases(pool, user, limit, cursor)


@router.get("/api/users/{username}/personas", response_model=PersonaPage)
async def creator_personas(
    username: str,
    pool: Pool,
    viewer: OptionalUser,
    limit: Limit = 20,
    cursor: str | None = None,
) -> dict[str, Any]:
    """A creator's personas on the market (approved only)."""
    user_id = await queries.user_id_for(pool, username)
    if user_id is None:
        raise Missing("No such user.", code="user_not_found")
    return await queries.creator_personas(pool, user_id, viewer, limit, cursor)
