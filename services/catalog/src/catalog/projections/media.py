"""The pictures of a persona: `personas.cover` and `persona_versions.gallery`."""

from __future__ import annotations

import asyncpg
from shared.contracts.catalog import (
    PersonaCoverChanged,
    PersonaGalleryImageAdded,
    PersonaGalleryImageRemoved,
)
from shared.events import Envelope

from catalog.projections.base import projections


@projections.on(PersonaCoverChanged)
async def _cover(conn: asyncpg.Connection, e: PersonaCoverChanged, env: Envelope) -> None:
    await conn.execute(
        "UPDATE personas SET cover = $2, updated_at = $3 WHERE id = $1",
        e.persona_id,
        e.cover,
        env.occurred_at,
    )


@projections.on(PersonaGalleryImageAdded)
async def _added(conn: asyncpg.Connection, e: PersonaGalleryImageAdded, _: Envelope) -> None:
    await conn.execute(
        "UPDATE persona_versions SET gallery = gallery || jsonb_build_array($3::jsonb)"
        " WHERE persona_id = $1 AND version = $2",
        e.persona_id,
        e.version,
        e.image,
    )


@projections.on(PersonaGalleryImageRemoved)
async def _removed(conn: asyncpg.Connection, e: PersonaGalleryImageRemoved, _: Envelope) -> None:
    await conn.execute(
        "UPDATE persona_versions SET gallery = coalesce((SELECT jsonb_agg(img ORDER BY n)"
        " FROM jsonb_array_elements(gallery) WITH ORDINALITY AS g(img, n)"
        " WHERE img->>'id' <> $3), '[]'::jsonb) WHERE persona_id = $1 AND version = $2",
        e.persona_id,
        e.version,
        e.image_id,
    )
