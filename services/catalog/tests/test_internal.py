"""Service-to-service reads of a version's files: only with the service credential, only files
of that version, never routed by the gateway."""

from __future__ import annotations

import hashlib

from gateway.routing import service_for


async def test_internal_file_reads_need_the_service_credential(catalog) -> None:
    catalog.app.state.service_token = "s3cret-token"
    creator = await catalog.user("rosa")
    persona = await catalog.create(creator)
    pid = persona["id"]
    base = f"/internal/personas/{pid}/versions"

    for headers in ({}, {"X-Service-Token": "wrong"}, catalog.headers(creator)):
        r = await catalog.http.get(f"{base}/latest", headers=headers)
        assert (r.status_code, r.json()["code"]) == (401, "service_unauthorized")

    ok = {"X-Service-Token": "s3cret-token"}
    r = await catalog.http.get(f"{base}/latest", headers=ok)
    assert r.status_code == 200
    listing = r.json()
    files = {f["path"]: f for f in listing["files"]}
    prompt = b"# Prompt\nYou are a sarcastic chef.\n"
    assert files["prompt.md"]["sha256"] == hashlib.sha256(prompt).hexdigest()

    version = listing["version"]
    r = await catalog.http.get(f"{base}/{version}/files/{files['prompt.md']['sha256']}", headers=ok)
    assert r.status_code == 200 and r.content == prompt
    # a blob that exists but is not part of this version is not served
    other = await catalog.create(creator, files=[("prompt.md", b"someone else's words")])
    other_sha = hashlib.sha256(b"someone else's words").hexdigest()
    r = await catalog.http.get(f"{base}/{version}/files/{other_sha}", headers=ok)
    assert r.status_code == 404
    r = await catalog.http.get(f"/internal/personas/{other['id']}/versions/nope", headers=ok)
    assert r.status_code == 404

    assert service_for(f"/internal/personas/{pid}/versions/latest") is None
    assert service_for("/api/providers") == "generation"
