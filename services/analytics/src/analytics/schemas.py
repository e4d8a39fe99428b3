"""Response models of the analytics routes (the OpenAPI document the web client is generated
from)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from analytics.queries import Granularity


class Money(BaseModel):
    """Sums in one currency, in minor units."""

    currency: str
    gross: int
    creator_revenue: int
    refunded: int
    refunded_creator: int


class Figures(BaseModel):
    views: int
    unique_viewers: int
    acquisitions: int = Field(description="free acquisitions")
    purchases: int
    refunds: int
    downloads: int
    revenue: list[Money]
    conversion: float | None = Field(description="(acquisitions + purchases) / views")
    rating_count: int
    rating_average: float | None


class PeriodFigures(Figures):
    period: date = Field(description="first day of the period, in the range's time zone")


class SourceFigure(BaseModel):
    source: str = Field(description="search, collection, trending, recommendation, internal, ...")
    referrer_domain: str
    views: int


class FollowerFigure(BaseModel):
    period: date
    gained: int
    lost: int
    total: int = Field(description="followers at the end of the period")


class TopPersona(BaseModel):
    persona_id: str
    name: str
    views: int
    acquisitions: int
    purchases: int
    refunds: int
    downloads: int
    conversion: float | None


class Report(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    granularity: Granularity
    time_zone: str = Field(description="the IANA zone whose days the figures are summed by")
    as_of: datetime | None = Field(description="when the newest event applied happened")
    totals: Figures
    series: list[PeriodFigures]
    sources: list[SourceFigure]


class Overview(Report):
    creator_id: str
    followers: list[FollowerFigure]
    top_personas: list[TopPersona]


class PersonaReport(Report):
    persona_id: str
    name: str
    creator_id: str


class ViewCounted(BaseModel):
    counted: bool


class TrendingPersona(BaseModel):
    persona_id: str
    name: str
    creator_id: str
    category: str | None
    tags: list[str]
    score: float


class Recommended(TrendingPersona):
    reasons: list[str]  # followed_creator, also_downloaded, similar, trending
