"""Read-side SQL over the projections. Balances use the same rules as `domain.balance_of`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeAlias

import asyncpg
from shared.pagination import Page, after_key, decode_cursor, newest_first_key, page_of
from shared.problems import Problem

from payouts.domain import AccountStatus, Balance
from payouts.schemas import entry_item, payout_item

DB: TypeAlias = asyncpg.Pool | asyncpg.Connection

# -- account and balance ------------------------------------------------------------------------


async def account_status(db: DB, creator_id: str) -> AccountStatus:
    row = await db.fetchrow("SELECT * FROM payout_accounts WHERE creator_id = $1", creator_id)
    if row is None:
        return AccountStatus()
    return AccountStatus(
        exists=True,
        stripe_account=row["stripe_account"],
        details_submitted=row["details_submitted"],
        payouts_enabled=row["payouts_enabled"],
        transfers_active=row["transfers_active"],
    )


async def creator_for_account(db: DB, stripe_account: str) -> str | None:
    value = await db.fetchval(
        "SELECT creator_id FROM payout_accounts WHERE stripe_account = $1", stripe_account
    )
    return str(value) if value is not None else None


async def currencies(db: DB, creator_id: str) -> list[str]:
    rows = await db.fetch(
        "SELECT DISTINCT currency FROM earning_txns WHERE creator_id = $1", creator_id
    )
    return [str(r["currency"]) for r in rows]


async def main_currency(db: DB, creator_id: str, default: str) -> str:
    """The currency the creator earns most in (their earnings page shows it by default)."""
    value = await db.fetchval(
        "SELECT currency FROM earning_txns WHERE creator_id = $1"
        " GROUP BY currency ORDER BY sum(earned) DESC, currency LIMIT 1",
        creator_id,
    )
    return str(value) if value else default


async def balance(db: DB, creator_id: str, currency: str, now: datetime) -> Balance:
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn:
            return await balance(conn, creator_id, currency, now)
    async with db.transaction(isolation="repeatable_read"):
        earned = await db.fetchrow(
            "SELECT"
            " coalesce(sum(earned - reversed) FILTER"
            "   (WHERE available_at IS NULL OR available_at <= $3), 0) AS matured,"
            " coalesce(sum(earned - reversed) FILTER (WHERE available_at > $3), 0) AS pending"
            " FROM earning_txns WHERE creator_id = $1 AND currency = $2",
            creator_id,
            currency,
            now,
        )
        releases = await db.fetch(
            "SELECT available_at, sum(earned - reversed) AS amount FROM earning_txns"
            " WHERE creator_id = $1 AND currency = $2 AND available_at > $3"
            " GROUP BY available_at ORDER BY available_at",
            creator_id,
            currency,
            now,
        )
        paid = await db.fetchrow(
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
    db: DB, creator_id: str, currency: str, start: datetime, end: datetime
) -> list[MonthFigures]:
    """Every calendar month (UTC) in [start, end), zero-filled, oldest first.

    Gross is what buyers paid; fees the platform's share of it, less the part given back with
    refunds; refunds the buyer money refunded or lost to disputes (less disputes won); so
    net = gross - fees - refunds is exactly the creator's earning. Payouts are transfers out,
    less any that failed or came back.
    """
    rows = await db.fetch(
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
    db: DB,
    creator_id: str,
    now: datetime,
    limit: int,
    cursor: str | None,
    currency: str | None = None,
) -> Page[dict[str, Any]]:
    after = decode_cursor(cursor)
    before = _cursor_position(after) if after is not None else None
    rows = await db.fetch(
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
    items = [entry_item(r, now) for r in rows]
    return page_of(items, limit, lambda item: [int(item["id"])])


async def payout(db: DB, creator_id: str, payout_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        "SELECT * FROM payouts WHERE payout_id = $1 AND creator_id = $2", payout_id, creator_id
    )
    return payout_item(row) if row else None


async def payouts(db: DB, creator_id: str, limit: int, cursor: str | None) -> Page[dict[str, Any]]:
    after = after_key(cursor)
    rows = await db.fetch(
        "SELECT * FROM payouts WHERE creator_id = $1"
        " AND ($2::timestamptz IS NULL OR (created_at, payout_id) < ($2, $3))"
        " ORDER BY created_at DESC, payout_id DESC LIMIT $4",
        creator_id,
        after[0] if after else None,
        after[1] if after else "",
        limit + 1,
    )
    return page_of([payout_item(r) for r in rows], limit, newest_first_key)


async def payout_owner(db: DB, payout_id: str) -> str | None:
    value = await db.fetchval("SELECT creator_id FROM payouts WHERE payout_id = $1", payout_id)
    return str(value) if value is not None else None


async def unsettled_payouts(db: DB, older_than: datetime) -> list[asyncpg.Record]:
    return list(
        await db.fetch(
            "SELECT payout_id, creator_id FROM payouts WHERE status = 'requested'"
            " AND created_at <= $1 ORDER BY created_at LIMIT 100",
            older_than,
        )
    )


async def last_failed_payout(db: DB, creator_id: str, currency: str) -> dict[str, Any] | None:
    """The newest payout, if it failed: its reason stays visible until a payout succeeds."""
    row = await db.fetchrow(
        "SELECT * FROM payouts WHERE creator_id = $1 AND currency = $2"
        " ORDER BY created_at DESC, payout_id DESC LIMIT 1",
        creator_id,
        currency,
    )
    if row is None or row["status"] != "failed":
        return None
    return payout_item(row)
