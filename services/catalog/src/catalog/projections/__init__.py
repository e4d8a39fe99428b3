"""Read models, written in the same transaction as the events they fold.

Every timestamp comes from the event (`occurred_at`), never from the clock, so a rebuild from the
event store produces the same rows. Counters are updated in place (`x = x + 1`): under concurrent
transactions the row lock serialises them, which keeps ratings and counts exact.

Importing this package registers every handler on `projections`.
"""

from catalog.projections import entitlements, media, moderation, personas, reviews
from catalog.projections.base import projections, recount_market
from catalog.projections.personas import persona_row, version_row

__all__ = [
    "entitlements",
    "media",
    "moderation",
    "persona_row",
    "personas",
    "projections",
    "recount_market",
    "reviews",
    "version_row",
]
