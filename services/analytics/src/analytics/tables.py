"""The figure tables as data, and the SQL that adds rows to them (written once for every writer).

Each figure table is a sum keyed by its `key` columns (`carried` columns ride along, e.g. the
persona's creator). Some tables have rollups: the same sums per UTC day or month, per persona or
per creator, so that a year reads ≤ 366 rows per series instead of one per quarter hour. A
rollup is not written by Python: it is derived in SQL, inside the statement that writes its
table, from the same rows, so the two can never disagree and a batch stays one round trip per
table. Every writer (stream batches, the view beacon, a rebuild) writes the tables of a chain in
the order given here, so two writers never lock rows in opposite orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Column = tuple[str, str]  # (name, PostgreSQL type)

COUNTS = ("views", "acquisitions", "purchases", "refunds", "downloads")
MONEY = ("gross", "creator_revenue", "refunded", "refunded_creator")

DAY = "(slot AT TIME ZONE 'UTC')::date"
MONTH = "date_trunc('month', slot AT TIME ZONE 'UTC')::date"


@dataclass(frozen=True)
class Rollup:
    """A coarser table summed from its source table's rows: `key` maps each of its key columns to
    an expression over the source's columns."""

    table: str
    key: tuple[tuple[str, str], ...]
    carried: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[Column, ...]
    carried: tuple[Column, ...] = ()
    sums: tuple[Column, ...] = ()  # added up on conflict; none: the row is a set member
    rollups: tuple[Rollup, ...] = field(default=())

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.key + self.carried + self.sums

    def insert(self, select: str) -> str:
        names = ", ".join(c for c, _ in self.columns)
        return (
            f"INSERT INTO {self.name} ({names}) {select}"
            f" ON CONFLICT ({', '.join(c for c, _ in self.key)}) {_on_conflict(self.name, self.sums)}"
        )

    def unnest(self) -> str:
        """A SELECT of the rows given as one array parameter per column."""
        arrays = ", ".join(f"${i}::{t}[]" for i, (_, t) in enumerate(self.columns, 1))
        return f"SELECT * FROM unnest({arrays}) AS r({', '.join(c for c, _ in self.columns)})"

    def chain(self, source: str, prefix: str, after: str | None = None) -> list[str]:
        """CTEs adding the rows of CTE `source` to this table, then to each rollup in turn (each
        waits for the one before, and the first for CTE `after`); the last is `last(prefix)`."""
        names = ", ".join(c for c, _ in self.columns)
        select = f"SELECT {names} FROM {source}" + (
            f", (SELECT count(*) FROM {after}) AS done" if after else ""
        )
        ctes = [f"{prefix}0 AS ({self.insert(select)} RETURNING 1)"]
        sums = ", ".join(f"sum({c})" for c, _ in self.sums)
        for i, r in enumerate(self.rollups, 1):
            exprs = ", ".join(e for _, e in r.key)
            group = ", ".join([*(e for _, e in r.key), *r.carried])
            columns = ", ".join([*(c for c, _ in r.key), *r.carried, *(c for c, _ in self.sums)])
            ctes.append(
                f"{prefix}{i} AS (INSERT INTO {r.table} ({columns})"
                f" SELECT {group}, {sums} FROM {source}, (SELECT count(*) FROM {prefix}{i - 1})"
                f" AS done GROUP BY {group} ORDER BY {exprs}"
                f" ON CONFLICT ({', '.join(c for c, _ in r.key)})"
                f" {_on_conflict(r.table, self.sums)} RETURNING 1)"
            )
        return ctes

    def last(self, prefix: str) -> str:
        return f"{prefix}{len(self.rollups)}"


def _on_conflict(table: str, sums: Sequence[Column]) -> str:
    if not sums:
        return "DO NOTHING"
    return "DO UPDATE SET " + ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c, _ in sums)


def statement(table: Table) -> str:
    """One statement adding rows (one array parameter per column) to `table` and its rollups."""
    return f"WITH r AS ({table.unnest()}), {', '.join(table.chain('r', 'w'))} SELECT 1"


PERSONA_SLOTS = Table(
    "persona_slots",
    key=(("persona_id", "text"), ("slot", "timestamptz")),
    carried=(("creator_id", "text"),),
    sums=tuple((c, "int") for c in COUNTS),
    rollups=(
        Rollup("persona_days", (("persona_id", "persona_id"), ("day", DAY)), ("creator_id",)),
        Rollup("persona_months", (("persona_id", "persona_id"), ("month", MONTH)), ("creator_id",)),
        Rollup("creator_days", (("creator_id", "creator_id"), ("day", DAY))),
    ),
)
REVENUE_SLOTS = Table(
    "revenue_slots",
    key=(("persona_id", "text"), ("slot", "timestamptz"), ("currency", "text")),
    carried=(("creator_id", "text"),),
    sums=tuple((c, "bigint") for c in MONEY),
    rollups=(
        Rollup(
            "creator_revenue_days",
            (("creator_id", "creator_id"), ("day", DAY), ("currency", "currency")),
        ),
    ),
)
VIEW_VISITORS = Table(
    "view_visitors", key=(("persona_id", "text"), ("slot", "timestamptz"), ("visitor", "text"))
)
SOURCE_SLOTS = Table(
    "source_slots",
    key=(
        ("persona_id", "text"),
        ("slot", "timestamptz"),
        ("source", "text"),
        ("referrer_domain", "text"),
    ),
    carried=(("creator_id", "text"),),
    sums=(("views", "int"),),
)
TREND_HOURLY = Table(
    "trend_hourly",
    key=(("persona_id", "text"), ("hour", "timestamptz")),
    sums=(("points", "float8"),),
)
FOLLOWER_SLOTS = Table(
    "follower_slots",
    key=(("creator_id", "text"), ("slot", "timestamptz")),
    sums=(("gained", "int"), ("lost", "int")),
)
# In the order every writer takes them.
TABLES = (PERSONA_SLOTS, REVENUE_SLOTS, VIEW_VISITORS, SOURCE_SLOTS, TREND_HOURLY, FOLLOWER_SLOTS)
