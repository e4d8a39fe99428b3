"""Identity's domain errors → problem+json: the only place that knows their HTTP status.

Registered once through `ServiceSpec(errors=ERRORS)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.problems import (
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    TooManyRequests,
    Unauthorized,
    field_error,
)

from identity.domain import (
    AccountSuspended,
    AlreadyVerified,
    DomainError,
    InvalidCredentials,
    InvalidLink,
    SentRecently,
    SessionEnded,
    Taken,
    UnknownUser,
    WrongCurrentPassword,
)
from identity.hashing import HashingBusy
from identity.passwords import PasswordRejected


def _rule_broken(e: DomainError) -> Problem:
    if e.code == "conflict":
        return Conflict(e.message, errors=[{"field": e.field, "message": e.message}])
    return field_error(e.field, e.message, e.code)


ERRORS: Mapping[type[Exception], Callable[[Any], Problem]] = {
    DomainError: _rule_broken,
    PasswordRejected: lambda e: field_error("password", e.message, e.code),
    Taken: lambda e: Conflict(
        e.message, code=e.code, errors=[{"field": e.field, "message": e.message}]
    ),
    InvalidCredentials: lambda e: Unauthorized(e.message, code=e.code),
    # No WWW-Authenticate: the refresh token is in the body, not a bearer credential.
    SessionEnded: lambda e: Unauthorized(e.message, code=e.code, headers={}),
    InvalidLink: lambda e: Problem(
        e.message, code=e.code, errors=[{"field": "token", "message": e.message}]
    ),
    AccountSuspended: lambda e: Forbidden(e.message, code=e.code),
    WrongCurrentPassword: lambda e: field_error("current_password", e.message, e.code),
    UnknownUser: lambda e: NotFound(e.message, code=e.code),
    AlreadyVerified: lambda e: Conflict(e.message, code=e.code),
    SentRecently: lambda e: TooManyRequests(e.message, retry_after=e.retry_after, code=e.code),
    HashingBusy: lambda e: TooManyRequests(
        "The service is busy; try again in a moment.", retry_after=e.retry_after, code="busy"
    ),
}
