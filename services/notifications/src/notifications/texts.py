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
# The templates are filled from an event's facts by the notice rules (rules.py).
PERSONA_PATH = "/marketplace/{persona_id}"
CREATOR_PATH = "/creators/{username}"


def persona_path(persona_id: str) -> str:
    return PERSONA_PATH.format(persona_id=persona_id)


LIBRARY_PATH = "/dashboard/purchases"
EARNINGS_PATH = "/dashboard/earnings"
MY_PERSONAS_PATH = "/dashboard/personas"
NOTIFICATIONS_PATH = "/notifications"

# The pages a notice rule links to, by the names notices.toml uses.
PAGES = {
    "persona": PERSONA_PATH,
    "creator": CREATOR_PATH,
    "library": LIBRARY_PATH,
    "earnings": EARNINGS_PATH,
    "my_personas": MY_PERSONAS_PATH,
}
