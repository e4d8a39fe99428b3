"""Covers and gallery images: recognised by content, re-encoded (never served as uploaded),
metadata stripped, limits enforced, the creator only. Limits here: 256 KB, 4 megapixels."""

from __future__ import annotations

import io
import os

from PIL import Image

from .test_rebuild import rebuild


def jpeg_with_gps(size: tuple[int, int] = (1200, 800)) -> bytes:
    """A photo as a phone takes it: EXIF with a GPS position and an orientation."""
    img = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° on display
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)  # GPSLatitudeRef, GPSLatitude
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=80)
    return buf.getvalue()


def png(size: tuple[int, int] = (300, 200), color: tuple[int, ...] = (10, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def put_cover(env, persona_id: str, data: bytes, headers: dict[str, str], ctype: str = "image/png"):
    return env.http.put(
        f"/api/personas/{persona_id}/cover",
        headers={**headers, "content-type": ctype},
        content=data,
    )


async def test_cover_is_re_encoded_without_metadata_and_shown_on_cards(catalog) -> None:
    env = catalog
    creator = await env.user("painter")
    persona = await env.approved(creator)
    original = jpeg_with_gps()
    r = await put_cover(env, persona["id"], original, env.headers(creator), "image/jpeg")
    assert r.status_code == 200, r.text
    cover = r.json()["cover"]
    assert cover["url"].startswith("/api/images/") and cover["url"].endswith(".webp")
    # EXIF orientation 6 applied: the 1200 x 800 photo is upright, 800 x 1200, fitted in 1600x900
    assert (cover["width"], cover["height"]) == (600, 900)

    for url, size in ((cover["thumb_url"], (640, 360)), (cover["url"], (600, 900))):
        img = await env.http.get(url)
        assert img.status_code == 200
        assert img.headers["content-type"] == "image/webp"
        assert img.headers["x-content-type-options"] == "nosniff"
        assert "immutable" in img.headers["cache-control"]
        assert img.content != original and img.content[8:12] == b"WEBP"
        assert b"Exif" not in img.content and b"PhoneMaker" not in img.content
        decoded = Image.open(io.BytesIO(img.content))
        assert decoded.size == size
        assert not decoded.getexif()

    # the market's cards carry the cover
    r = await env.http.get("/api/personas")
    card = next(p for p in r.json()["items"] if p["id"] == persona["id"])
    assert card["cover"]["thumb_url"] == cover["thumb_url"]
    # an unknown or malformed image name is a 404, never a file of the blob store
    for name in ("0" * 64 + ".webp", "../../etc/passwd", "abc.png"):
        assert (await env.http.get(f"/api/images/{name}")).status_code == 404

    r = await env.http.delete(f"/api/personas/{persona['id']}/cover", headers=env.headers(creator))
    assert r.status_code == 204
    r = await env.http.get(f"/api/personas/{persona['id']}")
    assert r.json()["cover"] is None


async def test_cover_refusals(catalog) -> None:
    env = catalog
    creator, stranger = await env.users("refused", "stranger")
    persona = await env.approved(creator)
    pid = persona["id"]
    mine = env.headers(creator)

    async def refused(data: bytes, status: int, code: str, headers=None) -> None:
        r = await put_cover(env, pid, data, headers or mine)
        assert r.status_code == status, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == code, r.json()

    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    await refused(gif.getvalue(), 415, "unsupported_image_type")  # a real image, wrong type
    await refused(
        b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", 415, "unsupported_image_type"
    )
    await refused(b"<html><script>alert(1)</script></html>", 415, "unsupported_image_type")
    await refused(png()[:200], 422, "unreadable_image")  # cut short
    await refused(b"\x89PNG\r\n\x1a\n" + os.urandom(300 * 1024), 413, "image_too_large")
    await refused(png((3000, 2000)), 422, "image_too_large_pixels")  # 6 MP > 4 MP: a bomb
    await refused(b"", 422, "empty_image")
    await refused(png(), 403, "not_creator", env.headers(stranger))
    r = await put_cover(env, pid, png(), {})
    assert r.status_code == 401
    r = await env.http.get(f"/api/personas/{pid}")
    assert r.json()["cover"] is None
    assert await env.events("PersonaCoverChanged") == 0


async def test_gallery_up_to_eight_images_per_version(catalog) -> None:
    env = catalog
    creator = await env.user("galleria")
    persona = await env.create(creator)
    pid = persona["id"]
    version = persona["latest_version"]
    mine = env.headers(creator)
    url = f"/api/personas/{pid}/versions/{version}/gallery"

    added = []
    for i in range(8):
        r = await env.http.post(
            url,
            params={"caption": f"Sample post {i}"},
            headers={**mine, "content-type": "image/png"},
            content=png(color=(i * 20, 50, 50)),
        )
        assert r.status_code == 201, r.text
        added.append(r.json())
    assert added[0]["caption"] == "Sample post 0"
    r = await env.http.post(
        url, headers={**mine, "content-type": "image/png"}, content=png(color=(1, 2, 3))
    )
    assert (r.status_code, r.json()["code"]) == (409, "too_many_gallery_images")

    r = await env.http.get(f"/api/personas/{pid}", headers=mine)
    gallery = r.json()["versions"][0]["gallery"]
    assert [g["id"] for g in gallery] == [a["id"] for a in added]
    thumb = await env.http.get(gallery[0]["thumb_url"])
    assert thumb.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(thumb.content)).size == (300, 200)  # fitted, never enlarged

    r = await env.http.delete(f"{url}/{added[3]['id']}", headers=mine)
    assert r.status_code == 204
    r = await env.http.get(f"/api/personas/{pid}/versions", headers=mine)
    assert [g["id"] for g in r.json()["items"][0]["gallery"]] == [
        a["id"] for i, a in enumerate(added) if i != 3
    ]
    # room again for one more
    r = await env.http.post(url, headers=mine, content=png(color=(9, 9, 9)))
    assert r.status_code == 201, r.text

    r = await env.http.post(
        f"/api/personas/{pid}/versions/9.9.9/gallery", headers=mine, content=png()
    )
    assert (r.status_code, r.json()["code"]) == (404, "version_not_found")
    stranger = await env.user("peeker")
    r = await env.http.post(url, headers=env.headers(stranger), content=png())
    assert r.status_code == 404  # a draft: strangers do not learn it exists


async def test_media_survives_a_rebuild(catalog) -> None:
    env = catalog
    creator = await env.user("rebuilder")
    persona = await env.create(creator)
    mine = env.headers(creator)
    await put_cover(env, persona["id"], png(), mine)
    r = await env.http.post(
        f"/api/personas/{persona['id']}/versions/{persona['latest_version']}/gallery",
        headers=mine,
        content=png(color=(1, 1, 1)),
    )
    assert r.status_code == 201
    before = (await env.http.get(f"/api/personas/{persona['id']}", headers=mine)).json()
    await rebuild(env.database_url)
    after = (await env.http.get(f"/api/personas/{persona['id']}", headers=mine)).json()
    assert after["cover"] == before["cover"] and after["cover"] is not None
    assert after["versions"][0]["gallery"] == before["versions"][0]["gallery"]
