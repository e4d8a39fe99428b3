"""Billing's domain errors as problem+json: the one place that gives them HTTP statuses."""

from __future__ import annotations

from collections.abc import Callable

import stripe
from shared.http import ErrorMapper
from shared.logging import get_logger
from shared.problems import Problem
from shared.stripe_edge import StripeUnavailable

from billing.domain import DomainError, InvalidAmount, Missing, NotAllowed

log = get_logger(__name__)


def _refusal(status: int, title: str) -> Callable[[DomainError], Problem]:
    def problem(exc: DomainError) -> Problem:
        return Problem(str(exc), status=status, code=exc.code, title=title)

    return problem


def provider_down(exc: Exception) -> Problem:
    log.error("Stripe call failed", error=str(exc), kind=type(exc).__name__)
    return Problem(
        "The payment provider is not reachable right now; please try again in a moment.",
        status=502,
        code="payment_provider_unavailable",
        title="Payment provider unavailable",
    )


ERRORS: dict[type[Exception], ErrorMapper] = {
    DomainError: _refusal(409, "Conflict"),
    Missing: _refusal(404, "Not found"),
    NotAllowed: _refusal(403, "Not allowed"),
    InvalidAmount: _refusal(422, "Invalid input"),
    StripeUnavailable: provider_down,
    stripe.StripeError: provider_down,
}


def problem_for(exc: Exception) -> Problem:
    """The problem an error is shown as (the most specific mapping along its classes)."""
    for cls in type(exc).__mro__:
        if cls in ERRORS:
            return ERRORS[cls](exc)
    raise LookupError(f"{type(exc).__name__} has no HTTP mapping")
