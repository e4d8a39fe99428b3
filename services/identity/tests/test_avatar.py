"""Avatar uploads (the kernel's image pipeline) and social links typed the way people type them."""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Any

import pytest
from identity.domain import DomainError, normalize_social_links
from PIL import Image

if TYPE_CHECKING:
    from conftest import Client


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"max_avatar_bytes": 256 * 1024}


def photo(size: tuple[int, int] = (900, 600), fmt: str = "JPEG") -> bytes:
    img = Image.new("RGB", size, (30, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneModel"
    buf = io.BytesIO()
    img.save(buf, fmt, exif=exif)
    return buf.getvalue()


async def test_avatar_upload_is_re_encoded_and_served(client: Client) -> None:
    _, headers = await client.user("avatarist")
    original = photo()
    r = await client.http.put(
        "/api/users/me/avatar",
        headers={**headers, "content-type": "image/jpeg"},
        content=original,
    )
    assert r.status_code == 200, r.text
    url = r.json()["avatar_url"]
    assert url.startswith("/api/avatars/") and url.endswith(".webp")

    img = await client.http.get(url)
    assert img.status_code == 200
    assert img.headers["content-type"] == "image/webp"
    assert img.headers["x-content-type-options"] == "nosniff"
    assert img.content != original and b"SecretPhoneModel" not in img.content
    assert Image.open(io.BytesIO(img.content)).size == (256, 256)  # a square crop

    public = (await client.http.get("/api/users/avatarist")).json()
    assert public["avatar_url"] == url
    # the web form sends the profile back with the avatar it shows: still accepted
    r = await client.http.put(
        "/api/users/me/profile", headers=headers, json={"avatar_url": url, "bio": "hi"}
    )
    assert r.status_code == 200 and r.json()["avatar_url"] == url
    # but nobody points at a path of our own that is not an avatar rendering
    r = await client.http.put(
        "/api/users/me/profile", headers=headers, json={"avatar_url": "/api/auth/logout"}
    )
    assert r.status_code == 422

    r = await client.http.delete("/api/users/me/avatar", headers=headers)
    assert r.status_code == 200 and r.json()["avatar_url"] is None
    assert (await client.http.get(f"/api/avatars/{'0' * 64}.webp")).status_code == 404


async def test_avatar_refusals(client: Client) -> None:
    _, headers = await client.user("refusedav")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    cases = [
        (gif.getvalue(), 415, "unsupported_image_type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", 415, "unsupported_image_type"),
        (photo()[:300], 422, "unreadable_image"),
        (b"\xff\xd8\xff" + os.urandom(300 * 1024), 413, "image_too_large"),
    ]
    for data, status, code in cases:
        r = await client.http.put("/api/users/me/avatar", headers=headers, content=data)
        assert r.status_code == status, (code, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == code
    r = await client.http.put("/api/users/me/avatar", content=photo())
    assert r.status_code == 401
    me = (await client.http.get("/api/auth/me", headers=headers)).json()
    assert me["avatar_url"] is None


def test_social_links_are_normalised() -> None:
    assert normalize_social_links(
        {
            "Instagram": "instagram.com/ana.bakes",
            "tiktok": "@ana",
            "x": "ana",
            "youtube": "www.youtube.com/@ana",
            "mastodon": "@ana@mastodon.social",
            "blog": "https://ana.example/posts",
            "github": " @ana-dev ",
        }
    ) == {
        "blog": "https://ana.example/posts",
        "github": "https://github.com/ana-dev",
        "instagram": "https://instagram.com/ana.bakes",
        "mastodon": "https://mastodon.social/@ana",
        "tiktok": "https://www.tiktok.com/@ana",
        "x": "https://x.com/ana",
        "youtube": "https://www.youtube.com/@ana",
    }
    for bad in ({"myblog": "@ana"}, {"x": "not a url"}, {"x": "javascript:alert(1)"}):
        with pytest.raises(DomainError):
            normalize_social_links(bad)


async def test_profile_accepts_links_without_https(client: Client) -> None:
    _, headers = await client.user("linker")
    r = await client.http.put(
        "/api/users/me/profile",
        headers=headers,
        json={"social_links": {"instagram": "instagram.com/linker", "tiktok": "@linker"}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["social_links"] == {
        "instagram": "https://instagram.com/linker",
        "tiktok": "https://www.tiktok.com/@linker",
    }
