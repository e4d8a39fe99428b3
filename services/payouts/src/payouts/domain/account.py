"""The creator's connected Stripe account (`account-<creator_id>`): what Stripe reports. Pure."""

from __future__ import annotations

from shared.aggregate import Aggregate
from shared.contracts.payouts import PayoutAccountCreated, PayoutAccountUpdated

from payouts.domain.blockers import AccountStatus
from payouts.domain.ledger import ACCOUNT_PREFIX

__all__ = ["PayoutAccount"]


class PayoutAccount(Aggregate):
    stream_type = "payout_account"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.creator_id = stream_id.removeprefix(ACCOUNT_PREFIX)
        self.stripe_account: str | None = None
        self.details_submitted = False
        self.payouts_enabled = False
        self.transfers_active = False

    @property
    def status(self) -> AccountStatus:
        return AccountStatus(
            exists=self.stripe_account is not None,
            stripe_account=self.stripe_account,
            details_submitted=self.details_submitted,
            payouts_enabled=self.payouts_enabled,
            transfers_active=self.transfers_active,
        )

    def open(self, stripe_account: str) -> bool:
        if self.stripe_account is not None:
            return False
        self._record(
            PayoutAccountCreated(creator_id=self.creator_id, stripe_account=stripe_account)
        )
        return True

    def update_status(
        self, *, details_submitted: bool, payouts_enabled: bool, transfers_active: bool
    ) -> bool:
        if self.stripe_account is None:
            return False
        if (details_submitted, payouts_enabled, transfers_active) == (
            self.details_submitted,
            self.payouts_enabled,
            self.transfers_active,
        ):
            return False
        self._record(
            PayoutAccountUpdated(
                creator_id=self.creator_id,
                stripe_account=self.stripe_account,
                details_submitted=details_submitted,
                payouts_enabled=payouts_enabled,
                transfers_active=transfers_active,
            )
        )
        return True

    def when_PayoutAccountCreated(self, e: PayoutAccountCreated) -> None:
        self.stripe_account = e.stripe_account

    def when_PayoutAccountUpdated(self, e: PayoutAccountUpdated) -> None:
        self.details_submitted = e.details_submitted
        self.payouts_enabled = e.payouts_enabled
        self.transfers_active = e.transfers_active
