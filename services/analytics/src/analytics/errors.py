"""Domain errors and the problem+json each is shown as (ServiceSpec.errors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.problems import NotFound, Problem, Unprocessable


class InvalidRange(Exception):
    """A date range the figures cannot be asked for (reversed, too long)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class PersonaNotFound(Exception):
    """Unknown, or not the asker's to see (both look the same, so ids cannot be probed)."""


def _range(exc: InvalidRange) -> Problem:
    return Unprocessable(
        exc.message, code="invalid_range", errors=[{"field": exc.field, "message": exc.message}]
    )


ERRORS: dict[type[Exception], Callable[[Any], Problem]] = {
    InvalidRange: _range,
    PersonaNotFound: lambda exc: NotFound("No such persona.", code="persona_not_found"),
}
