"""Analytics end to end, through the gateway with every service running: views, a purchase, a
download and a review made here show up in the creator's overview and the persona's analytics,
and the persona trends (in analytics and in catalog's sort=trending)."""

from __future__ import annotations

from typing import Any

from shared.testing.wait import eventually

from .test_purchase_flow import pay, publish_paid_persona, start_checkout

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0"


async def test_views_sales_downloads_and_reviews_reach_the_creators_figures(stack: Any) -> None:
    creator = await stack.user("analyst")
    admin = await stack.user("overseer", admin=True)
    buyer = await stack.user("shopper")
    persona_id = await publish_paid_persona(stack, creator, admin, 999)

    async def view(headers: dict[str, str]) -> dict[str, Any]:
        stack.http.cookies.clear()
        r = await stack.http.post(
            "/api/analytics/views",
            json={"persona_id": persona_id, "referrer": f"{stack.url}/?q=travel"},
            headers={**headers, "User-Agent": BROWSER},
        )
        return {"status": r.status_code, **(r.json() if r.status_code < 500 else {})}

    # Analytics learns of the persona from catalog's events; then the views count.
    await eventually(lambda: view(buyer), lambda r: r["status"] == 202 and r["counted"])
    assert (await view({}))["counted"]  # an anonymous visitor
    assert not (await view(creator))["counted"]  # the creator's own visit

    await pay(stack, await start_checkout(stack, buyer, persona_id))

    async def downloaded() -> int:
        r = await stack.http.get(f"/api/personas/{persona_id}/download", headers=buyer)
        return r.status_code

    await eventually(downloaded, lambda s: s == 200)
    r = await stack.http.post(
        f"/api/personas/{persona_id}/reviews",
        headers=buyer,
        json={"rating": 4, "body": "Dry and warm, as promised."},
    )
    assert r.status_code in (200, 201), r.text

    async def overview() -> dict[str, Any]:
        r = await stack.http.get("/api/analytics/overview", headers=creator)
        assert r.status_code == 200, r.text
        return dict(r.json()["totals"])

    totals = await eventually(
        overview, lambda t: t["purchases"] == 1 and t["downloads"] == 1 and t["rating_count"] == 1
    )
    assert totals["views"] == 2 and totals["unique_viewers"] == 2
    assert totals["revenue"] == [
        {"currency": "usd", "gross": 999, "creator_revenue": 699, "refunded": 0,
         "refunded_creator": 0}
    ]  # fmt: skip
    assert totals["rating_average"] == 4.0
    assert totals["conversion"] == 0.5

    page = await stack.http.get(f"/api/analytics/personas/{persona_id}", headers=creator)
    assert page.status_code == 200 and page.json()["totals"]["purchases"] == 1
    assert page.json()["sources"] == [{"source": "search", "referrer_domain": "", "views": 2}]
    other = await stack.http.get(f"/api/analytics/personas/{persona_id}", headers=buyer)
    assert other.status_code == 404

    async def trending() -> list[str]:
        r = await stack.http.get("/api/personas/trending")
        return [i["persona_id"] for i in r.json()["items"]]

    await eventually(trending, lambda ids: ids == [persona_id])

    async def catalog_trending() -> list[str]:
        r = await stack.http.get("/api/personas", params={"sort": "trending", "limit": 1})
        return [str(i["id"]) for i in r.json()["items"]]

    await eventually(catalog_trending, lambda ids: ids == [persona_id])
    r = await stack.http.get("/api/events/asyncapi.json")
    assert r.status_code == 200 and "catalog.PersonaDownloaded" in r.json()["channels"]
