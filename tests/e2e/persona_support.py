"""The personas the end-to-end flows publish: one spec with plain defaults, so a flow names only
what its story needs (a name, a price, a prompt) instead of repeating the whole form."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from shared.testing.wait import eventually


@dataclass(frozen=True)
class PersonaSpec:
    name: str
    price_cents: int = 0
    files: tuple[tuple[str, bytes], ...] = (("prompt.md", b"# Voice\nDry, warm, curious.\n"),)
    short_description: str = "Upbeat captions"
    description: str = "A persona for short videos with a dry sense of humour."
    category: str = "travel"
    tags: str = "travel"

    def fields(self) -> dict[str, str]:
        """The form fields `POST /api/personas` takes (all strings, as the web UI sends them)."""
        return {k: str(v) for k, v in asdict(self).items() if k != "files"}


async def publish(
    stack: Any, creator: dict[str, str], admin: dict[str, str], spec: PersonaSpec
) -> str:
    """Create, submit and approve `spec` as `creator` and `admin`; returns the persona's id."""
    return str(await stack.publish_persona(creator, admin, dict(spec.files), **spec.fields()))


async def cast(
    stack: Any, creator: str, admin: str, buyer: str
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """A sale's three people, registered and verified (the admin promoted): their auth headers."""
    return await stack.user(creator), await stack.user(admin, admin=True), await stack.user(buyer)


async def download_status(stack: Any, persona_id: str, headers: dict[str, str]) -> int:
    """What `GET /api/personas/{id}/download` answers these headers (200: they may download)."""
    r = await stack.http.get(f"/api/personas/{persona_id}/download", headers=headers)
    return int(r.status_code)


async def until_status(
    stack: Any, persona_id: str, headers: dict[str, str], code: int = 200, timeout: float = 20.0
) -> None:
    """Wait until the download answers `code` (200 once the purchase has reached catalog)."""
    await eventually(
        lambda: download_status(stack, persona_id, headers), code.__eq__, timeout=timeout
    )
