"""The pictures of a persona: `personas.cover` and `persona_versions.gallery`."""

from __future__ import annotations

from shared.contracts.catalog import (
    PersonaCoverChanged,
    PersonaGalleryImageAdded,
    PersonaGalleryImageRemoved,
)

from catalog.projections.base import projections

projections.statement(
    PersonaCoverChanged,
    "UPDATE personas SET cover = $2, updated_at = $3 WHERE id = $1",
    lambda e, env: (e.persona_id, e.cover, env.occurred_at),
)


projections.statement(
    PersonaGalleryImageAdded,
    "UPDATE persona_versions SET gallery = gallery || jsonb_build_array($3::jsonb)"
    " WHERE persona_id = $1 AND version = $2",
    lambda e, env: (e.persona_id, e.version, e.image),
)


projections.statement(
    PersonaGalleryImageRemoved,
    "UPDATE persona_versions SET gallery = coalesce((SELECT jsonb_agg(img ORDER BY n)"
    " FROM jsonb_array_elements(gallery) WITH ORDINALITY AS g(img, n)"
    " WHERE img->>'id' <> $3), '[]'::jsonb) WHERE persona_id = $1 AND version = $2",
    lambda e, env: (e.persona_id, e.version, e.image_id),
)
