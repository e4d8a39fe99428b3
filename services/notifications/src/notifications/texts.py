"""Small wording helpers shared by notices and e-mail: money and links into the web UI."""

from __future__ import annotations

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£"}


def money(cents: int, currency: str) -> str:
    """1999, "usd" -> "$19.99"; unknown currencies by code ("19.99 CHF")."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    amount = f"{units:,}.{rest:02d}"
    symbol = SYMBOLS.get(currency.lower())
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency.upper()}"


# Paths of the web UI (web/src/App.tsx); mail turns them into absolute links with PUBLIC_URL.
def persona_path(persona_id: str) -> str:
    return f"/marketplace/{persona_id}"


def creator_path(username: str) -> str:
    return f"/creators/{username}"


LIBRARY_PATH = "/dashboard/purchases"
EARNINGS_PATH = "/dashboard/earnings"
MY_PERSONAS_PATH = "/dashboard/personas"
NOTIFICATIONS_PATH = "/notifications"
