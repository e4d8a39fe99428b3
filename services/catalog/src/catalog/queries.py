"""Read-side SQL for the API. Every list is a keyset page (`limit + 1` rows, opaque cursor)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg
from shared.auth import Principal
from shared.pagination import decode_cursor, encode_cursor
from shared.problems import Problem

from catalog.domain import CATEGORIES, parse_semver


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None


def bad_cursor() -> Problem:
    return Problem(
        "The cursor is not valid; start again from the first page.", code="invalid_cursor"
    )


# ---------------------------------------------------------------- persona rows -> JSON

# Columns of a persona as the API shows it; `$1` is always the viewer's id (or NULL).
PERSONA_COLUMNS = """
    p.id, p.creator_id, u.username AS creator_username, p.name, p.short_description,
    p.description, p.category, p.tags, p.price_cents, p.currency, p.usage_terms, p.status,
    p.rejection_reason, p.suspension_reason, p.latest_version, p.downloads, p.acquisitions,
    p.rating_sum, p.rating_count, p.rating_1, p.rating_2, p.rating_3, p.rating_4, p.rating_5,
    p.created_at, p.updated_at, p.submitted_at, p.deleted_at, p.listed,
    (p.creator_id = $1 OR EXISTS (
        SELECT 1 FROM entitlements e WHERE e.persona_id = p.id AND e.user_id = $1)) AS entitled
"""


def persona_json(
    row: asyncpg.Record | dict[str, Any], *, owner_view: bool = False
) -> dict[str, Any]:
    count = row["rating_count"]
    out: dict[str, Any] = {
        "id": str(row["id"]),
        "name": row["name"],
        "short_description": row["short_description"],
        "description": row["description"],
        "category": row["category"],
        "tags": list(row["tags"]),
        "price_cents": row["price_cents"],
        "currency": row["currency"],
        "usage_terms": row["usage_terms"],
        "status": row["status"],
        "rejection_reason": row["rejection_reason"],
        "suspension_reason": row["suspension_reason"] if owner_view else None,
        "creator": {"id": row["creator_id"], "username": row["creator_username"]},
        # Exact: computed from the integer sum and count, rounded only for display.
        "rating_avg": round(row["rating_sum"] / count, 2) if count else None,
        "rating_count": count,
        "rating_distribution": {str(r): row[f"rating_{r}"] for r in range(1, 6)},
        "downloads": row["downloads"],
        "acquisitions": row["acquisitions"],
        "latest_version": row["latest_version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "submitted_at": row["submitted_at"],
        "deleted_at": row["deleted_at"],
        "entitled": bool(row["entitled"]),
    }
    return out


def version_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "version": row["version"],
        "changelog": row["changelog"],
        "created_at": row["created_at"],
        "downloads": row["downloads"],
        "files": [
            {k: f[k] for k in ("path", "size", "content_type", "sha256")} for f in row["files"]
        ],
    }


def can_see(row: asyncpg.Record, viewer: Principal | None) -> bool:
    """Market personas for everyone; any status for the creator and admins; a deleted persona
    (once approved) for those who hold it. Everything else is a 404 to everyone else."""
    if viewer is not None and (viewer.is_admin or viewer.user_id == row["creator_id"]):
        return True
    if row["listed"]:
        return True
    return bool(row["deleted_at"] is not None and row["status"] == "approved" and row["entitled"])


async def persona_row(
    conn: asyncpg.Connection | asyncpg.Pool, persona_id: str, viewer: Principal | None
) -> asyncpg.Record | None:
    pid = as_uuid(persona_id)
    if pid is None:
        return None
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {PERSONA_COLUMNS} FROM personas p LEFT JOIN users u ON u.id = p.creator_id"
        " WHERE p.id = $2",
        viewer.user_id if viewer else None,
        pid,
    )
    if row is None or not can_see(row, viewer):
        return None
    return row


# How many of the newest versions a persona's detail embeds (all of them: `versions_page`).
DETAIL_VERSIONS = 10


async def versions(
    conn: asyncpg.Connection | asyncpg.Pool,
    persona_id: str,
    limit: int = DETAIL_VERSIONS,
    before: tuple[int, int, int] | None = None,
) -> list[dict[str, Any]]:
    """The newest `limit` versions (older than `before`), newest first."""
    args: list[Any] = [as_uuid(persona_id)]
    cond = "persona_id = $1"
    if before is not None:
        args += list(before)
        cond += " AND (major, minor, patch) < ($2, $3, $4)"
    args.append(limit)
    rows = await conn.fetch(
        f"SELECT * FROM persona_versions WHERE {cond}"
        f" ORDER BY major DESC, minor DESC, patch DESC LIMIT ${len(args)}",
        *args,
    )
    return [version_json(r) for r in rows]


async def versions_page(
    conn: asyncpg.Connection | asyncpg.Pool, persona_id: str, limit: int, cursor: str | None
) -> dict[str, Any]:
    """A keyset page of versions, newest first; the cursor is the last version's number."""
    values = decode_cursor(cursor)
    before: tuple[int, int, int] | None = None
    if values is not None:
        try:
            before = parse_semver(str(values[0])) if len(values) == 1 else None
        except Problem:
            before = None
        if before is None:
            raise bad_cursor()
    items = await versions(conn, persona_id, limit + 1, before)
    more = len(items) > limit
    items = items[:limit]
    return {
        "items": items,
        "next_cursor": encode_cursor([items[-1]["version"]]) if more and items else None,
    }


async def version_row(
    conn: asyncpg.Connection | asyncpg.Pool, persona_id: str, version: str | None
) -> asyncpg.Record | None:
    if version:
        return await conn.fetchrow(
            "SELECT * FROM persona_versions WHERE persona_id = $1 AND version = $2",
            as_uuid(persona_id),
            version,
        )
    return await conn.fetchrow(
        "SELECT * FROM persona_versions WHERE persona_id = $1"
        " ORDER BY major DESC, minor DESC, patch DESC LIMIT 1",
        as_uuid(persona_id),
    )


# ---------------------------------------------------------------- market search


@dataclass
class SearchParams:
    q: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    min_rating: float | None = None
    min_downloads: int | None = None
    max_downloads: int | None = None
    created_after: date | None = None
    created_before: date | None = None
    price: str | None = None  # free | paid
    creator: str | None = None
    sort: str | None = None
    limit: int = 20
    cursor: str | None = None


# Keyset order of each explicit sort: (column, cursor value type). All columns of one sort run
# the same direction, so the cursor condition is one row comparison that walks its index.
_ORDERS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "downloads": ("DESC", [("p.downloads", "int"), ("p.id", "uuid")]),
    "rating": ("DESC", [("p.rating_avg", "float"), ("p.rating_count", "int"), ("p.id", "uuid")]),
    "newest": ("DESC", [("p.created_at", "ts"), ("p.id", "uuid")]),
    "price": ("ASC", [("p.price_cents", "int"), ("p.id", "uuid")]),
    "price_desc": ("DESC", [("p.price_cents", "int"), ("p.id", "uuid")]),
    "trending": ("DESC", [("p.trending_score", "float"), ("p.id", "uuid")]),  # from analytics
}
SORTS = ("downloads", "rating", "newest", "price", "price_desc", "trending", "relevance")

# Popularity weighs text relevance: a persona with 10,000 downloads ranks about twice a new one.
_POPULARITY = "(1.0 + ln(1.0 + p.downloads::float8) / 10.0)"


def _cursor_value(kind: str, value: Any) -> Any:
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "uuid":
            return uuid.UUID(str(value))
        if kind == "ts":
            return datetime.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise bad_cursor() from exc
    raise bad_cursor()


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


class _Sql:
    def __init__(self, first: list[Any]) -> None:
        self.args: list[Any] = list(first)

    def arg(self, value: Any) -> str:
        self.args.append(value)
        return f"${len(self.args)}"


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def _filters(sql: _Sql, p: SearchParams) -> list[str]:
    where = ["p.listed"]
    if p.categories:
        where.append(f"p.category = ANY({sql.arg(p.categories)}::text[])")
    if p.tags:
        where.append(f"p.tags @> {sql.arg(p.tags)}::text[]")
    if p.min_rating is not None and p.min_rating > 0:
        where.append(f"p.rating_count > 0 AND p.rating_avg >= {sql.arg(p.min_rating)}")
    if p.min_downloads is not None:
        where.append(f"p.downloads >= {sql.arg(p.min_downloads)}")
    if p.max_downloads is not None:
        where.append(f"p.downloads <= {sql.arg(p.max_downloads)}")
    if p.created_after is not None:
        where.append(f"p.created_at >= {sql.arg(_day_start(p.created_after))}")
    if p.created_before is not None:  # inclusive: the whole day
        where.append(f"p.created_at < {sql.arg(_day_start(p.created_before) + timedelta(days=1))}")
    if p.price == "free":
        where.append("p.price_cents = 0")
    elif p.price == "paid":
        where.append("p.price_cents > 0")
    if p.creator:
        # An id or a username; the array is computed once, so the creator index is usable.
        value = sql.arg(p.creator.strip())
        where.append(
            f"p.creator_id = ANY(ARRAY(SELECT id FROM users WHERE lower(username) = lower({value}))"
            f" || {value}::text)"
        )
    return where


def _decorated(page_sql: str, directions: list[str]) -> str:
    """Wrap a page query (ids and sort keys `sort_0..`) with the API's columns for just those rows.

    A LEFT JOIN keeps the "matches elsewhere" marker row (id NULL) that `search` adds."""
    order = ", ".join(f"page.sort_{i} {d}" for i, d in enumerate(directions))
    return (
        f"WITH page AS ({page_sql}) SELECT {PERSONA_COLUMNS}, page.* FROM page"
        " LEFT JOIN personas p ON p.id = page.id LEFT JOIN users u ON u.id = p.creator_id"
        f" ORDER BY {order}"
    )


async def search(
    conn: asyncpg.Connection | asyncpg.Pool, p: SearchParams, viewer: Principal | None
) -> dict[str, Any]:
    """One page of the market. With `q`: full-text first; when that finds nothing on the first
    page and the words match nothing anywhere on the market (so it is not just the filters),
    a trigram search on names runs instead (typos). At most two queries."""
    q = (p.q or "").strip()[:200] or None
    sort = p.sort or ("relevance" if q else "downloads")
    if sort == "relevance" and not q:
        sort = "downloads"
    cursor = decode_cursor(p.cursor)
    if cursor is not None:
        if len(cursor) < 2 or cursor[0] != sort or cursor[1] not in ("fts", "trgm", "none"):
            raise bad_cursor()
        if (cursor[1] == "none") != (q is None):
            raise bad_cursor()
        modes = [cursor[1]]
    else:
        modes = ["fts", "trgm"] if q else ["none"]
    viewer_id = viewer.user_id if viewer else None
    rows: list[asyncpg.Record] = []
    mode = modes[0]
    for mode in modes:
        after = cursor[2:] if cursor else None
        if sort == "relevance" and mode == "fts":
            page, sql, directions = _fts_relevance(p, viewer_id, q or "", after)
        elif sort == "relevance":
            page, sql, directions = _trgm_relevance(p, viewer_id, q or "", after)
        else:
            page, sql, directions = _sorted(p, viewer_id, q, mode, sort, after)
        if mode == "fts" and after is None:
            # Read only when the page comes up short: do the words match anything at all?
            marker = ", ".join(["NULL::uuid", *(["NULL"] * len(directions))])
            page = (
                f"SELECT * FROM (({page}) UNION ALL (SELECT {marker} WHERE EXISTS ("
                "SELECT 1 FROM personas p WHERE p.listed"
                f" AND p.search @@ websearch_to_tsquery('english', {sql.arg(q)})))) AS m"
                f" LIMIT {sql.arg(p.limit + 1)}"
            )
        found = list(await conn.fetch(_decorated(page, directions), *sql.args))
        rows = [r for r in found if r["id"] is not None]
        if rows or cursor is not None or len(found) > len(rows):
            break
    more = len(rows) > p.limit
    rows = rows[: p.limit]
    next_cursor = None
    if more and rows:
        values = [_json_value(rows[-1][f"sort_{i}"]) for i in range(len(directions))]
        next_cursor = encode_cursor([sort, mode, *values])
    return {"items": [persona_json(r) for r in rows], "next_cursor": next_cursor}


# How many rows in sort order a filtered page looks at before it switches strategy (below).
WINDOW = 300
# The first sort key as an expression no index provides, to keep the planner off the index walk.
_NO_INDEX = {
    "p.downloads": "(p.downloads + 0)",
    "p.rating_avg": "(p.rating_avg + 0)",
    "p.created_at": "(p.created_at + interval '0 s')",
    "p.price_cents": "(p.price_cents + 0)",
}


def _bounded(
    cols: list[str], direction: str, conds: list[str], cursor: str | None, limit: str
) -> str:
    """The first page of market rows meeting `conds`, in the order of `cols`, in bounded time.

    Walking a sort index and filtering is fast when matches are common and slow when they are
    rare; the planner guesses which from statistics that know nothing of how a query word and
    a category go together, and a wrong guess walks the whole market. So: look at the first
    WINDOW rows in sort order (always an index walk, stopping once the page is full); only if
    they hold too few matches, read the rows past them through the filters' own indexes and
    sort those. The UNION ALL is read in order under the LIMIT, so the second branch runs only
    when the first comes up short.
    """
    keys = ", ".join(f"{c} AS sort_{i}" for i, c in enumerate(cols))
    order = ", ".join(f"{c} {direction}" for c in cols)
    base = "p.listed" + (f" AND {cursor}" if cursor else "")
    if not conds:
        return f"SELECT p.id, {keys} FROM personas p WHERE {base} ORDER BY {order} LIMIT {limit}"
    ok = " AND ".join(f"({c})" for c in conds)
    names = ", ".join(f"w.sort_{i}" for i in range(len(cols)))
    w_order = ", ".join(f"w.sort_{i} {direction}" for i in range(len(cols)))
    in_window = (
        f"SELECT w.id, {names} FROM (SELECT p.id, {keys}, ({ok}) AS ok FROM personas p"
        f" WHERE {base} ORDER BY {order} LIMIT {WINDOW}) AS w WHERE w.ok"
        f" ORDER BY {w_order} LIMIT {limit}"
    )
    edge = (
        f"SELECT {', '.join(cols)} FROM personas p WHERE {base} ORDER BY {order}"
        f" OFFSET {WINDOW - 1} LIMIT 1"
    )
    op = "<" if direction == "DESC" else ">"
    first = _NO_INDEX.get(cols[0], cols[0])
    past_order = ", ".join(f"{c} {direction}" for c in [first, *cols[1:]])
    past_window = (
        f"SELECT p.id, {keys} FROM personas p WHERE {base} AND {ok}"
        f" AND ({', '.join(cols)}) {op} ({edge}) ORDER BY {past_order} LIMIT {limit}"
    )
    return f"SELECT * FROM (({in_window}) UNION ALL ({past_window})) AS b LIMIT {limit}"


def _sorted(
    p: SearchParams,
    viewer_id: str | None,
    q: str | None,
    mode: str,
    sort: str,
    after: list[Any] | None,
) -> tuple[str, _Sql, list[str]]:
    """An explicit sort, optionally restricted to text (or trigram) matches."""
    sql = _Sql([viewer_id])
    conds = _filters(sql, p)[1:]
    if q and mode == "fts":
        conds.append(f"p.search @@ websearch_to_tsquery('english', {sql.arg(q)})")
    elif q and mode == "trgm":
        conds.append(f"{sql.arg(q)} <% p.name")
    direction, typed = _ORDERS[sort]
    cols = [c for c, _ in typed]
    cursor = None
    if after is not None:
        if len(after) != len(typed):
            raise bad_cursor()
        values = [
            sql.arg(_cursor_value(kind, v)) for (_, kind), v in zip(typed, after, strict=True)
        ]
        op = "<" if direction == "DESC" else ">"
        cursor = f"({', '.join(cols)}) {op} ({', '.join(values)})"
    page = _bounded(cols, direction, conds, cursor, sql.arg(p.limit + 1))
    return page, sql, [direction] * len(cols)


def _fts_relevance(
    p: SearchParams, viewer_id: str | None, q: str, after: list[Any] | None
) -> tuple[str, _Sql, list[str]]:
    """Relevance in three tiers, each read from its own index and cut at the page size:

    0. the exact name (case-insensitive), most popular first;
    1. names containing the words: text rank of the name times popularity;
    2. everything else that matches (tags, descriptions): most downloaded first.

    Ranking every match by text rank would cost a scan of all matches, which for a common
    word is most of the market; the tiers keep a page to a few index reads. The tiers are read
    in order under the LIMIT, so a page filled by the first ones never runs the later ones.
    """
    sql = _Sql([viewer_id])
    qa = sql.arg(q)
    filters = _filters(sql, p)
    tsq = f"websearch_to_tsquery('english', {qa})"
    exact = f"lower(p.name) = lower({qa})"
    score = {
        0: f"{_POPULARITY}::float8",
        1: f"(ts_rank(p.name_search, {tsq}) * {_POPULARITY})::float8",
    }
    match = {0: [exact], 1: [f"p.name_search @@ {tsq}", f"NOT {exact}"]}
    tier_c = None
    if after is not None:
        if len(after) != 3:
            raise bad_cursor()
        tier_c = _cursor_value("int", after[0])
        score_c = _cursor_value("float", after[1])
        id_c = _cursor_value("uuid", after[2])
        if tier_c not in (0, 1, 2):
            raise bad_cursor()
    limit = sql.arg(p.limit + 1)
    parts = []
    for tier in (0, 1):
        if tier_c is not None and tier < tier_c:
            continue  # the cursor is past this tier
        where = [*filters, *match[tier]]
        if tier_c == tier:
            where.append(f"({score[tier]}, p.id) < ({sql.arg(score_c)}, {sql.arg(id_c)})")
        parts.append(
            f"(SELECT p.id, {tier} AS sort_0, {score[tier]} AS sort_1, p.id AS sort_2"
            f" FROM personas p WHERE {' AND '.join(where)}"
            f" ORDER BY sort_1 DESC, sort_2 DESC LIMIT {limit})"
        )
    cursor = None
    if tier_c == 2:
        # Integer downloads keep this tier on the (downloads, id) index.
        cursor = f"(p.downloads, p.id) < ({sql.arg(int(score_c))}, {sql.arg(id_c)})"
    rest = [*filters[1:], f"p.search @@ {tsq}", f"NOT p.name_search @@ {tsq}"]
    tier2 = _bounded(["p.downloads", "p.id"], "DESC", rest, cursor, limit)
    parts.append(
        f"(SELECT t.id, 2 AS sort_0, t.sort_0::float8 AS sort_1, t.sort_1 AS sort_2"
        f" FROM ({tier2}) AS t)"
    )
    page = f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS tiers LIMIT {limit}"
    return page, sql, ["ASC", "DESC", "DESC"]


def _trgm_relevance(
    p: SearchParams, viewer_id: str | None, q: str, after: list[Any] | None
) -> tuple[str, _Sql, list[str]]:
    """Names within a typo of the query (pg_trgm word similarity), blended with popularity."""
    sql = _Sql([viewer_id])
    qa = sql.arg(q)
    where = [*_filters(sql, p), f"{qa} <% p.name"]
    score = f"(word_similarity({qa}, p.name) * {_POPULARITY})::float8"
    if after is not None:
        if len(after) != 2:
            raise bad_cursor()
        score_c = sql.arg(_cursor_value("float", after[0]))
        id_c = sql.arg(_cursor_value("uuid", after[1]))
        where.append(f"({score}, p.id) < ({score_c}, {id_c})")
    page = (
        f"SELECT p.id, {score} AS sort_0, p.id AS sort_1 FROM personas p"
        f" WHERE {' AND '.join(where)} ORDER BY sort_0 DESC, sort_1 DESC"
        f" LIMIT {sql.arg(p.limit + 1)}"
    )
    return page, sql, ["DESC", "DESC"]


# ---------------------------------------------------------------- other persona lists


async def _persona_list(
    conn: asyncpg.Connection | asyncpg.Pool,
    viewer_id: str | None,
    where: str,
    args: list[Any],
    limit: int,
    cursor: str | None,
    *,
    order_col: str = "p.created_at",
    direction: str = "DESC",
    owner_view: bool = False,
    extra_cols: str = "",
) -> dict[str, Any]:
    """A keyset page of personas ordered by (`order_col`, id)."""
    all_args: list[Any] = [viewer_id, *args]
    values = decode_cursor(cursor)
    cond = where
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        all_args += [_cursor_value("ts", values[0]), _cursor_value("uuid", values[1])]
        op = "<" if direction == "DESC" else ">"
        cond += f" AND ({order_col}, p.id) {op} (${len(all_args) - 1}, ${len(all_args)})"
    all_args.append(limit + 1)
    rows = await conn.fetch(
        f"SELECT {PERSONA_COLUMNS}{extra_cols}, {order_col} AS sort_0"
        " FROM personas p LEFT JOIN users u ON u.id = p.creator_id"
        f" WHERE {cond} ORDER BY {order_col} {direction}, p.id {direction} LIMIT ${len(all_args)}",
        *all_args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (
        encode_cursor([rows[-1]["sort_0"].isoformat(), str(rows[-1]["id"])])
        if more and rows
        else None
    )
    return {
        "items": [persona_json(r, owner_view=owner_view) for r in rows],
        "next_cursor": next_cursor,
        "rows": rows,
    }


async def my_personas(
    conn: asyncpg.Pool, user: Principal, status: str | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    where = "p.creator_id = $1 AND p.deleted_at IS NULL"
    args: list[Any] = []
    if status:
        args.append(status)
        where += " AND p.status = $2"
    page = await _persona_list(conn, user.user_id, where, args, limit, cursor, owner_view=True)
    page.pop("rows")
    return page


async def user_id_for(conn: asyncpg.Pool, username_or_id: str) -> str | None:
    found: str | None = await conn.fetchval(
        "SELECT id FROM users WHERE lower(username) = lower($1) OR id = $1 LIMIT 1", username_or_id
    )
    return found


async def creator_personas(
    conn: asyncpg.Pool, creator_id: str, viewer: Principal | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    page = await _persona_list(
        conn,
        viewer.user_id if viewer else None,
        "p.listed AND p.creator_id = $2",
        [creator_id],
        limit,
        cursor,
    )
    page.pop("rows")
    return page


async def moderation_queue(
    conn: asyncpg.Pool, admin: Principal, limit: int, cursor: str | None
) -> dict[str, Any]:
    page = await _persona_list(
        conn,
        admin.user_id,
        "p.status = 'pending' AND p.deleted_at IS NULL",
        [],
        limit,
        cursor,
        order_col="p.submitted_at",
        direction="ASC",
        owner_view=True,
    )
    page.pop("rows")
    return page


async def purchases(
    conn: asyncpg.Pool, user: Principal, limit: int, cursor: str | None
) -> dict[str, Any]:
    args: list[Any] = [user.user_id]
    cond = "e.user_id = $1"
    values = decode_cursor(cursor)
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        args += [_cursor_value("ts", values[0]), _cursor_value("uuid", values[1])]
        cond += " AND (e.acquired_at, e.persona_id) < ($2, $3)"
    args.append(limit + 1)
    rows = await conn.fetch(
        f"SELECT {PERSONA_COLUMNS}, e.acquired_at, e.source, e.transaction_id, e.amount,"
        " e.currency AS paid_currency"
        " FROM entitlements e JOIN personas p ON p.id = e.persona_id"
        " LEFT JOIN users u ON u.id = p.creator_id"
        f" WHERE {cond} ORDER BY e.acquired_at DESC, e.persona_id DESC LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [
            {
                "persona": persona_json(r),
                "acquired_at": r["acquired_at"],
                "source": r["source"],
                "transaction_id": r["transaction_id"],
                "price_cents": r["amount"],
                "currency": r["paid_currency"] or r["currency"],
            }
            for r in rows
        ],
        "next_cursor": encode_cursor([rows[-1]["acquired_at"].isoformat(), str(rows[-1]["id"])])
        if more and rows
        else None,
    }


# ---------------------------------------------------------------- reviews


async def review_row(
    conn: asyncpg.Connection | asyncpg.Pool, review_id: str, viewer_id: str | None
) -> asyncpg.Record | None:
    rid = as_uuid(review_id)
    if rid is None:
        return None
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT r.*, u.username,"
        " EXISTS (SELECT 1 FROM review_votes v WHERE v.review_id = r.id AND v.user_id = $2) AS voted"
        " FROM reviews r LEFT JOIN users u ON u.id = r.user_id WHERE r.id = $1",
        rid,
        viewer_id,
    )
    return row


def review_json(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        "persona_id": str(r["persona_id"]),
        "author": {"id": r["user_id"], "username": r["username"]},
        "rating": r["rating"],
        "body": r["body"],
        "verified_purchase": r["verified_purchase"],
        "helpful_count": r["helpful_count"],
        "voted_helpful": bool(r["voted"]),
        "response": {"body": r["response_body"], "created_at": r["response_at"]}
        if r["response_body"] is not None
        else None,
        "created_at": r["created_at"],
        "updated_at": r["updated_at"],
    }


async def reviews(
    conn: asyncpg.Pool,
    persona_id: str,
    viewer_id: str | None,
    sort: str,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    args: list[Any] = [as_uuid(persona_id), viewer_id]
    cond = "r.persona_id = $1"
    values = decode_cursor(cursor)
    if sort == "helpful":
        cols = ["r.helpful_count", "r.created_at", "r.id"]
        kinds = ["int", "ts", "uuid"]
    else:
        cols = ["r.created_at", "r.id"]
        kinds = ["ts", "uuid"]
    if values is not None:
        if len(values) != len(cols):
            raise bad_cursor()
        start = len(args)
        args += [_cursor_value(k, v) for k, v in zip(kinds, values, strict=True)]
        params = ", ".join(f"${start + i + 1}" for i in range(len(cols)))
        cond += f" AND ({', '.join(cols)}) < ({params})"
    args.append(limit + 1)
    rows = await conn.fetch(
        "SELECT r.*, u.username,"
        " EXISTS (SELECT 1 FROM review_votes v WHERE v.review_id = r.id AND v.user_id = $2) AS voted"
        f" FROM reviews r LEFT JOIN users u ON u.id = r.user_id WHERE {cond}"
        f" ORDER BY {', '.join(c + ' DESC' for c in cols)} LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([_json_value(last[c.removeprefix("r.")]) for c in cols])
    return {"items": [review_json(r) for r in rows], "next_cursor": next_cursor}


# ---------------------------------------------------------------- reports


def report_json(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        "target_type": r["target_type"],
        "target_id": str(r["target_id"]),
        "persona_id": str(r["persona_id"]) if r["persona_id"] else None,
        "reason": r["reason"],
        "details": r["details"],
        "reporter": {"id": r["reporter_id"], "username": r["username"]},
        "status": r["status"],
        "action": r["action"],
        "note": r["note"],
        "created_at": r["created_at"],
        "resolved_at": r["resolved_at"],
    }


async def reports(
    conn: asyncpg.Pool, status: str, limit: int, cursor: str | None
) -> dict[str, Any]:
    args: list[Any] = [status]
    cond = "r.status = $1"
    values = decode_cursor(cursor)
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        args += [_cursor_value("ts", values[0]), _cursor_value("uuid", values[1])]
        cond += " AND (r.created_at, r.id) > ($2, $3)"
    args.append(limit + 1)
    rows = await conn.fetch(
        "SELECT r.*, u.username FROM reports r LEFT JOIN users u ON u.id = r.reporter_id"
        f" WHERE {cond} ORDER BY r.created_at, r.id LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [report_json(r) for r in rows],
        "next_cursor": encode_cursor([rows[-1]["created_at"].isoformat(), str(rows[-1]["id"])])
        if more and rows
        else None,
    }


# ---------------------------------------------------------------- categories, tags, collections


async def categories(conn: asyncpg.Pool) -> dict[str, Any]:
    counts = {r["category"]: r["n"] for r in await conn.fetch("SELECT * FROM category_counts")}
    return {
        "items": [
            {"slug": slug, "name": name, "count": counts.get(slug, 0)}
            for slug, name in CATEGORIES.items()
        ],
        "next_cursor": None,
    }


async def tags(conn: asyncpg.Pool, q: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
    args: list[Any] = []
    cond = "n > 0"
    if q:
        args.append(q.strip().lower().replace("%", "").replace("_", "") + "%")
        cond += f" AND tag LIKE ${len(args)}"
    values = decode_cursor(cursor)
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        args += [_cursor_value("int", values[0]), str(values[1])]
        # n descending, then tag ascending: (-n, tag) ascending.
        cond += f" AND (n < ${len(args) - 1} OR (n = ${len(args) - 1} AND tag > ${len(args)}))"
    args.append(limit + 1)
    rows = await conn.fetch(
        f"SELECT tag, n FROM tag_counts WHERE {cond} ORDER BY n DESC, tag LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [{"name": r["tag"], "count": r["n"]} for r in rows],
        "next_cursor": encode_cursor([rows[-1]["n"], rows[-1]["tag"]]) if more and rows else None,
    }


def _collection_json(r: asyncpg.Record, count: int) -> dict[str, Any]:
    return {
        "slug": r["slug"],
        "title": r["title"],
        "description": r["description"],
        "persona_count": count,
        "created_at": r["created_at"],
        "updated_at": r["updated_at"],
    }


async def collections(conn: asyncpg.Pool, limit: int, cursor: str | None) -> dict[str, Any]:
    args: list[Any] = []
    cond = "TRUE"
    values = decode_cursor(cursor)
    if values is not None:
        if len(values) != 2:
            raise bad_cursor()
        args += [_cursor_value("ts", values[0]), str(values[1])]
        cond = "(c.created_at, c.slug) < ($1, $2)"
    args.append(limit + 1)
    rows = await conn.fetch(
        "SELECT c.*, (SELECT count(*) FROM personas p WHERE p.id = ANY(c.persona_ids) AND p.listed)"
        f" AS listed_count FROM collections c WHERE {cond}"
        f" ORDER BY c.created_at DESC, c.slug DESC LIMIT ${len(args)}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [_collection_json(r, r["listed_count"]) for r in rows],
        "next_cursor": encode_cursor([rows[-1]["created_at"].isoformat(), rows[-1]["slug"]])
        if more and rows
        else None,
    }


async def collection(
    conn: asyncpg.Pool, slug: str, viewer: Principal | None
) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM collections WHERE slug = $1", slug)
    if row is None:
        return None
    personas = await conn.fetch(
        f"SELECT {PERSONA_COLUMNS}, array_position($2::uuid[], p.id) AS position"
        " FROM personas p LEFT JOIN users u ON u.id = p.creator_id"
        " WHERE p.id = ANY($2::uuid[]) AND p.listed ORDER BY position",
        viewer.user_id if viewer else None,
        row["persona_ids"],
    )
    out = _collection_json(row, len(personas))
    out["personas"] = [persona_json(p) for p in personas]
    return out
