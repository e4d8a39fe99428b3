"""Projections rebuilt from the event store equal the ones written live (and the seeder's)."""

from __future__ import annotations

import uuid

import asyncpg
from catalog.projections import projections
from seeders.catalog_market import seed
from shared.db import create_pool
from shared.eventstore import EventStore


async def snapshot(dsn: str) -> dict[str, list[tuple]]:
    conn = await asyncpg.connect(dsn)
    try:
        out = {}
        for table in projections.tables:
            cols = [
                r["column_name"]
                for r in await conn.fetch(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = $1"
                    " AND data_type <> 'tsvector' ORDER BY ordinal_position",
                    table,
                )
            ]
            rows = await conn.fetch(f"SELECT {', '.join(cols)} FROM {table}")
            out[table] = sorted(tuple(str(v) for v in r) for r in rows)
        return out
    finally:
        await conn.close()


async def rebuild(dsn: str) -> int:
    pool = await create_pool(dsn)
    try:
        return await EventStore("catalog", projections).rebuild_projections(pool)
    finally:
        await pool.close()


async def test_rebuilding_every_projection_gives_identical_read_models(catalog):
    env = catalog
    creator = await env.user("builder")
    buyers = await env.users(*(f"buyer{i}" for i in range(3)))
    free = await env.approved(creator, name="Free One", tags=["alpha", "beta"])
    paid = await env.approved(creator, name="Paid One", price_cents=500, category="marketing")
    draft = await env.create(creator, name="Draft One")
    await env.approved(creator, name="Stays Listed", tags=["delta", "beta"])
    h = [env.headers(b) for b in buyers]

    await env.http.patch(
        f"/api/personas/{free['id']}",
        headers=env.headers(creator),
        json={"tags": ["beta", "gamma"]},
    )
    await env.http.post(
        f"/api/personas/{free['id']}/versions",
        headers=env.headers(creator),
        **env.multipart({"version": "1.1.0", "changelog": "More"}, [("more.md", b"more\n")]),
    )
    await env.http.post(
        f"/api/admin/personas/{free['id']}/versions/1.1.0/approve", headers=env.admin
    )
    for headers in h:
        await env.http.post(f"/api/personas/{free['id']}/acquire", headers=headers)
        await env.http.get(f"/api/personas/{free['id']}/download", headers=headers)
    await env.http.get(f"/api/personas/{free['id']}/download?version=1.0.0", headers=h[0])
    tx = [f"tx_{i}_{uuid.uuid4().hex[:6]}" for i in range(2)]
    for i, t in enumerate(tx):
        await env.publish("billing.PurchaseCompleted", env.purchase(paid, buyers[i], t, fee=150))
    await env.publish(
        "billing.PurchaseRefunded",
        env.refund(paid, buyers[1], tx[1], full=True, fee=150),
    )
    await env.entitlement_deliveries(3)

    reviews = []
    for i, buyer in enumerate(buyers):
        r = await env.review(free["id"], buyer, i + 3, "ok")
        reviews.append(r.json()["id"])
    await env.http.patch(
        f"/api/reviews/{reviews[0]}", headers=h[0], json={"rating": 1, "body": "changed"}
    )
    await env.http.post(f"/api/reviews/{reviews[1]}/helpful", headers=h[0])
    await env.http.post(
        f"/api/reviews/{reviews[1]}/response", headers=env.headers(creator), json={"body": "thanks"}
    )
    await env.http.delete(f"/api/reviews/{reviews[2]}", headers=h[2])
    report = (await env.report(f"personas/{paid['id']}", buyers[2], "odd")).json()["id"]
    await env.resolve(report, "take_down")
    await env.http.post(
        "/api/admin/collections",
        headers=env.admin,
        json={"slug": "picks", "title": "Picks", "persona_ids": [free["id"]]},
    )
    await env.http.post(f"/api/personas/{draft['id']}/submit", headers=env.headers(creator))
    await env.http.delete(f"/api/personas/{free['id']}", headers=env.headers(creator))

    before = await snapshot(env.database_url)
    assert before["reviews"] and before["entitlements"] and before["reports"]
    assert [t[0] for t in before["tag_counts"]] == ["beta", "delta"]
    assert len(before["entitlement_grants"]) == 4
    count = await rebuild(env.database_url)
    assert count == await env.fetchval("SELECT count(*) FROM events")
    assert await snapshot(env.database_url) == before


async def test_seeded_personas_equal_their_rebuilt_projections(database_url, tmp_path):
    listed = await seed(database_url, 150, blob_dir=str(tmp_path / "blobs"), random_seed=3)
    assert listed == 150
    before = await snapshot(database_url)
    await rebuild(database_url)
    after = await snapshot(database_url)
    assert after == before
    assert len(after["personas"]) == 150 and after["tag_counts"]
