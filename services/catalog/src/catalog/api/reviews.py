"""Review routes: one review per user and persona, helpful votes, creator responses, reports."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from shared.auth import CurrentUser, OptionalUser

from catalog import queries
from catalog.api.deps import CatalogDep, Limit, Pool, VisiblePersonaId, file_report
from catalog.domain.errors import review_not_found
from catalog.schemas import (
    HelpfulOut,
    ReportIn,
    ResponseIn,
    ReviewIn,
    ReviewOut,
    ReviewPage,
    ReviewPatch,
)

router = APIRouter(tags=["reviews"])


async def _review(pool: Pool, review_id: str, viewer_id: str | None) -> dict[str, Any]:
    row = await queries.review_row(pool, review_id, viewer_id)
    if row is None:
        raise review_not_found()
    return queries.review_json(row)


@router.get("/api/personas/{persona_id}/reviews", response_model=ReviewPage)
async def list_reviews(
    persona_id: VisiblePersonaId,
    pool: Pool,
    viewer: OptionalUser,
    sort: Literal["newest", "helpful"] = "newest",
    limit: Limit = 20,
    cursor: str | None = None,
) -> dict[str, Any]:
    return await queries.reviews(
        pool, persona_id, viewer.user_id if viewer else None, sort, limit, cursor
    )


@router.post("/api/personas/{persona_id}/reviews", status_code=201, response_model=ReviewOut)
async def post_review(
    persona_id: str,
    body: ReviewIn,
    user: CurrentUser,
    cat: CatalogDep,
    pool: Pool,
    response: Response,
) -> dict[str, Any]:
    """Post a review (201), or replace the caller's existing one (200): one per user."""
    review_id, created = await cat.post_review(user, persona_id, body.rating, body.body)
    if not created:
        response.status_code = 200
    return await _review(pool, review_id, user.user_id)


@router.patch("/api/reviews/{review_id}", response_model=ReviewOut)
async def edit_review(
    review_id: str, body: ReviewPatch, user: CurrentUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    """Change the rating, the text or both: a field left out keeps its saved value."""
    await cat.edit_review(user, review_id, body.rating, body.body)
    return await _review(pool, review_id, user.user_id)


@router.delete("/api/reviews/{review_id}", status_code=204)
async def delete_review(review_id: str, user: CurrentUser, cat: CatalogDep) -> None:
    """The author deletes their review (admins may remove any)."""
    await cat.delete_review(user, review_id)


@router.post("/api/reviews/{review_id}/helpful", response_model=HelpfulOut)
async def vote_helpful(
    review_id: str, user: CurrentUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    """One helpful vote per user; voting again changes nothing."""
    await cat.vote_helpful(user, review_id)
    review = await _review(pool, review_id, user.user_id)
    return {
        "review_id": review_id,
        "helpful_count": review["helpful_count"],
        "voted_helpful": review["voted_helpful"],
    }


@router.post("/api/reviews/{review_id}/response", response_model=ReviewOut)
async def respond(
    review_id: str, body: ResponseIn, user: CurrentUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    """The persona's creator answers a review, once."""
    await cat.respond_to_review(user, review_id, body.body.strip())
    return await _review(pool, review_id, user.user_id)


@router.post("/api/reviews/{review_id}/report", status_code=201)
async def report_review(
    review_id: str, body: ReportIn, user: CurrentUser, cat: CatalogDep, response: Response
) -> dict[str, Any]:
    return await file_report(cat, user, ("review", review_id), body, response)


__all__ = ["OptionalUser", "router"]
