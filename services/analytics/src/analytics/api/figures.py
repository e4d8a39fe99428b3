"""HTTP routes: thin; validate, check who asks, call the queries or the view recorder."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from shared.auth import CurrentUser, OptionalUser, Principal
from shared.http import get_pool

from analytics import queries, views
from analytics.errors import InvalidRange, PersonaNotFound
from analytics.queries import Granularity, Scope
from analytics.schemas import Overview, PersonaReport, ViewCounted
from analytics.settings import AnalyticsSettings

router = APIRouter()

MAX_RANGE_DAYS = 3 * 366
DEFAULT_RANGE_DAYS = 30


class Range(BaseModel):
    start: date
    end: date
    granularity: Granularity
    tz: str


def date_range(
    from_: Annotated[
        date | None,
        Query(alias="from", description="first day in `tz` (default: 29 days before `to`)"),
    ] = None,
    to: Annotated[
        date | None, Query(description="last day in `tz`, included (default: today there)")
    ] = None,
    granularity: Granularity = "day",
    tz: Annotated[
        str,
        Query(
            max_length=64,
            description="IANA time zone whose days the figures are summed by (the browser's)",
            examples=["Europe/Paris"],
        ),
    ] = "UTC",
) -> Range:
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRange("tz", "Unknown time zone (an IANA name such as Europe/Paris).") from None
    end = to or datetime.now(zone).date()
    start = from_ or end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if end < start:
        raise InvalidRange("to", "`to` is before `from`.")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidRange("from", "A range covers at most 3 years.")
    return Range(start=start, end=end, granularity=granularity, tz=zone.key)


DateRange = Annotated[Range, Depends(date_range)]


def settings_of(request: Request) -> AnalyticsSettings:
    settings: AnalyticsSettings = request.app.state.settings
    return settings


class ViewReport(BaseModel):
    persona_id: str = Field(min_length=1, max_length=64)
    referrer: str | None = Field(
        None, max_length=2048, description="document.referrer, or the in-app page the link was on"
    )
    source: str | None = Field(
        None,
        max_length=32,
        description="the in-app list the link was on: search, collection, trending, recommendation",
    )


@router.post(
    "/api/analytics/views", status_code=202, response_model=ViewCounted, tags=["analytics"]
)
async def report_view(
    body: ViewReport, request: Request, response: Response, user: OptionalUser
) -> ViewCounted:
    """The detail page's view beacon; anonymous visitors are told apart by a first-party cookie."""
    settings = settings_of(request)
    pool = await get_pool(request)
    visitor_id = _visitor_cookie(request, response, settings)
    if views.is_bot(request.headers.get("user-agent")):
        return ViewCounted(counted=False)
    source, domain = views.classify(body.referrer, _own_hosts(request, settings), body.source)
    counted = await views.record_view(
        pool,
        persona_id=body.persona_id,
        visitor=f"u:{user.user_id}" if user is not None else f"a:{visitor_id}",
        user_id=user.user_id if user is not None else None,
        at=datetime.now(UTC),
        source=source,
        referrer_domain=domain,
        window_s=settings.view_window_s,
    )
    if counted is None:
        raise PersonaNotFound(body.persona_id)
    return ViewCounted(counted=counted)


def _visitor_cookie(request: Request, response: Response, settings: AnalyticsSettings) -> str:
    value = request.cookies.get(settings.visitor_cookie, "")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        fresh = str(uuid.uuid4())
        response.set_cookie(
            settings.visitor_cookie,
            fresh,
            max_age=settings.visitor_cookie_max_age_s,
            path="/",
            httponly=True,
            samesite="lax",
            secure=settings.public_url.startswith("https://"),
        )
        return fresh


def _own_hosts(request: Request, settings: AnalyticsSettings) -> set[str]:
    hosts = {(urlsplit(settings.public_url).hostname or "").lower()}
    forwarded = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    hosts.add(forwarded.split(":")[0].lower())
    return hosts - {""}


async def _figures(request: Request, scope: Scope, r: Range) -> dict[str, Any]:
    pool = await get_pool(request)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        series = await queries.series(conn, scope, r.start, r.end, r.granularity, r.tz)
        return {
            "from": r.start,
            "to": r.end,
            "granularity": r.granularity,
            "time_zone": r.tz,
            "as_of": await queries.as_of(conn),
            "totals": await queries.totals(
                conn,
                scope,
                r.start,
                r.end,
                r.tz,
                series,
            ),
            "series": series,
            "sources": await queries.sources(conn, scope, r.start, r.end, r.tz),
            **(
                {
                    "followers": await queries.followers(
                        conn, scope[1], r.start, r.end, r.granularity, r.tz
                    ),
                    "top_personas": await queries.top_personas(
                        conn, scope[1], r.start, r.end, r.tz
                    ),
                }
                if scope[0] == "creator_id"
                else {}
            ),
        }


@router.get("/api/analytics/overview", tags=["analytics"], response_model=Overview)
async def overview(request: Request, user: CurrentUser, r: DateRange) -> Overview:
    """The signed-in creator's figures over the range, per period, with totals."""
    figures = await _figures(request, ("creator_id", user.user_id), r)
    return Overview.model_validate({"creator_id": user.user_id, **figures})


@router.get(
    "/api/analytics/personas/{persona_id}", tags=["analytics"], response_model=PersonaReport
)
async def persona_figures(
    persona_id: str, request: Request, user: CurrentUser, r: DateRange
) -> PersonaReport:
    """One persona's figures: its creator or an admin only (anyone else gets 404)."""
    row = await _visible_persona(request, persona_id, user)
    figures = await _figures(request, ("persona_id", persona_id), r)
    return PersonaReport.model_validate(
        {"persona_id": persona_id, "name": row["name"], "creator_id": row["creator_id"], **figures}
    )


async def _visible_persona(request: Request, persona_id: str, user: Principal) -> Any:
    row = await queries.persona(await get_pool(request), persona_id)
    if row is None or (row["creator_id"] != user.user_id and not user.is_admin):
        raise PersonaNotFound(persona_id)
    return row


CSV_COLUMNS = (
    "day", "persona_id", "name", "views", "unique_viewers", "acquisitions", "purchases",
    "refunds", "downloads", "currency", "gross", "creator_revenue", "refunded", "refunded_creator",
)  # fmt: skip


@router.get(
    "/api/analytics/export.csv",
    tags=["analytics"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def export_csv(request: Request, user: CurrentUser, r: DateRange) -> Response:
    """The signed-in creator's daily figures per persona (days of `tz`, money in minor units)
    as CSV."""
    pool = await get_pool(request)
    async with pool.acquire() as conn:
        rows = await queries.daily_rows(conn, user.user_id, r.start, r.end, r.tz)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_csv_safe(row[c]) for c in CSV_COLUMNS])
    name = f"analytics-{r.start.isoformat()}-{r.end.isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _csv_safe(value: Any) -> Any:
    # A persona name starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
