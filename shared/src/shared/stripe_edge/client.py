"""The Stripe client factory: the official SDK's async calls with timeouts and retries."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

import stripe
from pydantic import BaseModel

from shared.stripe_edge.settings import StripeServiceSettings

Obj = dict[str, Any]
M = TypeVar("M", bound=BaseModel)


class StripeUnavailable(Exception):
    """Stripe could not be reached or failed on its side: try again later."""


class StripeConnection:
    """One SDK client per service. Every POST the services make carries their own deterministic
    idempotency key, so the SDK's network retries (and ours) never act twice."""

    def __init__(self, settings: StripeServiceSettings) -> None:
        self._http = stripe.HTTPXClient(timeout=settings.stripe_timeout_s)
        base = settings.stripe_base_url
        self.client = stripe.StripeClient(
            settings.stripe_api_key,
            base_addresses={"api": base, "connect": base} if base else {},
            http_client=self._http,
            max_network_retries=settings.stripe_max_network_retries,
        )

    async def close(self) -> None:
        await self._http.close_async()

    @staticmethod
    async def call(awaitable: Awaitable[Any]) -> Obj:
        """Await an SDK call and return its object as a plain dict; what Stripe may answer
        differently later (network, rate limit, its own 5xx) becomes `StripeUnavailable`."""
        try:
            result = await awaitable
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            raise StripeUnavailable(str(exc) or type(exc).__name__) from exc
        if isinstance(result, stripe.StripeObject):
            return result.to_dict()
        return dict(result)

    @classmethod
    async def call_as(cls, model: type[M], awaitable: Awaitable[Any]) -> M:
        """`call`, its object typed once, here: `await conn.call_as(Account, sdk_call)`."""
        return model.model_validate(await cls.call(awaitable))
