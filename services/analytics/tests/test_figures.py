"""Other services' events on the stream become the creator's figures (real broker and database)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shared.contracts.catalog import PersonaAcquired, PersonaDownloaded
from shared.contracts.identity import UserFollowed, UserUnfollowed
from shared.events import Event


class SomethingNew(Event):
    """A type analytics has never heard of."""

    producer = "catalog"
    persona_id: str


async def test_events_of_every_service_become_daily_figures(harness) -> None:
    h = harness
    creator, buyer, fan = (str(uuid.uuid4()) for _ in range(3))
    today = datetime.now(UTC)
    yesterday = today - timedelta(days=1)
    p = await h.persona(creator, at=yesterday - timedelta(hours=1))
    sale = await h.sale(p, creator, buyer, 999, at=yesterday)
    await h.publish(
        PersonaAcquired(
            persona_id=p,
            user_id=buyer,
            creator_id=creator,
            source="purchase",
            transaction_id="t",
            amount=999,
            currency="usd",
        ),
        at=yesterday,
    )
    await h.publish(
        PersonaAcquired(persona_id=p, user_id=fan, creator_id=creator, source="free"), at=today
    )
    await h.publish(
        PersonaDownloaded(
            persona_id=p,
            user_id=buyer,
            creator_id=creator,
            version="1.0.0",
            day=yesterday.date().isoformat(),
        ),
        at=yesterday,
        new_field="ignored",
    )
    await h.review("r1", p, creator, buyer, 4, at=today)
    await h.review("r2", p, creator, fan, 5, at=today, verified=False)
    await h.publish(SomethingNew(persona_id=p), at=today)
    await h.publish(UserFollowed(follower_id=fan, followee_id=creator), at=yesterday)
    await h.publish(UserFollowed(follower_id=buyer, followee_id=creator), at=today)
    await h.publish(UserUnfollowed(follower_id=fan, followee_id=creator), at=today)
    await h.refund(sale, at=today)
    last = await h.sale(p, creator, fan, 999, at=today)
    await h.republish(last)
    await h.caught_up()

    body = await h.overview(
        creator, **{"from": yesterday.date().isoformat(), "to": today.date().isoformat()}
    )
    assert body["as_of"] is not None
    totals = body["totals"]
    assert totals["purchases"] == 2
    assert totals["acquisitions"] == 1
    assert totals["downloads"] == 1
    assert totals["refunds"] == 1
    assert totals["revenue"] == [
        {
            "currency": "usd",
            "gross": 1998,
            "creator_revenue": 1398,
            "refunded": 999,
            "refunded_creator": 699,
        }
    ]
    assert totals["rating_count"] == 2 and totals["rating_average"] == 4.5
    days = {d["period"]: d for d in body["series"]}
    assert days[yesterday.date().isoformat()]["purchases"] == 1
    assert days[yesterday.date().isoformat()]["downloads"] == 1
    assert days[today.date().isoformat()]["acquisitions"] == 1
    assert days[today.date().isoformat()]["rating_average"] == 4.5
    followers = {f["period"]: f for f in body["followers"]}
    assert followers[yesterday.date().isoformat()]["total"] == 1
    assert followers[today.date().isoformat()] == {
        "period": today.date().isoformat(),
        "gained": 1,
        "lost": 1,
        "total": 1,
    }
    assert body["top_personas"][0]["persona_id"] == p

    # Someone else's overview has none of it.
    other = await h.overview(str(uuid.uuid4()))
    assert other["totals"]["purchases"] == 0


async def test_bad_ranges_are_422_problems(harness) -> None:
    h = harness
    user = str(uuid.uuid4())
    for params in (
        {"from": "2026-03-02", "to": "2026-03-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"granularity": "hour"},
        {"from": "yesterday"},
    ):
        r = await h.http.get("/api/analytics/overview", params=params, headers=h.auth(user))
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    r = await h.http.get("/api/analytics/overview")
    assert r.status_code == 401


async def test_persona_figures_are_for_its_creator_or_an_admin(harness) -> None:
    h = harness
    creator = str(uuid.uuid4())
    p = await h.persona(creator)
    await h.sale(p, creator, str(uuid.uuid4()))
    await h.caught_up()
    r = await h.http.get(f"/api/analytics/personas/{p}", headers=h.auth(creator))
    assert r.status_code == 200, r.text
    assert r.json()["totals"]["purchases"] == 1
    r = await h.http.get(
        f"/api/analytics/personas/{p}", headers=h.auth(str(uuid.uuid4()), admin=True)
    )
    assert r.status_code == 200
    for other in (f"/api/analytics/personas/{p}", f"/api/analytics/personas/{uuid.uuid4()}"):
        r = await h.http.get(other, headers=h.auth(str(uuid.uuid4())))
        assert r.status_code == 404
        assert r.json()["code"] == "persona_not_found"


async def test_weekly_and_monthly_periods_sum_the_days(harness) -> None:
    h = harness
    creator = str(uuid.uuid4())
    base = datetime(2026, 1, 5, 12, tzinfo=UTC)  # a Monday
    p = await h.persona(creator, at=base)
    for day in range(14):
        await h.sale(p, creator, str(uuid.uuid4()), 100, at=base + timedelta(days=day))
    await h.caught_up()
    week = await h.overview(
        creator, **{"from": "2026-01-05", "to": "2026-01-18", "granularity": "week"}
    )
    assert [(s["period"], s["purchases"]) for s in week["series"]] == [
        ("2026-01-05", 7),
        ("2026-01-12", 7),
    ]
    month = await h.overview(
        creator, **{"from": "2026-01-01", "to": "2026-02-28", "granularity": "month"}
    )
    assert [(s["period"], s["purchases"]) for s in month["series"]] == [
        ("2026-01-01", 14),
        ("2026-02-01", 0),
    ]
    assert month["totals"]["revenue"][0]["gross"] == 1400


async def test_csv_export_of_the_creators_daily_figures(harness) -> None:
    h = harness
    creator = str(uuid.uuid4())
    p = await h.persona(creator, name="=cmd|' /C calc'!A0")
    await h.sale(p, creator, str(uuid.uuid4()), 999)
    await h.caught_up()
    r = await h.http.get("/api/analytics/export.csv", headers=h.auth(creator))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    lines = r.text.strip().splitlines()
    assert lines[0].startswith("day,persona_id,name,views")
    assert len(lines) == 2
    assert ",'=cmd" in lines[1] and ",usd,999,699," in lines[1]


async def test_days_are_the_time_zone_asked_for_across_a_day_boundary(harness) -> None:
    h = harness
    creator, fan = str(uuid.uuid4()), str(uuid.uuid4())
    p = await h.persona(creator, at=datetime(2026, 3, 1, tzinfo=UTC))
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # Tokyo: 11th 08:30; New York: 10th 19:30
    early = datetime(2026, 3, 11, 0, 10, tzinfo=UTC)  # Tokyo: 11th 09:10; New York: 10th 20:10
    await h.sale(p, creator, str(uuid.uuid4()), 300, at=late)
    await h.sale(p, creator, str(uuid.uuid4()), 500, at=early)
    await h.publish(UserFollowed(follower_id=fan, followee_id=creator), at=late)
    await h.review("tz1", p, creator, fan, 5, at=early, verified=False)
    # Kolkata is UTC+5:30: 18:20 UTC is 23:50 on the 10th there, 18:35 UTC 00:05 on the 11th.
    await h.publish(
        PersonaAcquired(persona_id=p, user_id=fan, creator_id=creator, source="free"),
        at=datetime(2026, 3, 10, 18, 20, tzinfo=UTC),
    )
    await h.publish(
        PersonaDownloaded(persona_id=p, user_id=fan, creator_id=creator, version="1"),
        at=datetime(2026, 3, 10, 18, 35, tzinfo=UTC),
    )
    await h.caught_up()
    days = {"from": "2026-03-10", "to": "2026-03-11"}

    async def by_day(tz: str | None) -> dict[str, tuple[int, int, int, int, int, int]]:
        body = await h.overview(creator, **days, **({"tz": tz} if tz else {}))
        assert body["time_zone"] == (tz or "UTC")
        followers = {f["period"]: f["gained"] for f in body["followers"]}
        return {
            s["period"]: (
                s["purchases"],
                sum(m["gross"] for m in s["revenue"]),
                s["rating_count"],
                followers[s["period"]],
                s["acquisitions"],
                s["downloads"],
            )
            for s in body["series"]
        }

    assert await by_day(None) == {
        "2026-03-10": (1, 300, 0, 1, 1, 1),
        "2026-03-11": (1, 500, 1, 0, 0, 0),
    }
    assert await by_day("Asia/Tokyo") == {
        "2026-03-10": (0, 0, 0, 0, 0, 0),
        "2026-03-11": (2, 800, 1, 1, 1, 1),
    }
    assert await by_day("America/New_York") == {
        "2026-03-10": (2, 800, 1, 1, 1, 1),
        "2026-03-11": (0, 0, 0, 0, 0, 0),
    }
    assert await by_day("Asia/Kolkata") == {
        "2026-03-10": (0, 0, 0, 0, 1, 0),
        "2026-03-11": (2, 800, 1, 1, 0, 1),
    }
    # The persona page and the CSV export sum by the same days.
    r = await h.http.get(
        f"/api/analytics/personas/{p}",
        params={**days, "tz": "Asia/Tokyo"},
        headers=h.auth(creator),
    )
    assert [s["purchases"] for s in r.json()["series"]] == [0, 2]
    r = await h.http.get(
        "/api/analytics/export.csv",
        params={**days, "tz": "America/New_York"},
        headers=h.auth(creator),
    )
    rows = r.text.strip().splitlines()[1:]
    assert [(row.split(",")[0], row.split(",")[6]) for row in rows] == [("2026-03-10", "2")]

    for bad in ("Mars/Olympus", "../../etc/passwd", ""):
        r = await h.http.get("/api/analytics/overview", params={"tz": bad}, headers=h.auth(creator))
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["code"] == "invalid_range"
