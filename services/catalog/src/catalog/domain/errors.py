"""The catalog's domain errors: what went wrong, in domain words, with a stable `code`.

The domain and the commands raise only these; `catalog.errors` maps each kind to problem+json
(the HTTP status lives there, not here).
"""

from __future__ import annotations


class CatalogError(Exception):
    """A catalog rule refused the request. `code` is stable: clients and tests match on it."""

    default_code = "catalog_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class Missing(CatalogError):
    """The thing does not exist, or this user may not know that it does."""

    default_code = "not_found"


class NotAllowed(CatalogError):
    """The thing exists and is visible, but this user may not do this to it."""

    default_code = "forbidden"


class Conflicting(CatalogError):
    """The request clashes with the thing's current state (already approved, exists, ...)."""

    default_code = "conflict"


class InvalidInput(CatalogError):
    """An input value breaks a rule; `field` names it."""

    def __init__(self, field: str, message: str, code: str = "validation_error") -> None:
        super().__init__(message, code=code)
        self.field = field


class PaymentRequired(CatalogError):
    """A paid persona was asked for as if it were free."""

    default_code = "payment_required"


class StorageUnavailable(CatalogError):
    """A file the event store references is not in the blob store."""

    default_code = "blob_missing"


def persona_not_found() -> Missing:
    return Missing("No such persona.", code="persona_not_found")


def review_not_found() -> Missing:
    return Missing("No such review.", code="review_not_found")


def report_not_found() -> Missing:
    return Missing("No such report.", code="report_not_found")
