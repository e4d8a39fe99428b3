"""Review commands: post, edit, delete, vote helpful, respond."""

from __future__ import annotations

from shared.auth import Principal
from shared.problems import Forbidden, Problem
from shared.uow import UnitOfWork

from catalog.commands.base import (
    Catalog,
    is_entitled,
    load_review,
    load_visible_persona,
)
from catalog.domain import (
    APPROVED,
    Review,
    review_id_for,
)

# ---------------------------------------------------------------- reviews


async def post_review(
    cat: Catalog, user: Principal, persona_id: str, rating: int, body: str | None
) -> tuple[str, bool]:
    """Post the user's review of a persona, or edit it if they reviewed it before."""

    async def fn(uow: UnitOfWork) -> tuple[str, bool]:
        persona = await load_visible_persona(uow, persona_id, user)
        if persona.status != APPROVED:
            raise Problem(
                "Only personas on the market can be reviewed.", status=409, code="not_listed"
            )
        if persona.creator_id == user.user_id:
            raise Forbidden("You cannot review your own persona.", code="own_persona")
        verified = await is_entitled(uow, persona_id, user.user_id)
        review = await uow.load(Review, review_id_for(persona_id, user.user_id))
        created = review.post(persona_id, user.user_id, persona.creator_id, rating, body, verified)
        await uow.save(review)
        return review.id, created

    return await cat.run(fn)


async def edit_review(
    cat: Catalog, user: Principal, review_id: str, rating: int | None, body: str | None
) -> None:
    async def fn(uow: UnitOfWork) -> None:
        review = await load_review(uow, review_id)
        verified = await is_entitled(uow, review.persona_id, review.author_id)
        review.edit(user.user_id, rating, body, verified)
        await uow.save(review)

    await cat.run(fn)


async def delete_review(cat: Catalog, user: Principal, review_id: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        review = await load_review(uow, review_id)
        review.delete(user.user_id, moderator=user.is_admin and user.user_id != review.author_id)
        await uow.save(review)

    await cat.run(fn)


async def vote_helpful(cat: Catalog, user: Principal, review_id: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        review = await load_review(uow, review_id)
        review.vote_helpful(user.user_id)
        await uow.save(review)

    await cat.run(fn)


async def respond_to_review(cat: Catalog, user: Principal, review_id: str, body: str) -> None:
    async def fn(uow: UnitOfWork) -> None:
        review = await load_review(uow, review_id)
        review.respond(user.user_id, body)
        await uow.save(review)

    await cat.run(fn)
