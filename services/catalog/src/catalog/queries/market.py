"""Market search (`GET /api/personas`): full text in tiers, filters, bounded sorted plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg
from shared.auth import Principal
from shared.pagination import Kind, decode_cursor, page_of

from catalog.queries.common import bad_cursor, cursor_value, json_value
from catalog.queries.personas import PERSONA_COLUMNS, persona_json

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
_ORDERS: dict[str, tuple[str, list[tuple[str, Kind]]]] = {
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
    db: asyncpg.Pool | asyncpg.Connection, p: SearchParams, viewer: Principal | None
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
        found = list(await db.fetch(_decorated(page, directions), *sql.args))
        rows = [r for r in found if r["id"] is not None]
        if rows or cursor is not None or len(found) > len(rows):
            break
    # The cursor carries the sort and the search mode with the last row's sort keys.
    keys = [f"sort_{i}" for i in range(len(directions))]
    out = page_of(rows, p.limit, lambda r: [sort, mode, *(json_value(r[k]) for k in keys)])
    return {"items": [persona_json(r) for r in out.items], "next_cursor": out.next_cursor}


# How many rows in sort order a filtered page looks at before it switches strategy (below);
# how many more it walks when the first window held at least COMMON matches.
WINDOW = 300
FURTHER = 3000
COMMON = 3
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
    WINDOW rows in sort order (always an index walk, stopping once the page is full); if they
    held a few matches (COMMON: about one row in a hundred or more) walk FURTHER rows on, as
    the page is then likely near; only when that too comes up short, read the rows past the
    walk through the filters' own indexes and sort those. The UNION ALL is read in order under
    the LIMIT, so a branch runs only when those before it come up short. In that last branch even the comparison with the window's
    edge hides the sort index (`_NO_INDEX`): offered `(downloads, id) < edge`, the planner took
    a bitmap of the whole market past the edge from that index instead of the text, tag or
    category index, and read nearly every heap page for a rare match.
    """
    keys = ", ".join(f"{c} AS sort_{i}" for i, c in enumerate(cols))
    order = ", ".join(f"{c} {direction}" for c in cols)
    base = "p.listed" + (f" AND {cursor}" if cursor else "")
    if not conds:
        return f"SELECT p.id, {keys} FROM personas p WHERE {base} ORDER BY {order} LIMIT {limit}"
    ok = " AND ".join(f"({c})" for c in conds)
    names = ", ".join(f"w.sort_{i}" for i in range(len(cols)))
    w_order = ", ".join(f"w.sort_{i} {direction}" for i in range(len(cols)))
    op = "<" if direction == "DESC" else ">"

    def walk(start: int, rows: int) -> str:  # rows start.. start+rows in sort order, filtered
        past = f" AND ({', '.join(cols)}) {op} ({edge(str(start))})" if start else ""
        return (
            f"SELECT w.id, {names} FROM (SELECT p.id, {keys}, ({ok}) AS ok FROM personas p"
            f" WHERE {base}{past} ORDER BY {order} LIMIT {rows}) AS w WHERE w.ok"
            f" ORDER BY {w_order} LIMIT {limit}"
        )

    def edge(rows: str) -> str:  # the sort keys of the last row of the first `rows`
        return (
            f"SELECT {', '.join(cols)} FROM personas p WHERE {base} ORDER BY {order}"
            f" OFFSET ({rows}) - 1 LIMIT 1"
        )

    # Matches in the first window tell how common they are: with a few there, walking on is
    # cheaper than reading every row the filters' indexes offer.
    common = (
        f"(SELECT count(*) FROM (SELECT ({ok}) AS ok FROM personas p WHERE {base}"
        f" ORDER BY {order} LIMIT {WINDOW}) AS w WHERE w.ok) >= {COMMON}"
    )
    walked = f"CASE WHEN {common} THEN {WINDOW + FURTHER} ELSE {WINDOW} END"
    first = _NO_INDEX.get(cols[0], cols[0])
    past_order = ", ".join(f"{c} {direction}" for c in [first, *cols[1:]])
    hidden = ", ".join([first, *cols[1:]])
    past_window = (
        f"SELECT p.id, {keys} FROM personas p WHERE {base} AND {ok}"
        f" AND ({hidden}) {op} ({edge(walked)}) ORDER BY {past_order} LIMIT {limit}"
    )
    further = f"SELECT * FROM ({walk(WINDOW, FURTHER)}) AS f WHERE {common}"
    return (
        f"SELECT * FROM (({walk(0, WINDOW)}) UNION ALL ({further})"
        f" UNION ALL ({past_window})) AS b LIMIT {limit}"
    )


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
        values = [sql.arg(cursor_value(kind, v)) for (_, kind), v in zip(typed, after, strict=True)]
        op = "<" if direction == "DESC" else ">"
        cursor = f"({', '.join(cols)}) {op} ({', '.join(values)})"
    page = _bounded(cols, direction, conds, cursor, sql.arg(p.limit + 1))
    return page, sql, [direction] * len(cols)


_TierCursor = tuple[int | None, Any, Any]


def _tier_cursor(after: list[Any] | None, tiers: int) -> _TierCursor:
    """(tier, score, id) of a tiered ranking's cursor; all None on the first page."""
    if after is None:
        return None, None, None
    if len(after) != 3:
        raise bad_cursor()
    tier_c = cursor_value("int", after[0])
    score_c = cursor_value("float", after[1])
    id_c = cursor_value("uuid", after[2])
    if tier_c not in range(tiers):
        raise bad_cursor()
    return tier_c, score_c, id_c


def _ranked_tiers(
    sql: _Sql,
    filters: list[str],
    match: dict[int, list[str]],
    score: dict[int, str],
    cursor: _TierCursor,
    limit: str,
) -> list[str]:
    """Tiers 0 and 1 of a relevance ranking, each by its score then id, the ones the cursor has
    passed left out; the score and id of the cursor are bound only for the tier it stands in."""
    tier_c, score_c, id_c = cursor
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
    return parts


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
    tier_c, score_c, id_c = _tier_cursor(after, 3)
    limit = sql.arg(p.limit + 1)
    parts = _ranked_tiers(sql, filters, match, score, (tier_c, score_c, id_c), limit)
    cursor = None
    if tier_c == 2:
        # Integer downloads keep this tier on the (downloads, id) index.
        cursor = f"(p.downloads, p.id) < ({sql.arg(int(score_c))}, {sql.arg(id_c)})"
    rest = [*filters[1:], f"p.search @@ {tsq}", f"NOT p.name_search @@ {tsq}"]
    tier2 = _bounded(["p.downloads", "p.id"], "DESC", rest, cursor, limit)
    # Asked once through the text index first: when no persona has the words (a typo) the
    # tier would otherwise walk its whole window in downloads order for nothing.
    anywhere = f"EXISTS (SELECT 1 FROM personas p WHERE p.listed AND p.search @@ {tsq})"
    parts.append(
        f"(SELECT t.id, 2 AS sort_0, t.sort_0::float8 AS sort_1, t.sort_1 AS sort_2"
        f" FROM ({tier2}) AS t WHERE {anywhere})"
    )
    page = f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS tiers LIMIT {limit}"
    return page, sql, ["ASC", "DESC", "DESC"]


def _trgm_relevance(
    p: SearchParams, viewer_id: str | None, q: str, after: list[Any] | None
) -> tuple[str, _Sql, list[str]]:
    """Names within a typo of the query (pg_trgm word similarity), blended with popularity, in
    two tiers read from the trigram index and cut at the page size:

    0. close names (`<<%`: strict word similarity over the database's threshold, migration 006);
    1. the looser matches (`<%`, word similarity) that are not close.

    Ranking every loose match costs a heap read per match, and a query that shares one common
    word with the market ("wise mentr") matches thousands; the close tier is usually a few
    dozen and fills the page alone, so the loose tier runs only when it comes up short.
    """
    sql = _Sql([viewer_id])
    qa = sql.arg(q)
    filters = _filters(sql, p)
    score = f"(word_similarity({qa}, p.name) * {_POPULARITY})::float8"
    match = {0: [f"{qa} <<% p.name"], 1: [f"{qa} <% p.name", f"NOT {qa} <<% p.name"]}
    cursor = _tier_cursor(after, 2)
    limit = sql.arg(p.limit + 1)
    parts = _ranked_tiers(sql, filters, match, {0: score, 1: score}, cursor, limit)
    page = f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS tiers LIMIT {limit}"
    return page, sql, ["ASC", "DESC", "DESC"]
