"""Read-side SQL over the projections. Balances use the same rules as `domain.balance_of`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from shared.pagination import Page, decode_cursor, page_of
from shared.problems import Problem

from payouts.domain import AccountStatus, Balance, format_money

# -- account and balance ------------------------------------------------------------------------


async def account_status(conn: asyncpg.Connection | asyncpg.Pool, creator_id: str) -> AccountStatus:
    row = await conn.fetchrow("SELECT * FROM payout_accounts WHERE creator_id = $1", creator_id)
    if row is None:
        return AccountStatus()
    return AccountStatus(
        exists=True,
        stripe_account=row["stripe_account"],
        details_submitted=row["details_submitted"],
        payouts_enabled=row["payouts_enabled"],
        transfers_active=row["transfers_active"],
    )


async def creator_for_account(pool: asyncpg.Pool, stripe_account: str) -> str | None:
    value = await pool.fetchval(
        "SELECT creator_id FROM payout_accounts WHERE stripe_account = $1", stripe_account
    )
    return str(value) if value is not None else None


async def main_currency(pool: asyncpg.Pool, creator_id: str, default: str) -> str:
    """The currency the creator earns most in (their earnings page shows it by default)."""
    value = await pool.fetchval(
        "SELECT currency FROM earning_txns WHERE creator_id = $1"
        " GROUP BY currency ORDER BY sum(earned) DESC, currency LIMIT 1",
        creator_id,
    )
    return str(value) if value else default


async def balance(pool: asyncpg.Pool, creator_id: str, currency: str, now: datetime) -> Balance:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        earned = await conn.fetchrow(
            "SELECT"
            " coalesce(sum(earned - reversed) FILTER"
            "   (WHERE available_at IS NULL OR available_at <= $3), 0) AS matured,"
            " coalesce(sum(earned - reversed) FILTER (WHERE available_at > $3), 0) AS pending"
            " FROM earning_txns WHERE creator_id = $1 AND currency = $2",
            creator_id,
            currency,
            now,
        )
        releases = await conn.fetch(
            "SELECT available_at, sum(earned - reversed) AS amount FROM earning_txns"
            " WHERE creator_id = $1 AND currency = $2 AND available_at > $3"
            " GROUP BY available_at ORDER BY available_at",
            creator_id,
            currency,
            now,
        )
        paid = await conn.fetchrow(
            "SELECT"
            " coalesce(sum(amount - reversed_amount)"
            "   FILTER (WHERE status IN ('requested', 'paid')), 0) AS committed,"
            " coalesce(sum(amount - reversed_amount) FILTER (WHERE status = 'paid'), 0) AS paid,"
            " coalesce(sum(amount) FILTER (WHERE status = 'requested'), 0) AS in_flight"
            " FROM payouts WHERE creator_id = $1 AND currency = $2",
            creator_id,
            currency,
        )
    assert earned is not None and paid is not None
    return Balance(
        currency=currency,
        matured=int(earned["matured"]),
        pending=int(earned["pending"]),
        committed=int(paid["committed"]),
        paid=int(paid["paid"]),
        in_flight=int(paid["in_flight"]),
        lifetime=int(earned["matured"]) + int(earned["pending"]),
        releases=tuple((r["available_at"], int(r["amount"])) for r in releases),
    )


# -- month by month ------------------------------------------------------------------------------


@dataclass
class MonthFigures:
    month: str  # "2026-11"
    gross: int = 0
    fees: int = 0
    refunds: int = 0
    net: int = 0
    payouts: int = 0

    def to_dict(self, with_payouts: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "month": self.month,
            "gross": self.gross,
            "fees": self.fees,
            "refunds": self.refunds,
            "net": self.net,
        }
        if with_payouts:
            d["payouts"] = self.payouts
        return d


def month_key(when: datetime) -> str:
    return f"{when.year:04d}-{when.month:02d}"


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


async def months(
    pool: asyncpg.Pool, creator_id: str, currency: str, start: datetime, end: datetime
) -> list[MonthFigures]:
    """Every calendar month (UTC) in [start, end), zero-filled, oldest first.

    Gross is what buyers paid; fees the platform's share of it, less the part given back with
    refunds; refunds the buyer money refunded or lost to disputes (less disputes won); so
    net = gross - fees - refunds is exactly the creator's earning. Payouts are transfers out,
    less any that failed or came back.
    """
    rows = await pool.fetch(
        "SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month,"
        " coalesce(sum(gross) FILTER (WHERE kind = 'sale'), 0) AS gross,"
        " coalesce(sum(fee) FILTER (WHERE kind = 'sale'), 0)"
        "  - coalesce(sum(fee) FILTER (WHERE kind IN ('refund', 'dispute')), 0)"
        "  + coalesce(sum(fee) FILTER (WHERE kind = 'dispute_won'), 0) AS fees,"
        " coalesce(sum(gross) FILTER (WHERE kind IN ('refund', 'dispute')), 0)"
        "  - coalesce(sum(gross) FILTER (WHERE kind = 'dispute_won'), 0) AS refunds,"
        " coalesce(sum(amount) FILTER"
        "   (WHERE kind IN ('sale', 'refund', 'dispute', 'dispute_won')), 0) AS net,"
        " -coalesce(sum(amount) FILTER"
        "   (WHERE kind IN ('payout', 'payout_returned', 'payout_reversed')), 0) AS payouts"
        " FROM ledger_entries WHERE creator_id = $1 AND currency = $2"
        " AND occurred_at >= $3 AND occurred_at < $4 GROUP BY 1",
        creator_id,
        currency,
        start,
        end,
    )
    by_month = {r["month"]: r for r in rows}
    out: list[MonthFigures] = []
    y, m = start.year, start.month
    while datetime(y, m, 1, tzinfo=UTC) < end:
        key = f"{y:04d}-{m:02d}"
        r = by_month.get(key)
        fig = MonthFigures(key)
        if r is not None:
            fig = MonthFigures(
                key,
                gross=int(r["gross"]),
                fees=int(r["fees"]),
                refunds=int(r["refunds"]),
                net=int(r["net"]),
                payouts=int(r["payouts"]),
            )
        out.append(fig)
        y, m = _add_months(y, m, 1)
    return out


def trailing_window(now: datetime, count: int = 12) -> tuple[datetime, datetime]:
    """The `count` calendar months ending with the current one."""
    y, m = _add_months(now.year, now.month, -(count - 1))
    ny, nm = _add_months(now.year, now.month, 1)
    return datetime(y, m, 1, tzinfo=UTC), datetime(ny, nm, 1, tzinfo=UTC)


# -- lists ---------------------------------------------------------------------------------------

_ENTRY_LABELS = {
    "sale": "Sale",
    "refund": "Refund",
    "dispute": "Dispute opened",
    "dispute_won": "Dispute won",
    "payout": "Payout",
    "payout_returned": "Payout failed: money returned",
    "payout_reversed": "Transfer reversed: money returned",
}


def _bad_cursor() -> Problem:
    return Problem(
        "The cursor is not valid; start again from the first page.", code="invalid_cursor"
    )


def _cursor_position(values: list[Any]) -> int:
    if len(values) != 1 or isinstance(values[0], bool):
        raise _bad_cursor()
    try:
        position = int(values[0])
    except (ValueError, TypeError):
        raise _bad_cursor() from None
    if not 0 < position < 2**63:
        raise _bad_cursor()
    return position


async def transactions(
    pool: asyncpg.Pool,
    creator_id: str,
    now: datetime,
    limit: int,
    cursor: str | None,
    currency: str | None = None,
) -> Page[dict[str, Any]]:
    after = decode_cursor(cursor)
    before = _cursor_position(after) if after is not None else None
    rows = await pool.fetch(
        "SELECT e.*, p.status AS payout_status FROM ledger_entries e"
        " LEFT JOIN payouts p ON p.payout_id = e.payout_id AND e.kind = 'payout'"
        " WHERE e.creator_id = $1 AND ($2::bigint IS NULL OR e.position < $2)"
        " AND ($3::text IS NULL OR e.currency = $3)"
        " ORDER BY e.position DESC LIMIT $4",
        creator_id,
        before,
        currency,
        limit + 1,
    )
    items = [_entry_item(r, now) for r in rows]
    return page_of(items, limit, lambda item: [int(item["id"])])


def _entry_item(r: asyncpg.Record, now: datetime) -> dict[str, Any]:
    kind = r["kind"]
    if kind == "sale":
        status = "pending" if r["available_at"] and r["available_at"] > now else "available"
    elif kind == "payout":
        status = r["payout_status"]
    else:
        status = "settled"
    return {
        "id": str(r["position"]),
        "type": kind,
        "description": _ENTRY_LABELS.get(kind, kind),
        "transaction_id": r["transaction_id"],
        "payout_id": r["payout_id"],
        "reference": r["reference"],
        "persona_id": r["persona_id"],
        "gross": r["gross"],
        "fee": r["fee"],
        "amount": r["amount"],
        "currency": r["currency"],
        "status": status,
        "reason": r["reason"],
        "available_at": r["available_at"],
        "created_at": r["occurred_at"],
    }


IN_PROGRESS_REASON = (
    "The transfer to your Stripe account is being made; if Stripe is unreachable it is retried "
    "automatically."
)


def payout_item(r: asyncpg.Record) -> dict[str, Any]:
    reason = r["reason"]
    status = r["status"]
    amount, currency = int(r["amount"]), r["currency"]
    if status == "requested":
        reason = IN_PROGRESS_REASON
    elif status == "failed" and r["reversed_amount"] >= amount:
        reason = (
            f"The transfer was reversed ({reason}); {format_money(amount, currency)} is back in "
            "your balance."
        )
    elif status == "failed":
        reason = (
            f"The transfer failed: {(reason or 'Stripe refused it').rstrip('.')}. "
            f"{format_money(amount, currency)} is back in your balance."
        )
    elif r["reversed_amount"] > 0:
        reason = (
            f"{format_money(int(r['reversed_amount']), currency)} of this transfer was reversed "
            f"({reason}) and is back in your balance."
        )
    return {
        "id": r["payout_id"],
        "amount": amount,
        "currency": currency,
        "status": status,
        "reason": reason,
        "failure_code": r["failure_code"],
        "reversed_amount": int(r["reversed_amount"]),
        "stripe_transfer": r["stripe_transfer"],
        "created_at": r["created_at"],
        "settled_at": r["settled_at"],
    }


async def payout(pool: asyncpg.Pool, creator_id: str, payout_id: str) -> dict[str, Any] | None:
    row = await pool.fetchrow(
        "SELECT * FROM payouts WHERE payout_id = $1 AND creator_id = $2", payout_id, creator_id
    )
    return payout_item(row) if row else None


async def payouts(
    pool: asyncpg.Pool, creator_id: str, limit: int, cursor: str | None
) -> Page[dict[str, Any]]:
    after = decode_cursor(cursor)
    created: datetime | None = None
    last_id = ""
    if after is not None:
        try:
            created, last_id = datetime.fromisoformat(str(after[0])), str(after[1])
        except (ValueError, TypeError, IndexError):
            raise _bad_cursor() from None
        if created.tzinfo is None or len(after) != 2:
            raise _bad_cursor()
    rows = await pool.fetch(
        "SELECT * FROM payouts WHERE creator_id = $1"
        " AND ($2::timestamptz IS NULL OR (created_at, payout_id) < ($2, $3))"
        " ORDER BY created_at DESC, payout_id DESC LIMIT $4",
        creator_id,
        created,
        last_id,
        limit + 1,
    )
    items = [payout_item(r) for r in rows]
    return page_of(items, limit, lambda item: [item["created_at"].isoformat(), item["id"]])


async def unsettled_payouts(pool: asyncpg.Pool, older_than: datetime) -> list[asyncpg.Record]:
    return list(
        await pool.fetch(
            "SELECT payout_id, creator_id FROM payouts WHERE status = 'requested'"
            " AND created_at <= $1 ORDER BY created_at LIMIT 100",
            older_than,
        )
    )


async def last_failed_payout(
    pool: asyncpg.Pool, creator_id: str, currency: str
) -> dict[str, Any] | None:
    """The newest payout, if it failed: its reason stays visible until a payout succeeds."""
    row = await pool.fetchrow(
        "SELECT * FROM payouts WHERE creator_id = $1 AND currency = $2"
        " ORDER BY created_at DESC, payout_id DESC LIMIT 1",
        creator_id,
        currency,
    )
    if row is None or row["status"] != "failed":
        return None
    return payout_item(row)
