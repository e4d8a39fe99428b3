"""Payouts' domain: the creator ledger, the connected account, balances and payout rules. Pure."""

from shared.money import format_money

from payouts.domain.account import PayoutAccount
from payouts.domain.balances import (
    FAILED,
    PAID,
    REQUESTED,
    Balance,
    PayoutState,
    TxnEarning,
    balance_of,
)
from payouts.domain.blockers import (
    ACCOUNT_BLOCKERS,
    AccountStatus,
    Blocker,
    PayoutRefused,
    format_day,
    payout_blockers,
)
from payouts.domain.ledger import (
    ACCOUNT_PREFIX,
    LEDGER_PREFIX,
    CreatorLedger,
    account_stream,
    ledger_stream,
)

__all__ = [
    "ACCOUNT_BLOCKERS",
    "ACCOUNT_PREFIX",
    "FAILED",
    "LEDGER_PREFIX",
    "PAID",
    "REQUESTED",
    "AccountStatus",
    "Balance",
    "Blocker",
    "CreatorLedger",
    "PayoutAccount",
    "PayoutRefused",
    "PayoutState",
    "TxnEarning",
    "account_stream",
    "balance_of",
    "format_day",
    "format_money",
    "ledger_stream",
    "payout_blockers",
]
