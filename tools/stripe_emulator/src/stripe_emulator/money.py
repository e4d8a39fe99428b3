"""Currency facts the emulator needs: minimum charge amounts and display formatting.

The emulator stands alone (it does not depend on the kernel), so it keeps its own copy of
Stripe's zero-decimal list; the platform's is `shared.money.ZERO_DECIMAL`.
"""

from __future__ import annotations

ZERO_DECIMAL = {
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
    "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
}  # fmt: skip

# Smallest charge Stripe accepts, in minor units, for the currencies we expect to see.
MINIMUM_CHARGE = {"usd": 50, "eur": 50, "gbp": 30, "cad": 50, "aud": 50, "chf": 50, "jpy": 50}

_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}


def tax_for(subtotal: int, rate_bps: int) -> int:
    """Deterministic automatic tax: rate on top of the subtotal, rounded half up."""
    return (subtotal * rate_bps + 5_000) // 10_000


def fmt(amount: int, currency: str) -> str:
    cur = currency.lower()
    sign, cents = ("-" if amount < 0 else ""), abs(amount)
    value = (
        f"{sign}{cents:,}" if cur in ZERO_DECIMAL else f"{sign}{cents // 100:,}.{cents % 100:02d}"
    )
    symbol = _SYMBOLS.get(cur)
    return f"{symbol}{value}" if symbol else f"{value} {cur.upper()}"
