"""Domain errors of generation and the problem+json each is shown as (ServiceSpec.errors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.problems import Forbidden, NotFound, Problem, TooManyRequests, Unprocessable

from generation.rendering import TemplateProblem


class GenerationError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoAccess(GenerationError):
    pass


class PersonaUnknown(GenerationError):
    pass


class PersonaUnavailable(GenerationError):
    pass


class TemplateUnknown(GenerationError):
    pass


class GenerationUnknown(GenerationError):
    pass


class UnknownProvider(GenerationError):
    pass


class LimitReached(GenerationError):
    """A limit of the user's (try-outs of a persona, the rate, the daily budget); `code` says
    which, `retry_after` when it lifts."""

    def __init__(self, message: str, retry_after: int, code: str) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.code = code


class BadRequest(GenerationError):
    def __init__(self, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors


ERRORS: dict[type[Exception], Callable[[Any], Problem]] = {
    NoAccess: lambda e: Forbidden(e.message, code="persona_not_owned"),
    PersonaUnknown: lambda e: NotFound(e.message, code="persona_not_found"),
    PersonaUnavailable: lambda e: Problem(
        e.message, status=503, code="persona_files_unavailable", title="Temporarily unavailable"
    ),
    TemplateUnknown: lambda e: NotFound(e.message, code="template_not_found"),
    GenerationUnknown: lambda e: NotFound(e.message, code="generation_not_found"),
    UnknownProvider: lambda e: Unprocessable(
        e.message, code="unknown_provider", errors=[{"field": "provider", "message": e.message}]
    ),
    LimitReached: lambda e: TooManyRequests(e.message, retry_after=e.retry_after, code=e.code),
    BadRequest: lambda e: Unprocessable(e.message, errors=e.errors),
    TemplateProblem: lambda e: Unprocessable(e.message, code="template_error", errors=e.errors),
}
