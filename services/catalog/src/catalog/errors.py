"""Catalog domain errors → problem+json: the only place that knows their HTTP status.

Registered once through `ServiceSpec(errors=ERRORS)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.problems import Conflict, Forbidden, NotFound, Problem, field_error

from catalog.domain.errors import (
    Conflicting,
    InvalidInput,
    Missing,
    NotAllowed,
    PaymentRequired,
    StorageUnavailable,
)


def _invalid(e: InvalidInput) -> Problem:
    return field_error(e.field, e.message, e.code)


ERRORS: Mapping[type[Exception], Callable[[Any], Problem]] = {
    Missing: lambda e: NotFound(e.message, code=e.code),
    NotAllowed: lambda e: Forbidden(e.message, code=e.code),
    Conflicting: lambda e: Conflict(e.message, code=e.code),
    InvalidInput: _invalid,
    PaymentRequired: lambda e: Problem(
        e.message, status=402, code=e.code, title="Payment required"
    ),
    StorageUnavailable: lambda e: Problem(
        e.message, status=503, code=e.code, title="Storage unavailable"
    ),
}


def problem_for(exc: Exception) -> Problem:
    """The problem an error is shown as (most specific registered class first)."""
    for cls in type(exc).__mro__:
        if cls in ERRORS:
            return ERRORS[cls](exc)
    raise TypeError(f"{type(exc).__name__} is not a catalog domain error")
