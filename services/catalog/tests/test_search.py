"""Market search on a generated catalog (the seeder's data), checked against a plain-Python
oracle over the same rows: every filter combination, every sort, keyset pages end to end,
exact-name matches first and typo tolerance."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from seeders.catalog_market import seed

SEEDED = 400


@pytest.fixture
async def market(catalog) -> tuple[Any, list[dict[str, Any]]]:
    await seed(catalog.database_url, SEEDED, blob_dir=str(catalog.blob_dir), random_seed=7)
    conn = await asyncpg.connect(catalog.database_url)
    try:
        rows = await conn.fetch(
            "SELECT p.*, u.username FROM personas p LEFT JOIN users u ON u.id = p.creator_id"
            " WHERE p.listed"
        )
    finally:
        await conn.close()
    return catalog, [dict(r) for r in rows]


def avg(r: dict[str, Any]) -> float:
    return r["rating_sum"] / r["rating_count"] if r["rating_count"] else 0.0


def matches(r: dict[str, Any], f: dict[str, Any]) -> bool:
    if "category" in f and r["category"] not in f["category"]:
        return False
    if "tag" in f and f["tag"] not in r["tags"]:
        return False
    if "min_rating" in f and not (r["rating_count"] > 0 and avg(r) >= f["min_rating"]):
        return False
    if "min_downloads" in f and r["downloads"] < f["min_downloads"]:
        return False
    if "max_downloads" in f and r["downloads"] > f["max_downloads"]:
        return False
    day = r["created_at"].astimezone(UTC).date()
    if "created_after" in f and day < date.fromisoformat(f["created_after"]):
        return False
    if "created_before" in f and day > date.fromisoformat(f["created_before"]):
        return False
    if f.get("price") == "free" and r["price_cents"] != 0:
        return False
    if f.get("price") == "paid" and r["price_cents"] == 0:
        return False
    return not ("creator" in f and f["creator"] not in (r["creator_id"], r["username"]))


def ordered(rows: list[dict[str, Any]], sort: str) -> list[str]:
    keys = {
        "downloads": lambda r: (r["downloads"], r["id"]),
        "rating": lambda r: (avg(r), r["rating_count"], r["id"]),
        "newest": lambda r: (r["created_at"], r["id"]),
        "price_desc": lambda r: (r["price_cents"], r["id"]),
    }
    if sort == "price":
        return [str(r["id"]) for r in sorted(rows, key=lambda r: (r["price_cents"], r["id"]))]
    return [str(r["id"]) for r in sorted(rows, key=keys[sort], reverse=True)]


async def walk(env, params: dict[str, Any], limit: int = 100) -> list[str]:
    """Every page of a listing, following next_cursor."""
    ids: list[str] = []
    cursor = None
    for _ in range(500):
        r = await env.http.get("/api/personas", params={**params, "limit": limit, "cursor": cursor})
        assert r.status_code == 200, (params, r.text)
        page = r.json()
        ids += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("pagination did not end")


def filter_values(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_creator: dict[str, int] = {}
    for r in rows:
        by_creator[r["username"]] = by_creator.get(r["username"], 0) + 1
    busiest = max(by_creator, key=lambda k: by_creator[k])
    today = datetime.now(UTC).date()
    return {
        "category": ["food", "marketing", "technology"],
        "tag": "humor",
        "min_rating": 3.5,
        "min_downloads": 3,
        "max_downloads": 400,
        "created_after": (today - timedelta(days=500)).isoformat(),
        "created_before": (today - timedelta(days=60)).isoformat(),
        "price": "paid",
        "creator": busiest,
    }


async def test_every_filter_combination_matches_the_oracle(market):
    env, rows = market
    values = filter_values(rows)
    names = list(values)
    nonempty = 0
    for n in range(len(names) + 1):
        for combo in itertools.combinations(names, n):
            f = {k: values[k] for k in combo}
            expected = ordered([r for r in rows if matches(r, f)], "downloads")
            got = await walk(env, {**f, "sort": "downloads"})
            assert got == expected, combo
            nonempty += bool(expected)
    assert nonempty > 100  # the values were chosen so most combinations find something


async def test_every_sort_pages_through_everything_in_order(market):
    env, rows = market
    values = filter_values(rows)
    for sort in ("downloads", "rating", "newest", "price", "price_desc"):
        for f in ({}, {"price": "free"}, {"category": values["category"], "min_downloads": 3}):
            expected = ordered([r for r in rows if matches(r, f)], sort)
            got = await walk(env, {**f, "sort": sort}, limit=17)
            assert got == expected, (sort, f)
    # trending orders by the scores analytics sends (none here: all 0, so by id); a cursor is
    # bound to its sort.
    by_id = [str(r["id"]) for r in sorted(rows, key=lambda r: r["id"], reverse=True)]
    assert await walk(env, {"sort": "trending"}) == by_id
    first = (await env.http.get("/api/personas", params={"sort": "rating", "limit": 5})).json()
    r = await env.http.get(
        "/api/personas", params={"sort": "newest", "cursor": first["next_cursor"]}
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"
    r = await env.http.get("/api/personas", params={"cursor": "garbage!"})
    assert r.status_code == 400


async def test_a_text_query_combines_with_every_filter(market):
    env, rows = market
    values = filter_values(rows)
    q = "voice"
    hits = set(await walk(env, {"q": q, "sort": "downloads"}))
    assert len(hits) > 50
    by_id = {str(r["id"]): r for r in rows}
    text = {
        i: (r["name"] + r["short_description"] + r["description"]).lower() for i, r in by_id.items()
    }
    assert hits == {i for i, t in text.items() if "voice" in t}
    # Relevance order pages through the same matches, each once, across its tiers: names
    # ("Tech Reviewer") before tags and descriptions ("reviews").
    for word, stem in (("voice", "voice"), ("reviews", "review")):
        everything = await walk(env, {"q": word, "sort": "downloads"})
        by_relevance = await walk(env, {"q": word}, limit=30)
        assert len(by_relevance) == len(set(by_relevance)) and set(by_relevance) == set(everything)
        named = [i for i in by_relevance if stem in by_id[i]["name"].lower()]
        assert by_relevance[: len(named)] == named
    assert named and len(named) < len(by_relevance)
    for n in (1, 2, 3):
        for combo in itertools.combinations(list(values), n):
            f = {k: values[k] for k in combo}
            expected = ordered([by_id[i] for i in hits if matches(by_id[i], f)], "downloads")
            assert await walk(env, {**f, "q": q, "sort": "downloads"}) == expected, combo


async def test_exact_name_first_then_relevance_blended_with_popularity(market):
    env, rows = market
    creator = await env.user("ranker")
    in_text = await env.approved(
        creator,
        name="Ad Helper",
        short_description="A witty copywriter for your ads.",
        description="The witty copywriter every launch needs. Witty copywriter, witty copywriter.",
    )
    in_name = await env.approved(
        creator, name="Witty Copywriter for Startups", description="Pitches."
    )
    mine = await env.approved(
        creator,
        name="Witty Copywriter",
        description="Nothing else here.",
        short_description="Short.",
    )
    ids = await walk(env, {"q": "witty copywriter"}, limit=25)
    assert len(ids) == len(set(ids))  # relevance pages neither repeat nor skip
    names = {str(r["id"]): r["name"] for r in rows}
    for p in (in_text, in_name, mine):
        names[p["id"]] = p["name"]
    exact = [i for i in ids if names[i].lower() == "witty copywriter"]
    assert mine["id"] in exact
    assert ids[: len(exact)] == exact  # every exact match before anything else
    # Then the name outweighs the description (same popularity: both new).
    assert ids.index(in_name["id"]) < ids.index(in_text["id"])


async def test_one_letter_typos_still_find_the_persona(market):
    env, _rows = market
    creator = await env.user("typo")
    chef = await env.approved(creator, name="Sarcastic Chef", category="food")
    for q in ("Sarcastc Chef", "sarcastic chfe", "Sarcastik", "Sarkastic chef"):
        page = (await env.http.get("/api/personas", params={"q": q})).json()
        assert page["items"], q
        assert "sarcastic" in page["items"][0]["name"].lower(), q
        assert chef["id"] in [p["id"] for p in page["items"]], q
    # Typo search still honours the filters.
    page = (
        await env.http.get("/api/personas", params={"q": "Sarcastc Chef", "category": "travel"})
    ).json()
    assert chef["id"] not in [p["id"] for p in page["items"]]
    assert all(p["category"] == "travel" for p in page["items"])
    # Nothing close: an empty page, not an error.
    page = (await env.http.get("/api/personas", params={"q": "zzqxv"})).json()
    assert page == {"items": [], "next_cursor": None}
    page = (await env.http.get("/api/personas", params={"q": "the"})).json()
    assert page["next_cursor"] is None or page["items"]
    # A stop word alone gives the text search nothing to look for, so the typo search answers:
    # exactly the market names within a typo of it (the database's own pg_trgm verdict), each
    # once across the pages.
    ids = await walk(env, {"q": "the"}, limit=7)
    conn = await asyncpg.connect(env.database_url)
    try:
        close = await conn.fetch("SELECT id FROM personas WHERE listed AND 'the' <% name")
    finally:
        await conn.close()
    assert len(ids) == len(set(ids))
    assert set(ids) == {str(r["id"]) for r in close}


async def test_creator_filter_takes_a_username_or_an_id_and_counts_stay_exact(market):
    env, rows = market
    values = filter_values(rows)
    username = values["creator"]
    creator_id = next(r["creator_id"] for r in rows if r["username"] == username)
    assert await walk(env, {"creator": username}) == await walk(env, {"creator": creator_id})
    assert await walk(env, {"creator": str(uuid.uuid4())}) == []
    cats = {c["slug"]: c["count"] for c in (await env.http.get("/api/categories")).json()["items"]}
    assert sum(cats.values()) == len(rows)
    for slug, count in cats.items():
        assert count == sum(1 for r in rows if r["category"] == slug)
    tags = (await env.http.get("/api/tags", params={"limit": 100})).json()["items"]
    for t in tags[:10]:
        assert t["count"] == sum(1 for r in rows if t["name"] in r["tags"])
    assert [t["count"] for t in tags] == sorted((t["count"] for t in tags), reverse=True)
    walked: list[str] = []
    cursor = None
    while True:
        page = (await env.http.get("/api/tags", params={"limit": 7, "cursor": cursor})).json()
        walked += [t["name"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert walked[: len(tags)] == [t["name"] for t in tags] and len(set(walked)) == len(walked)
    prefixed = (await env.http.get("/api/tags", params={"q": "hu"})).json()["items"]
    assert prefixed and all(t["name"].startswith("hu") for t in prefixed)


async def test_every_branch_of_a_bounded_page_matches_the_oracle(market, monkeypatch):
    """Small windows make this market exercise each branch of a filtered page: the first
    window, the walk on past it (when the window held a few matches) and the filters' own
    indexes past both; the pages stay exact across the seams."""
    from catalog.queries import market as queries

    monkeypatch.setattr(queries, "WINDOW", 20)
    monkeypatch.setattr(queries, "FURTHER", 60)
    env, rows = market
    values = filter_values(rows)
    by_id = {str(r["id"]): r for r in rows}
    hits = set(await walk(env, {"q": "voice", "sort": "downloads"}))
    for n in (1, 2):
        for combo in itertools.combinations(list(values), n):
            f = {k: values[k] for k in combo}
            expected = ordered([r for r in rows if matches(r, f)], "downloads")
            assert await walk(env, {**f, "sort": "downloads"}, limit=9) == expected, combo
            expected = ordered([by_id[i] for i in hits if matches(by_id[i], f)], "downloads")
            got = await walk(env, {**f, "q": "voice", "sort": "downloads"}, limit=9)
            assert got == expected, combo
            by_relevance = await walk(env, {**f, "q": "voice"}, limit=9)
            assert sorted(by_relevance) == sorted(expected), combo


async def test_typos_rank_close_names_before_loose_popular_ones(market):
    env, _rows = market
    creator = await env.user("typo-tiers")
    close = await env.approved(creator, name="Quizzical Lighthouse Keeper", category="other")
    # Shares one word with the query: a loose match, however popular.
    loose = await env.approved(creator, name="Lighthouse Fan", category="other")
    conn = await asyncpg.connect(env.database_url)
    try:
        await conn.execute("UPDATE personas SET downloads = 1000000 WHERE id = $1", loose["id"])
        # The market's GIN indexes skip the pending list (migration 006).
        options = await conn.fetch(
            "SELECT c.relname, c.reloptions FROM pg_index i JOIN pg_class c"
            " ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
            " WHERE i.indrelid = 'personas'::regclass AND a.amname = 'gin'"
        )
    finally:
        await conn.close()
    assert options and all("fastupdate=off" in (r["reloptions"] or []) for r in options)
    ids = await walk(env, {"q": "quizical lighthouse"}, limit=1)
    assert ids.index(close["id"]) < ids.index(loose["id"])
    assert len(ids) == len(set(ids))
