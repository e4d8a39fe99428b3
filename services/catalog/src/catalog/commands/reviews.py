"""Review commands: post, edit, delete, vote helpful, respond."""

from __future__ import annotations

from shared.auth import Principal
from shared.uow import UnitOfWork

from catalog.commands.base import (
    CatalogBase,
    is_entitled,
    load_review,
    load_visible_persona,
)
from catalog.domain import (
    Review,
    review_id_for,
)
from catalog.domain.errors import (
    Conflicting,
    NotAllowed,
)

# ---------------------------------------------------------------- reviews


class ReviewCommands(CatalogBase):
    """Review commands: post, edit, delete, vote helpful, respond."""

    async def post_review(
        self, user: Principal, persona_id: str, rating: int, body: str | None
    ) -> tuple[str, bool]:
        """Post the user's review of a persona, or edit it if they reviewed it before."""

        async def fn(uow: UnitOfWork) -> tuple[str, bool]:
            persona = await load_visible_persona(uow, persona_id, user)
            if not persona.listed:
                raise Conflicting("Only personas on the market can be reviewed.", code="not_listed")
            if persona.creator_id == user.user_id:
                raise NotAllowed("You cannot review your own persona.", code="own_persona")
            verified = await is_entitled(uow, persona_id, user.user_id)
            review = await uow.load(Review, review_id_for(persona_id, user.user_id))
            created = review.post(
                persona_id, user.user_id, persona.creator_id, rating, body, verified
            )
            await uow.save(review)
            return review.id, created

        return await self.run(fn)

    async def edit_review(
        self, user: Principal, review_id: str, rating: int | None, body: str | None
    ) -> None:
        async def fn(uow: UnitOfWork) -> None:
            review = await load_review(uow, review_id)
            verified = await is_entitled(uow, review.persona_id, review.author_id)
            review.edit(user.user_id, rating, body, verified)
            await uow.save(review)

        await self.run(fn)

    async def delete_review(self, user: Principal, review_id: str) -> None:
        async def fn(uow: UnitOfWork) -> None:
            review = await load_review(uow, review_id)
            review.delete(
                user.user_id, moderator=user.is_admin and user.user_id != review.author_id
            )
            await uow.save(review)

        await self.run(fn)

    async def vote_helpful(self, user: Principal, review_id: str) -> None:
        async def fn(uow: UnitOfWork) -> None:
            review = await load_review(uow, review_id)
            review.vote_helpful(user.user_id)
            await uow.save(review)

        await self.run(fn)

    async def respond_to_review(self, user: Principal, review_id: str, body: str) -> None:
        async def fn(uow: UnitOfWork) -> None:
            review = await load_review(uow, review_id)
            review.respond(user.user_id, body)
            await uow.save(review)

        await self.run(fn)
