"""Money in integer minor units with a currency; the platform's revenue split."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

BPS = 10_000


class Money(BaseModel):
    model_config = ConfigDict(frozen=True)

    amount: int = Field(description="minor units (cents)")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217, lower case")


def platform_fee(amount: int, rate_bps: int) -> int:
    """The platform's share, rounded half up with integers only: 999 at 30% -> 300."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    return (amount * rate_bps + BPS // 2) // BPS


def split(amount: int, rate_bps: int) -> tuple[int, int]:
    """(platform_fee, creator_revenue); the two always add up to `amount`."""
    fee = platform_fee(amount, rate_bps)
    return fee, amount - fee
