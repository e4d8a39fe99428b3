"""Uploads are refused with a clear 413/415/422 and leave nothing behind: no blob, no staged
file, no persona, no event. Limits in these tests: 64 KB a file, 160 KB a version, 6 files."""

from __future__ import annotations


async def assert_nothing_stored(env) -> None:
    assert env.blobs.count() == 0
    assert env.blobs.staged_count() == 0
    assert await env.fetchval("SELECT count(*) FROM events") == 0
    assert await env.fetchval("SELECT count(*) FROM personas") == 0


DANGEROUS_NAMES = [
    "../escape.txt",
    "samples/../../etc/passwd.txt",
    "/etc/passwd.txt",
    "..\\windows.txt",
    "C:evil.txt",
    "bad\x01name.txt",
    "bad\u202ename.txt",
    ".hidden.txt",
    "a//b.txt",
    "~/.ssh/key.txt",
    "a/b/c/d/too-deep.txt",
]


def raw_multipart(fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart body with file names exactly as given (httpx would percent-encode some)."""
    boundary = "----catalogtestboundary"
    out = b""
    for key, value in fields.items():
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        ).encode()
    for name, content in files:
        out += f"--{boundary}\r\n".encode()
        out += (
            b'Content-Disposition: form-data; name="files"; filename="' + name.encode() + b'"\r\n'
        )
        out += b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


async def test_dangerous_file_names_are_refused(catalog):
    env = catalog
    creator = await env.user("namer")
    fields = {k: v for k, v in env.fields().items() if k not in ("tags", "usage_terms")}
    for name in DANGEROUS_NAMES:
        body, content_type = raw_multipart(fields, [("ok.md", b"fine\n"), (name, b"payload\n")])
        r = await env.http.post(
            "/api/personas",
            headers={**env.headers(creator), "content-type": content_type},
            content=body,
        )
        assert r.status_code == 422, (name, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "invalid_file_name"
        await assert_nothing_stored(env)
    body, content_type = raw_multipart(fields, [("ok.md", b"fine\n")])
    r = await env.http.post(
        "/api/personas",
        headers={**env.headers(creator), "content-type": content_type},
        content=body,
    )
    assert r.status_code == 201  # the same request with a sane name goes through


async def test_oversized_files_and_versions_are_refused(catalog):
    env = catalog
    creator = await env.user("bigfiles")
    h = env.headers(creator)
    r = await env.http.post(
        "/api/personas",
        headers=h,
        **env.multipart(env.fields(), [("big.txt", b"a" * (64 * 1024 + 1))]),
    )
    assert r.status_code == 413 and r.json()["code"] == "file_too_large"
    await assert_nothing_stored(env)

    three = [(f"part{i}.txt", bytes([97 + i]) * (60 * 1024)) for i in range(3)]  # 180 KB in all
    r = await env.http.post("/api/personas", headers=h, **env.multipart(env.fields(), three))
    assert r.status_code == 413 and r.json()["code"] == "version_too_large"
    await assert_nothing_stored(env)

    many = [(f"f{i}.txt", b"x\n") for i in range(7)]
    r = await env.http.post("/api/personas", headers=h, **env.multipart(env.fields(), many))
    assert r.status_code == 422 and r.json()["code"] == "too_many_files"
    await assert_nothing_stored(env)

    # Exactly at the limit is fine.
    r = await env.http.post(
        "/api/personas", headers=h, **env.multipart(env.fields(), [("big.txt", b"a" * (64 * 1024))])
    )
    assert r.status_code == 201
    assert env.blobs.count() == 1 and env.blobs.staged_count() == 0


WRONG_TYPES = [
    ("tool.exe", b"MZ\x90\x00"),
    ("script.sh", b"#!/bin/sh\nrm -rf /\n"),
    ("page.html", b"<script>alert(1)</script>"),
    ("noextension", b"hello"),
    ("fake.png", b"this is not a png at all"),
    ("fake.jpg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
    ("binary.txt", b"text\x00with nul"),
    ("latin1.md", "caf\u00e9".encode("latin-1")),
    ("cut-utf8.txt", "caf\u00e9".encode()[:-1]),
]


async def test_wrong_types_are_refused_by_extension_and_content(catalog):
    env = catalog
    creator = await env.user("typer")
    for name, content in WRONG_TYPES:
        r = await env.http.post(
            "/api/personas",
            headers=env.headers(creator),
            **env.multipart(env.fields(), [("ok.md", b"fine\n"), (name, content)]),
        )
        assert r.status_code == 415, (name, r.text)
        assert r.json()["code"] == "unsupported_file_type"
        await assert_nothing_stored(env)
    ok = [
        ("a.png", env.png),
        ("b.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 8),
        ("c.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 "),
        ("d.yaml", b"a: 1\n"),
        ("e.csv", b"a,b\n1,2\n"),
        ("f.json", b"{}"),
    ]
    r = await env.http.post(
        "/api/personas", headers=env.headers(creator), **env.multipart(env.fields(), ok)
    )
    assert r.status_code == 201, r.text
    types = {f["path"]: f["content_type"] for f in r.json()["versions"][0]["files"]}
    assert types == {
        "a.png": "image/png",
        "b.jpg": "image/jpeg",
        "c.webp": "image/webp",
        "d.yaml": "application/yaml",
        "e.csv": "text/csv",
        "f.json": "application/json",
    }


async def test_bad_metadata_is_a_422_listing_the_fields_and_stores_nothing(catalog):
    env = catalog
    creator = await env.user("sloppy")
    r = await env.http.post(
        "/api/personas",
        headers=env.headers(creator),
        **env.multipart(
            env.fields(name="x", category="astrology", price_cents=10, tags=["ok", "no way!"]),
            env.default_files(),
        ),
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"name", "category", "price_cents", "tags"}
    await assert_nothing_stored(env)
    r = await env.http.post(
        "/api/personas",
        headers={**env.headers(creator), "content-type": "application/json"},
        content=b'{"name": "json instead"}',
    )
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type"
    r = await env.http.post(
        "/api/personas",
        headers=env.headers(creator),
        **env.multipart(env.fields(currency="jpy"), env.default_files()),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "currency"
    await assert_nothing_stored(env)


async def test_identical_files_are_stored_once(catalog):
    env = catalog
    creator = await env.user("dedup")
    same = [("a.md", b"same bytes\n"), ("b/a.md", b"same bytes\n")]
    await env.create(creator, same)
    await env.create(creator, same, name="Another One")
    assert env.blobs.count() == 1


class _ThreadRecordingHandle:
    """A staging file that notes which thread writes to it."""

    def __init__(self, inner, threads: set[int]) -> None:
        self.inner = inner
        self.threads = threads

    def write(self, data: bytes) -> int:
        import threading

        self.threads.add(threading.get_ident())
        return int(self.inner.write(data))

    def close(self) -> None:
        self.inner.close()


async def test_uploaded_files_are_written_off_the_event_loop(catalog):
    """Staging writes are disk I/O: done on the event loop they stall every other request."""
    import threading

    from catalog.blobs import LocalBlobStore

    env = catalog
    threads: set[int] = set()

    class RecordingStore(LocalBlobStore):
        def staging_file(self):  # type: ignore[no-untyped-def]
            handle, path = super().staging_file()
            return _ThreadRecordingHandle(handle, threads), path

    env.app.state.catalog.blobs = RecordingStore(env.blob_dir)
    creator = await env.user("threaded")
    await env.create(creator)
    assert threads, "no staging write was seen"
    assert threading.get_ident() not in threads


async def test_downloads_and_previews_touch_the_blob_store_off_the_event_loop(catalog):
    import threading

    from catalog.blobs import LocalBlobStore

    env = catalog
    threads: set[int] = set()

    class RecordingStore(LocalBlobStore):
        def exists(self, sha256: str) -> bool:
            threads.add(threading.get_ident())
            return super().exists(sha256)

        def read_prefix(self, sha256: str, size: int) -> bytes:
            threads.add(threading.get_ident())
            return super().read_prefix(sha256, size)

    creator = await env.user("blobber")
    persona = await env.create(creator)
    env.app.state.catalog.blobs = RecordingStore(env.blob_dir)
    r = await env.http.get(f"/api/personas/{persona['id']}/download", headers=env.headers(creator))
    assert r.status_code == 200, r.text
    r = await env.http.get(f"/api/personas/{persona['id']}/preview", headers=env.headers(creator))
    assert r.status_code == 200 and r.json()["files"], r.text
    assert threads
    assert threading.get_ident() not in threads
