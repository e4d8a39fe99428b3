"""Request bodies of the generation API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TemplateIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=500)
    body: str = Field(min_length=1)
    params_schema: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object", "properties": {}}
    )


class Settings(BaseModel):
    """How to generate: which provider and model, and the sampling knobs."""

    provider: str | None = Field(None, max_length=40)
    model: str | None = Field(None, max_length=200)
    temperature: float = Field(0.7, ge=0, le=2)
    seed: int | None = Field(None, ge=0, le=2**31 - 1)
    max_tokens: int | None = Field(None, ge=1, le=8192)


class GenerateIn(Settings):
    persona_id: str = Field(min_length=1, max_length=64)
    template_id: str = Field(min_length=1, max_length=64)
    params: dict[str, Any] = Field(default_factory=dict)


class RerunIn(BaseModel):
    params: dict[str, Any] | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    seed: int | None = Field(None, ge=0, le=2**31 - 1)


class FavouriteIn(BaseModel):
    favourite: bool


class TryoutsIn(BaseModel):
    allowed: bool
