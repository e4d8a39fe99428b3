"""The view beacon: who counts, how often, and where they came from (real database)."""

from __future__ import annotations

import uuid

from analytics.views import classify, is_bot

from .conftest import BROWSER


def test_bots_and_sources() -> None:
    assert is_bot("Googlebot/2.1 (+http://www.google.com/bot.html)")
    assert is_bot("Mozilla/5.0 (compatible; bingbot/2.0)")
    assert is_bot("curl/8.5.0") and is_bot("") and is_bot(None)
    assert is_bot("Mozilla/5.0 HeadlessChrome/126.0")
    assert not is_bot(BROWSER)
    own = {"app.test"}
    assert classify(None, own) == ("direct", "")
    assert classify("https://www.youtube.com/watch?v=1", own) == ("external", "youtube.com")
    assert classify("http://app.test/?q=coach", own) == ("search", "")
    assert classify("http://app.test/collections/best", own) == ("collection", "")
    assert classify("http://app.test/?sort=trending", own) == ("trending", "")
    assert classify("http://app.test/personas/1", own) == ("internal", "")
    assert classify("http://app.test/personas/1", own, "recommendation") == ("recommendation", "")
    assert classify(None, own, "trending") == ("trending", "")
    assert classify("not a url", own) == ("direct", "")


async def test_a_view_counts_once_per_visitor_per_persona_per_half_hour(harness) -> None:
    h = harness
    creator, reader = str(uuid.uuid4()), str(uuid.uuid4())
    p = await h.persona(creator)
    await h.caught_up()

    first = await h.view(p)  # a new anonymous visitor gets a first-party cookie
    assert first.status_code == 202 and first.json() == {"counted": True}
    cookie = first.cookies["cp_vid"]
    assert "httponly" in first.headers["set-cookie"].lower()
    again = await h.view(p, cookies={"cp_vid": cookie})
    assert again.json() == {"counted": False}
    assert "set-cookie" not in again.headers  # the visitor keeps their id

    assert (await h.view(p, user=reader, referrer="https://www.youtube.com/x")).json()["counted"]
    assert not (await h.view(p, user=reader)).json()["counted"]
    assert not (await h.view(p, user=creator)).json()["counted"]  # the creator's own visits
    assert not (await h.view(p, agent="Googlebot/2.1")).json()["counted"]
    assert (await h.view(p, referrer="http://app.test/?q=calm")).json()["counted"]  # new cookie

    # Half an hour later the same visitor counts again.
    await h.app.state.pool.execute(
        "UPDATE view_last SET seen_at = seen_at - interval '31 minutes' WHERE visitor = $1",
        f"a:{cookie}",
    )
    assert (await h.view(p, cookies={"cp_vid": cookie})).json()["counted"]

    body = await h.overview(creator)
    assert body["totals"]["views"] == 4
    assert body["totals"]["unique_viewers"] == 3
    assert body["series"][-1]["views"] == 4
    sources = {(s["source"], s["referrer_domain"]): s["views"] for s in body["sources"]}
    assert sources == {("direct", ""): 2, ("external", "youtube.com"): 1, ("search", ""): 1}


async def test_unknown_personas_and_bad_reports_are_refused(harness) -> None:
    h = harness
    r = await h.view(str(uuid.uuid4()))
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await h.http.post("/api/analytics/views", json={"persona_id": ""})
    assert r.status_code == 422
    r = await h.http.post("/api/analytics/views", json={"persona_id": "x", "referrer": "x" * 5000})
    assert r.status_code == 422
