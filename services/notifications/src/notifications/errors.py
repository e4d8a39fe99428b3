"""Domain errors of notifications as problem+json (registered through ServiceSpec.errors)."""

from __future__ import annotations

from typing import Any

from shared.http import ErrorMapper
from shared.problems import NotFound, Problem, field_error

from notifications.commands import NotificationNotFound, PreferenceError


def _preference(exc: Any) -> Problem:
    return field_error(f"preferences.{exc.category}", str(exc), "invalid_preference")


def _not_found(exc: Any) -> Problem:
    return NotFound("No such notification.", code="notification_not_found")


ERRORS: dict[type[Exception], ErrorMapper] = {
    PreferenceError: _preference,
    NotificationNotFound: _not_found,
}
