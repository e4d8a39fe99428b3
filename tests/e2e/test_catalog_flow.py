"""A free persona's life through the gateway with every service real: create with a file,
submit, moderate, find by search (and with a typo), acquire, download, review."""

from __future__ import annotations

import asyncio
import io
import sys
import zipfile
from pathlib import Path
from typing import Any

# Test modules are imported by path (pytest's importlib mode): make the helper beside it importable.
sys.path.insert(0, str(Path(__file__).parent))
from persona_support import PersonaSpec


async def test_create_submit_approve_search_acquire_download_review(stack: Any):
    creator = await stack.user("lena")
    admin = await stack.user("mod", admin=True)
    reader = await stack.user("sam")

    spec = PersonaSpec(
        "Calm Mindfulness Coach",
        files=(
            ("voice.md", b"Speak slowly. Breathe.\n"),
            ("examples.txt", b"Morning: notice five sounds.\n"),
        ),
        short_description="Gentle daily prompts",
        description="Short, kind meditation scripts for morning videos.",
        category="coaching",
        tags="mindfulness,calm",
    )
    r = await stack.post_persona(creator, dict(spec.files), **spec.fields(), currency="usd")
    assert r.status_code == 201, r.text
    persona = r.json()
    assert persona["status"] == "draft"
    pid = persona["id"]

    # Nobody else sees a draft, not even by id.
    assert (await stack.http.get(f"/api/personas/{pid}", headers=reader)).status_code == 404
    # Nor may they change it.
    r = await stack.http.patch(f"/api/personas/{pid}", headers=reader, json={"name": "Mine"})
    assert r.status_code in (403, 404)
    assert r.status_code == 404 and r.json()["code"] == "persona_not_found"  # it is hidden

    r = await stack.http.post(f"/api/personas/{pid}/submit", headers=creator)
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text
    queue = (await stack.http.get("/api/admin/moderation", headers=admin)).json()["items"]
    assert pid in [p["id"] for p in queue]
    assert (await stack.http.get("/api/admin/moderation", headers=reader)).status_code == 403
    r = await stack.http.post(f"/api/admin/personas/{pid}/approve", headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "approved"

    # The creator's name came from identity's events, over the broker.
    async def found(q: str) -> list[dict]:
        r = await stack.http.get("/api/personas", params={"q": q, "category": "coaching"})
        assert r.status_code == 200, r.text
        return r.json()["items"]

    assert [p["id"] for p in await found("mindfulness coach")][:1] == [pid]
    assert [p["id"] for p in await found("mindfulnes")][:1] == [pid]  # a typo
    for _ in range(100):
        detail = (await stack.http.get(f"/api/personas/{pid}")).json()
        if detail["creator"].get("username") == "lena":
            break
        await asyncio.sleep(0.1)
    assert detail["creator"]["username"] == "lena"

    r = await stack.http.get(f"/api/personas/{pid}/download", headers=reader)
    assert r.status_code in (402, 403)
    assert r.json()["code"] == "not_acquired"  # free: added to the library first
    r = await stack.http.post(f"/api/personas/{pid}/acquire", headers=reader)
    assert r.status_code == 200 and r.json()["entitled"] is True
    r = await stack.http.get(f"/api/personas/{pid}/download", headers=reader)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    names = {n.rsplit("/", 1)[-1] for n in archive.namelist()}
    assert {"examples.txt", "voice.md"} <= names
    voice = next(n for n in archive.namelist() if n.endswith("voice.md"))
    assert archive.read(voice) == b"Speak slowly. Breathe.\n"

    r = await stack.http.post(
        f"/api/personas/{pid}/reviews",
        headers=reader,
        json={"rating": 4, "body": "Lovely and calm."},
    )
    assert r.status_code == 201, r.text
    assert r.json()["verified_purchase"] is True
    detail = (await stack.http.get(f"/api/personas/{pid}")).json()
    assert (detail["rating_avg"], detail["rating_count"]) == (4, 1)
    library = (await stack.http.get("/api/users/me/purchases", headers=reader)).json()["items"]
    assert len(library) == 1
