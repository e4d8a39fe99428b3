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


# Currencies whose minor unit is the whole unit (Stripe's list: amounts are not multiplied by 100).
ZERO_DECIMAL = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
     "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)  # fmt: skip
_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


def decimal(cents: int, currency: str) -> str:
    """Minor units as a plain decimal string, integers only: -1234 "usd" -> "-12.34"."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    if currency.lower() in ZERO_DECIMAL:
        return f"{sign}{cents}"
    whole, minor = divmod(cents, 100)
    return f"{sign}{whole}.{minor:02d}"


def format_money(cents: int, currency: str) -> str:
    """For people: `2500, "usd"` -> `$25.00`, `-150000, "jpy"` -> `-150,000 JPY`."""
    cur = currency.lower()
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    if cur in ZERO_DECIMAL:
        number = f"{cents:,}"
    else:
        whole, minor = divmod(cents, 100)
        number = f"{whole:,}.{minor:02d}"
    symbol = _SYMBOLS.get(cur)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {cur.upper()}"
