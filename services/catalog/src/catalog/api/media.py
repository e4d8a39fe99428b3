"""Pictures of a persona: its cover, each version's gallery, and the rendered images themselves.

Uploads are the raw image bytes as the request body (any declared type: the content decides),
rendered by the kernel's pipeline (`shared.images`); only the renderings are stored and served.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from shared.auth import CurrentUser
from shared.images import IMAGE_BODY_OPENAPI, image_response

from catalog import queries
from catalog.api.deps import CatalogDep, CreatorsImage, Pool
from catalog.api.personas import _detail
from catalog.schemas import ImageOut, PersonaOut

router = APIRouter(tags=["personas"])


@router.put(
    "/api/personas/{persona_id}/cover",
    response_model=PersonaOut,
    openapi_extra=IMAGE_BODY_OPENAPI,
)
async def set_cover(
    persona_id: str, data: CreatorsImage, user: CurrentUser, cat: CatalogDep, pool: Pool
) -> dict[str, Any]:
    """Set the persona's cover (its creator only). The image is re-encoded: a 640 x 360 crop
    for cards and a rendering fitted in 1600 x 900 for the persona's page."""
    await cat.set_cover(user, persona_id, data)
    return await _detail(pool, persona_id, user)


@router.delete("/api/personas/{persona_id}/cover", status_code=204)
async def remove_cover(persona_id: str, user: CurrentUser, cat: CatalogDep) -> None:
    await cat.remove_cover(user, persona_id)


@router.post(
    "/api/personas/{persona_id}/versions/{version}/gallery",
    status_code=201,
    response_model=ImageOut,
    openapi_extra=IMAGE_BODY_OPENAPI,
)
async def add_gallery_image(
    persona_id: str,
    version: str,
    data: CreatorsImage,
    user: CurrentUser,
    cat: CatalogDep,
    caption: Annotated[str, Query(max_length=200)] = "",
) -> dict[str, Any]:
    """Add an image of sample output to a version's gallery (at most 8 per version; its
    creator only); `caption` is optional."""
    image = await cat.add_gallery_image(user, persona_id, version, data, caption)
    out = queries.image_json(image)
    assert out is not None
    return out


@router.delete("/api/personas/{persona_id}/versions/{version}/gallery/{image_id}", status_code=204)
async def remove_gallery_image(
    persona_id: str, version: str, image_id: str, user: CurrentUser, cat: CatalogDep
) -> None:
    await cat.remove_gallery_image(user, persona_id, version, image_id)


@router.get(
    "/api/images/{name}",
    response_class=Response,
    responses={200: {"content": {"image/webp": {}}}},
)
async def image(name: str, cat: CatalogDep) -> Response:
    """A rendered cover or gallery image by its `<sha256>.webp` name (public, immutable)."""
    return await image_response(cat.images, name)
