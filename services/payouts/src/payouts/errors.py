"""Payouts' domain errors as problem+json: the one place that gives them HTTP statuses."""

from __future__ import annotations

from typing import Any

import stripe
from shared.http import ErrorMapper
from shared.logging import get_logger
from shared.problems import Problem
from shared.stripe_edge import StripeUnavailable

from payouts.domain import PayoutRefused

log = get_logger(__name__)


class RefusedProblem(Problem):
    """A payout refusal: the reason first, with its figures as extension members."""

    status, code, title = 409, "payout_refused", "Payout not possible"

    def __init__(self, refused: PayoutRefused) -> None:
        primary = refused.primary
        # An explicit amount below the minimum is a bad request (422), not a state conflict.
        super().__init__(
            primary.message, status=422 if refused.invalid_amount else 409, code=primary.code
        )
        self.extensions: dict[str, Any] = {
            **primary.extra,
            "blockers": [b.to_dict() for b in refused.blockers],
        }

    def body(self, instance: str | None = None) -> dict[str, Any]:
        return {**super().body(instance), **self.extensions}


class StripeUnreachable(Problem):
    status, code, title = 502, "stripe_unavailable", "Stripe is not reachable"


def stripe_unreachable(exc: Exception) -> Problem:
    # Only onboarding lets a Stripe failure through: payouts retry theirs in the background.
    log.warning("onboarding failed at Stripe", error=repr(exc))
    return StripeUnreachable(
        "Stripe could not start onboarding right now; please try again in a minute."
    )


ERRORS: dict[type[Exception], ErrorMapper] = {
    PayoutRefused: RefusedProblem,
    StripeUnavailable: stripe_unreachable,
    stripe.StripeError: stripe_unreachable,
}
