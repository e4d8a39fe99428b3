"""What payouts asks Stripe Connect (Express accounts, account links, transfers), through the
kernel's Stripe edge.

Every POST carries our own deterministic idempotency key, so a retry (the SDK's own, or the
sweeper's after a crash) can never make a second account or a second transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

import stripe
from shared.stripe_edge import Account, AccountLink, StripeConnection, StripeUnavailable

from payouts.settings import PayoutsSettings


@dataclass(frozen=True)
class TransferOutcome:
    """`transfer` when Stripe made it; `failure` (a final refusal) otherwise."""

    transfer: str | None = None
    failure: str | None = None
    code: str | None = None


# Final refusals (bad destination, capability missing, account closed...) fail the payout and
# return its money; anything else (network, rate limit, Stripe down, our own configuration, the
# platform's balance running short) is retried later with the same idempotency key.
_RETRYABLE_CODES = {"balance_insufficient", "lock_timeout", "rate_limit"}


class StripeConnect(StripeConnection):
    def __init__(self, settings: PayoutsSettings) -> None:
        super().__init__(settings)

    async def create_express_account(self, creator_id: str) -> str:
        account = await self.call_as(
            Account,
            self.client.v1.accounts.create_async(
                params={
                    "type": "express",
                    "metadata": {"creator_id": creator_id},
                    "capabilities": {"transfers": {"requested": True}},
                },
                options={"idempotency_key": f"account:{creator_id}"},
            ),
        )
        return account.id

    async def onboarding_link(
        self, stripe_account: str, return_url: str, refresh_url: str
    ) -> AccountLink:
        return await self.call_as(
            AccountLink,
            self.client.v1.account_links.create_async(
                params={
                    "account": stripe_account,
                    "type": "account_onboarding",
                    "return_url": return_url,
                    "refresh_url": refresh_url,
                }
            ),
        )

    async def account(self, stripe_account: str) -> Account:
        return await self.call_as(Account, self.client.v1.accounts.retrieve_async(stripe_account))

    async def existing_transfer(self, payout_id: str) -> str | None:
        """The transfer already made for this payout, if any (survives idempotency-key expiry)."""
        found = await self.call(
            self.client.v1.transfers.list_async(params={"transfer_group": payout_id, "limit": 1})
        )
        data = found.get("data") or []
        return str(data[0]["id"]) if data else None

    async def transfer(
        self, *, payout_id: str, creator_id: str, amount: int, currency: str, destination: str
    ) -> TransferOutcome:
        """Raises `StripeUnavailable` for whatever may work later."""
        try:
            transfer = await self.call(
                self.client.v1.transfers.create_async(
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
            )
        except (stripe.InvalidRequestError, stripe.PermissionError) as exc:
            if exc.code in _RETRYABLE_CODES:
                raise StripeUnavailable(str(exc.user_message or exc)) from exc
            message = exc.user_message or str(exc) or "Stripe refused the transfer."
            return TransferOutcome(failure=message, code=exc.code)
        except stripe.StripeError as exc:
            raise StripeUnavailable(repr(exc)) from exc
        return TransferOutcome(transfer=str(transfer["id"]))
