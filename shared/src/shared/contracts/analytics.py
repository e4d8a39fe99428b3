"""Events published by analytics (routing keys `analytics.<Type>`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shared.events import Event


class PersonaScore(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    persona_id: str
    score: float


class TrendingScoresUpdated(Event):
    """The marketplace's trending scores were recomputed. `scores` holds every persona with a
    score above zero (highest first, at most `limit`); any persona not listed scores 0.
    Consumers keep the newest by `computed_at`."""

    computed_at: datetime
    half_life_hours: float
    window_days: int
    scores: list[PersonaScore]
