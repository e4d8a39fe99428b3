"""The review aggregate: one per user and persona."""

from __future__ import annotations

from typing import TypedDict

from shared.aggregate import Aggregate
from shared.contracts.catalog import (
    ReviewDeleted,
    ReviewEdited,
    ReviewPosted,
    ReviewResponded,
    ReviewVotedHelpful,
)

from catalog.domain.errors import (
    Conflicting,
    NotAllowed,
    review_not_found,
)


class ReviewKeys(TypedDict):
    """Whose review, of which persona, by whom: what the post, edit and delete events carry."""

    review_id: str
    persona_id: str
    user_id: str
    creator_id: str


class Review(Aggregate):
    stream_type = "review"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.persona_id = ""
        self.author_id = ""
        self.creator_id = ""
        self.rating = 0
        self.body = ""
        self.active = False
        self.voters: set[str] = set()
        self.responded = False

    def _keys(self) -> ReviewKeys:
        return ReviewKeys(
            review_id=self.id,
            persona_id=self.persona_id,
            user_id=self.author_id,
            creator_id=self.creator_id,
        )

    def _must_be_active(self) -> None:
        if not self.active:
            raise review_not_found()

    def post(
        self,
        persona_id: str,
        author_id: str,
        creator_id: str,
        rating: int,
        body: str | None,
        verified: bool,
    ) -> bool:
        """Post, or edit the author's existing review; True when a new review was posted.
        A body left out (None) keeps the one saved; on a new review it is empty."""
        if self.active:
            self.edit(author_id, rating, body, verified)
            return False
        self._record(
            ReviewPosted(
                review_id=self.id,
                persona_id=persona_id,
                user_id=author_id,
                creator_id=creator_id,
                rating=rating,
                verified_purchase=verified,
                body=body or "",
            )
        )
        return True

    def edit(self, actor_id: str, rating: int | None, body: str | None, verified: bool) -> None:
        """Change what is given; a field left out (None) keeps its saved value (PATCH)."""
        self._must_be_active()
        if actor_id != self.author_id:
            raise NotAllowed("Only the review's author can edit it.", code="not_author")
        self._record(
            ReviewEdited(
                **self._keys(),
                rating=self.rating if rating is None else rating,
                body=self.body if body is None else body,
                verified_purchase=verified,
            )
        )

    def delete(self, actor_id: str, *, moderator: bool = False) -> None:
        self._must_be_active()
        if not moderator and actor_id != self.author_id:
            raise NotAllowed("Only the review's author can delete it.", code="not_author")
        self._record(
            ReviewDeleted(
                **self._keys(),
                by="moderator" if moderator else "author",
            )
        )

    def vote_helpful(self, voter_id: str) -> bool:
        self._must_be_active()
        if voter_id == self.author_id:
            raise NotAllowed("You cannot vote for your own review.", code="own_review")
        if voter_id == self.creator_id:  # the creator would be grading reviews of their own work
            raise NotAllowed("You cannot vote on reviews of your own persona.", code="own_persona")
        if voter_id in self.voters:
            return False
        self._record(
            ReviewVotedHelpful(review_id=self.id, persona_id=self.persona_id, user_id=voter_id)
        )
        return True

    def respond(self, actor_id: str, body: str) -> None:
        self._must_be_active()
        if actor_id != self.creator_id:
            raise NotAllowed(
                "Only the persona's creator can respond to a review.", code="not_creator"
            )
        if self.responded:
            raise Conflicting("This review already has a response.", code="already_responded")
        self._record(
            ReviewResponded(
                review_id=self.id, persona_id=self.persona_id, creator_id=actor_id, body=body
            )
        )

    def when_ReviewPosted(self, e: ReviewPosted) -> None:
        self.persona_id, self.author_id, self.creator_id = e.persona_id, e.user_id, e.creator_id
        self.rating = e.rating
        self.body = e.body
        self.active = True
        # A re-posted review starts fresh: no votes, no response.
        self.voters = set()
        self.responded = False

    def when_ReviewEdited(self, e: ReviewEdited) -> None:
        self.rating = e.rating
        self.body = e.body

    def when_ReviewDeleted(self, e: ReviewDeleted) -> None:
        self.active = False

    def when_ReviewVotedHelpful(self, e: ReviewVotedHelpful) -> None:
        self.voters.add(e.user_id)

    def when_ReviewResponded(self, e: ReviewResponded) -> None:
        self.responded = True
