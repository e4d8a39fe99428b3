"""The AsyncAPI event catalogue the gateway serves, built once from the kernel's contracts."""

from __future__ import annotations

from functools import cache
from typing import Any

from shared.asyncapi import build_document


@cache
def event_catalogue() -> dict[str, Any]:
    return build_document()
