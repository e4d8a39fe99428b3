"""Request shapes of the catalog API, and the validation that turns them into domain values."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from shared.problems import Unprocessable, field_error

from catalog.domain import CATEGORIES, Metadata

_TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
MAX_TAGS = 10
MAX_PRICE_CENTS = 1_000_000
MIN_PAID_CENTS = 50  # below the smallest amount a card payment can carry


class UsageTerms(BaseModel):
    personal: bool = True
    commercial: bool = False
    derivatives: bool = False


class PersonaFields(BaseModel):
    """A persona's metadata, as a creator sends it (multipart on create, JSON on edit)."""

    name: str = Field(min_length=3, max_length=80)
    short_description: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20_000)
    category: str
    tags: list[str] = Field(default_factory=list)
    price_cents: int = Field(default=0, ge=0, le=MAX_PRICE_CENTS)
    currency: str = "usd"
    usage_terms: UsageTerms = Field(default_factory=UsageTerms)

    @field_validator("name", "short_description", "description", mode="before")
    @classmethod
    def _strip(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        v = v.strip().lower()
        if v not in CATEGORIES:
            raise ValueError(f"unknown category; use one of {', '.join(CATEGORIES)}")
        return v

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        if isinstance(v, list):
            # "a, b" in one field or several fields: both mean the same tags.
            return [t.strip().lower() for item in v for t in str(item).split(",") if t.strip()]
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        seen: list[str] = []
        for tag in v:
            tag = re.sub(r"\s+", "-", tag)
            if not _TAG.match(tag):
                raise ValueError(
                    f"'{tag}' is not a valid tag (letters, digits and '-', up to 30 characters)"
                )
            if tag not in seen:
                seen.append(tag)
        if len(seen) > MAX_TAGS:
            raise ValueError(f"at most {MAX_TAGS} tags")
        return seen

    @field_validator("price_cents")
    @classmethod
    def _price(cls, v: int) -> int:
        if 0 < v < MIN_PAID_CENTS:
            raise ValueError(f"a paid persona costs at least {MIN_PAID_CENTS} cents (0 means free)")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        v = v.strip().lower()
        if not re.fullmatch(r"[a-z]{3}", v):
            raise ValueError("use a three-letter ISO currency code")
        return v

    def to_metadata(self, currencies: list[str]) -> Metadata:
        if self.currency not in currencies:
            raise field_error(
                "currency", f"Use one of: {', '.join(c.upper() for c in currencies)}."
            )
        return Metadata(
            name=self.name,
            short_description=self.short_description,
            description=self.description,
            category=self.category,
            tags=list(self.tags),
            price_cents=self.price_cents,
            currency=self.currency,
            usage_terms=self.usage_terms.model_dump(),
        )


def validation_problem(exc: ValidationError) -> Unprocessable:
    errors = [
        {
            "field": ".".join(str(p) for p in e["loc"]) or "request",
            "message": str(e["msg"]).removeprefix("Value error, "),
        }
        for e in exc.errors()
    ]
    return Unprocessable("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)


def parse_fields(data: dict[str, Any]) -> PersonaFields:
    try:
        return PersonaFields.model_validate(data)
    except ValidationError as exc:
        raise validation_problem(exc) from exc


_TRUE = {"1", "true", "yes", "on"}


def form_to_fields(form: Any) -> dict[str, Any]:
    """Multipart fields -> the dict `PersonaFields` validates (only the fields that were sent)."""
    data: dict[str, Any] = {}
    for name in ("name", "short_description", "description", "category", "currency"):
        value = form.get(name)
        if value is not None:
            data[name] = value
    tags = form.get_all("tags") + form.get_all("tags[]")
    if tags:
        data["tags"] = tags
    price = form.get("price_cents")
    if price is not None:
        data["price_cents"] = price.strip() or "0"
    terms = form.get("usage_terms")
    if terms is not None:
        try:
            data["usage_terms"] = json.loads(terms)
        except json.JSONDecodeError as exc:
            raise field_error("usage_terms", "usage_terms must be a JSON object.") from exc
    else:
        flags = {
            key: form.get(f"usage_{key}")
            for key in ("personal", "commercial", "derivatives")
            if form.get(f"usage_{key}") is not None
        }
        if flags:
            data["usage_terms"] = {k: v.strip().lower() in _TRUE for k, v in flags.items()}
    return data


def wants_submit(form: Any) -> bool:
    submit = (form.get("submit") or "").strip().lower()
    status = (form.get("status") or "").strip().lower()
    return submit in _TRUE or status == "pending"


class PersonaPatch(BaseModel):
    name: str | None = None
    short_description: str | None = None
    description: str | None = None
    category: str | None = None
    tags: list[str] | str | None = None
    price_cents: int | None = None
    currency: str | None = None
    usage_terms: UsageTerms | None = None
    # "pending" submits the persona for review after the edit (as POST .../submit does).
    status: Literal["draft", "pending"] | None = None


class ReviewIn(BaseModel):
    rating: int = Field(ge=1, le=5)
    # Left out: a new review has none, an existing one keeps its text.
    body: str | None = Field(default=None, max_length=5000)

    @field_validator("body", mode="before")
    @classmethod
    def _strip(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v


class ReviewPatch(ReviewIn):
    """PATCH: only the fields sent change."""

    rating: int | None = Field(default=None, ge=1, le=5)  # type: ignore[assignment]


class ResponseIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class ReportIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)
    details: str | None = Field(default=None, max_length=2000)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=3, max_length=2000)


class ResolveIn(BaseModel):
    action: Literal["dismiss", "take_down"]
    note: str | None = Field(default=None, max_length=2000)


class CollectionIn(BaseModel):
    slug: str
    title: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    persona_ids: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError("lower-case letters, digits and '-', 2 to 63 characters")
        return v


class CollectionPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    persona_ids: list[str] | None = Field(default=None, max_length=100)
