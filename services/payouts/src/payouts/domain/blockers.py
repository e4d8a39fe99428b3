"""Why money is not moving: the payout rules as blockers, and the refusal they make. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "ACCOUNT_BLOCKERS",
    "AccountStatus",
    "Blocker",
    "PayoutRefused",
    "format_day",
    "payout_blockers",
]

from shared.money import format_money

from payouts.domain.balances import Balance


def format_day(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when.year}"


@dataclass(frozen=True)
class AccountStatus:
    exists: bool = False
    stripe_account: str | None = None
    details_submitted: bool = False
    payouts_enabled: bool = False
    transfers_active: bool = False

    @property
    def onboarded(self) -> bool:
        return self.exists and self.payouts_enabled and self.transfers_active


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


ACCOUNT_BLOCKERS = {"not_onboarded", "onboarding_incomplete", "payouts_disabled"}


def payout_blockers(
    balance: Balance, account: AccountStatus, minimum: int, holding_days: int | None = None
) -> list[Blocker]:
    """Everything that stops a payout now, most fundamental first."""
    cur = balance.currency
    out: list[Blocker] = []
    if not account.exists:
        out.append(Blocker("not_onboarded", "Connect a Stripe account to receive payouts."))
    elif not account.onboarded:
        if account.details_submitted:
            out.append(
                Blocker(
                    "payouts_disabled",
                    "Stripe has not enabled payouts on your connected account yet; check your "
                    "Stripe dashboard for anything it still needs.",
                )
            )
        else:
            out.append(
                Blocker(
                    "onboarding_incomplete",
                    "Finish setting up your Stripe account to receive payouts.",
                )
            )
    if balance.debt > 0:
        out.append(
            Blocker(
                "negative_balance",
                f"Refunds of sales already paid out leave you owing "
                f"{format_money(balance.debt, cur)}; it is taken from your next earnings.",
                {"amount": balance.debt},
            )
        )
    available = balance.available
    if available < minimum:
        missing = minimum - available
        below = Blocker(
            "below_minimum",
            f"Your available balance of {format_money(available, cur)} is below the "
            f"{format_money(minimum, cur)} minimum payout: "
            f"{format_money(missing, cur)} more is needed.",
            {"available": available, "minimum": minimum, "amount_missing": missing},
        )
        eligible = balance.eligible_at(minimum)
        nxt = balance.next_available_at
        holding: Blocker | None = None
        if balance.pending > 0 and nxt is not None:
            period = f"the {holding_days}-day holding period" if holding_days else "holding"
            when = eligible or nxt
            message = (
                f"{format_money(balance.pending, cur)} is in {period} so refunds can still be "
                f"made; "
                + (
                    f"you can request a payout on {format_day(when)}."
                    if eligible
                    else f"the next part becomes available on {format_day(nxt)}."
                )
            )
            holding = Blocker(
                "in_holding",
                message,
                {
                    "amount": balance.pending,
                    "available_at": nxt.isoformat(),
                    "eligible_at": eligible.isoformat() if eligible else None,
                },
            )
        # Held money that will reach the minimum is the real reason; otherwise the shortfall is.
        if holding is not None and eligible is not None:
            out += [holding, below]
        else:
            out += [below] + ([holding] if holding else [])
    return out


class PayoutRefused(Exception):
    """A payout request that cannot go ahead; `blockers[0]` is the reason to show first."""

    def __init__(self, blockers: Sequence[Blocker], *, invalid_amount: bool = False) -> None:
        super().__init__(blockers[0].message)
        self.blockers = list(blockers)
        # The request itself is wrong (an explicit amount below the minimum), not the balance.
        self.invalid_amount = invalid_amount

    @property
    def primary(self) -> Blocker:
        return self.blockers[0]
