"""Stripe-style API errors: `{"error": {"type", "code", "message", "param"}}` + HTTP status."""

from __future__ import annotations

from typing import Any


class StripeError(Exception):
    """Raised anywhere in request handling; rendered by the app's exception handler.

    `replayable` says whether an idempotency key stores this result. Stripe saves the
    outcome once an operation has started executing (e.g. a declined transfer), but not
    for requests rejected by parameter validation, so a corrected retry can succeed.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        replayable: bool = False,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.replayable = replayable
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {
            "type": self.type,
            "code": self.code,
            "message": self.message,
            "param": self.param,
        }
        if self.code and not self.code.endswith("_by_emulator"):
            err["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        err.update(self.extra)
        return {"error": err}


def invalid(message: str, param: str | None = None, code: str | None = None) -> StripeError:
    return StripeError(400, message, param=param, code=code)


def missing_param(param: str) -> StripeError:
    return StripeError(
        400, f"Missing required param: {param}.", param=param, code="parameter_missing"
    )


def unknown_param(param: str) -> StripeError:
    return StripeError(
        400, f"Received unknown parameter: {param}", param=param, code="parameter_unknown"
    )


def no_such(kind: str, object_id: str, param: str = "id") -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", param=param, code="resource_missing")


def unsupported(param: str, what: str | None = None) -> StripeError:
    """A parameter Stripe accepts but this emulator does not model: fail loudly, never fake."""
    return StripeError(
        400,
        f"The Stripe emulator does not support `{what or param}`. See tools/stripe_emulator/README.md.",
        param=param,
        code="parameter_unsupported_by_emulator",
    )
