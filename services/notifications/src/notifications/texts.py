"""Links into the web UI, shared by notices and e-mail (money is the kernel's format_money)."""

from __future__ import annotations

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
