"""Stripe Connect through the official SDK: Express accounts, account links and transfers.

Every POST carries our own deterministic idempotency key, so a retry (the SDK's own, or the
sweeper's after a crash) can never make a second account or a second transfer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import stripe

from payouts.settings import PayoutsSettings


@dataclass(frozen=True)
class AccountSnapshot:
    stripe_account: str
    details_submitted: bool
    payouts_enabled: bool
    transfers_active: bool


@dataclass(frozen=True)
class TransferOutcome:
    """`transfer` when Stripe made it; `failure` (a final refusal) otherwise."""

    transfer: str | None = None
    failure: str | None = None
    code: str | None = None


class TransientStripeError(Exception):
    """Stripe could not be reached or answered with a retryable error; try again later."""


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """A field of a webhook payload (a dict) or of an SDK object alike."""
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def snapshot(account: Any) -> AccountSnapshot:
    capabilities = _get(account, "capabilities") or {}
    return AccountSnapshot(
        stripe_account=str(_get(account, "id")),
        details_submitted=bool(_get(account, "details_submitted", False)),
        payouts_enabled=bool(_get(account, "payouts_enabled", False)),
        transfers_active=_get(capabilities, "transfers") == "active",
    )


# Final refusals (bad destination, capability missing, account closed...) fail the payout and
# return its money; anything else (network, rate limit, Stripe down, our own configuration, the
# platform's balance running short) is retried later with the same idempotency key.
_RETRYABLE_CODES = {"balance_insufficient", "lock_timeout", "rate_limit"}


class StripeConnect:
    def __init__(self, settings: PayoutsSettings) -> None:
        self._http = stripe.HTTPXClient()
        self.client = stripe.StripeClient(
            settings.stripe_api_key,
            base_addresses={"api": settings.stripe_api_base, "connect": settings.stripe_api_base},
            http_client=self._http,
            max_network_retries=settings.stripe_max_network_retries,
        )

    async def close(self) -> None:
        await self._http.close_async()

    async def create_express_account(self, creator_id: str) -> str:
        account = await self.client.v1.accounts.create_async(
            params={
                "type": "express",
                "metadata": {"creator_id": creator_id},
                "capabilities": {"transfers": {"requested": True}},
            },
            options={"idempotency_key": f"account:{creator_id}"},
        )
        return str(account.id)

    async def onboarding_link(
        self, stripe_account: str, return_url: str, refresh_url: str
    ) -> tuple[str, int]:
        link = await self.client.v1.account_links.create_async(
            params={
                "account": stripe_account,
                "type": "account_onboarding",
                "return_url": return_url,
                "refresh_url": refresh_url,
            }
        )
        return str(link.url), int(link.expires_at)

    async def account(self, stripe_account: str) -> AccountSnapshot:
        return snapshot(await self.client.v1.accounts.retrieve_async(stripe_account))

    async def existing_transfer(self, payout_id: str) -> str | None:
        """The transfer already made for this payout, if any (survives idempotency-key expiry)."""
        found = await self.client.v1.transfers.list_async(
            params={"transfer_group": payout_id, "limit": 1}
        )
        return str(found.data[0].id) if found.data else None

    async def transfer(
        self, *, payout_id: str, creator_id: str, amount: int, currency: str, destination: str
    ) -> TransferOutcome:
        try:
            transfer = await self.client.v1.transfers.create_async(
                params={
                    "amount": amount,
                    "currency": currency,
                    "destination": destination,
                    "transfer_group": payout_id,
                    "description": f"Creator payout {payout_id}",
                    "metadata": {"payout_id": payout_id, "creator_id": creator_id},
                },
                options={"idempotency_key": f"payout:{payout_id}"},
            )
        except (stripe.InvalidRequestError, stripe.PermissionError) as exc:
            if exc.code in _RETRYABLE_CODES:
                raise TransientStripeError(str(exc.user_message or exc)) from exc
            message = exc.user_message or str(exc) or "Stripe refused the transfer."
            return TransferOutcome(failure=message, code=exc.code)
        except stripe.StripeError as exc:
            raise TransientStripeError(repr(exc)) from exc
        return TransferOutcome(transfer=str(transfer.id))
