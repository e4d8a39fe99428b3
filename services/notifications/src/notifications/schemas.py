"""View models: what the API answers (and the stream sends), named in the OpenAPI document the
web client is generated from."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from shared.pagination import Page

from notifications.categories import Channel


class NotificationOut(BaseModel):
    id: int
    category: str
    kind: str
    title: str
    body: str
    link: str | None
    data: dict[str, Any]
    count: int
    read: bool
    created_at: datetime
    updated_at: datetime


class NotificationPage(Page[NotificationOut]):
    unread_count: int


class UnreadCount(BaseModel):
    """The answer of marking one or all read: how many are left unread."""

    unread_count: int


class PreferenceOut(BaseModel):
    category: str
    label: str
    channel: Channel
    transactional: bool
    channels: list[Channel]  # what this category may be set to


class Preferences(BaseModel):
    items: list[PreferenceOut]


class PreferencesUpdate(BaseModel):
    preferences: dict[str, Channel]


class PersonaUpdate(BaseModel):
    """An unread new-version notice: the library marks the persona "Updated"."""

    notification_id: int
    persona_id: str
    version: str


class Creator(BaseModel):
    user_id: str
    username: str


class FeedItem(BaseModel):
    id: int
    kind: Literal["persona", "version", "review"]
    actor: Creator
    persona_id: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: datetime


class FeedPage(Page[FeedItem]):
    # Filled when the user follows nobody yet: creators worth following (most approved personas).
    suggestions: list[Creator] = []
