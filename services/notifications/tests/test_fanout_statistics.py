"""A large fan-out refreshes the statistics of the tables it grows, so readers' cached plans are
remade for the table as it now is (not kept from when it was empty)."""

from __future__ import annotations

from pathlib import Path

import notifications
from notifications.fanout import ANALYZE_FIRST_AT, crossed_doubling, fanout_step
from shared.db import create_pool, migrate

MIGRATIONS = Path(notifications.__file__).parent / "migrations"


def test_statistics_are_refreshed_as_a_fan_out_doubles() -> None:
    first = ANALYZE_FIRST_AT
    assert not crossed_doubling(0, first - 1)
    assert crossed_doubling(first - 1, first)
    assert not crossed_doubling(first, 2 * first - 1)
    assert crossed_doubling(2 * first - 500, 2 * first + 500)
    assert crossed_doubling(0, 10 * first)  # one batch past several marks: once
    assert not crossed_doubling(5 * first, 7 * first)  # between 4x and 8x


async def test_a_fan_out_past_ten_thousand_recipients_analyzes_its_tables(
    database_url: str,
) -> None:
    await migrate(database_url, [MIGRATIONS])
    pool = await create_pool(database_url)
    try:
        recipients = ANALYZE_FIRST_AT + 50
        async with pool.acquire() as conn:
            await conn.execute(
                "INSERT INTO entitlements SELECT 'p1', 'u' || lpad(i::text, 6, '0')"
                " FROM generate_series(1, $1) i",
                recipients,
            )
            await conn.execute(
                "INSERT INTO fanouts (source_key, persona_id, creator_id, version)"
                " VALUES ('k1', 'p1', 'c1', '2.0.0')"
            )
            await conn.execute("ANALYZE notifications")  # empty: the estimate is 0 rows
        while await fanout_step(pool, 2_000):
            pass
        estimate = await pool.fetchval(
            "SELECT reltuples FROM pg_class WHERE oid = 'notifications'::regclass"
        )
        # ANALYZE ran at 10,000 (the last batch's 50 may come after it).
        assert estimate >= ANALYZE_FIRST_AT
        assert await pool.fetchval("SELECT count(*) FROM notifications") == recipients
    finally:
        await pool.close()
