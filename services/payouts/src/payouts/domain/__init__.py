"""Payouts' domain: the creator ledger, the connected account, balances and payout rules. Pure.

The package exports what its modules list in their `__all__` (each name is listed once, where it
is defined), and the money formatting its messages use."""

from shared.money import format_money

from payouts.domain import account, balances, blockers, ledger
from payouts.domain.account import *  # noqa: F403
from payouts.domain.balances import *  # noqa: F403
from payouts.domain.blockers import *  # noqa: F403
from payouts.domain.ledger import *  # noqa: F403

__all__ = [
    *account.__all__,
    *balances.__all__,
    *blockers.__all__,
    *ledger.__all__,
    "format_money",
]
