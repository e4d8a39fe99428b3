"""Billing's domain: the Transaction aggregate and the values it decides with. Pure, no I/O.

The package exports what its modules list in their `__all__` (each name is listed once, where it
is defined)."""

from billing.domain import transaction, values
from billing.domain.transaction import *  # noqa: F403
from billing.domain.values import *  # noqa: F403

__all__ = [*transaction.__all__, *values.__all__]
