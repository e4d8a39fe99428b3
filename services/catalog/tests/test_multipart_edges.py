"""Multipart bodies cut short or naming files the RFC 5987 way: read correctly or refused with
400 `malformed_multipart`, never a persona with a file silently dropped."""

from __future__ import annotations

import json

BOUNDARY = "----edgeboundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def field_parts(fields: dict[str, str]) -> bytes:
    return b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )


def file_part(disposition: str, content: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; {disposition}\r\n'
            "Content-Type: text/markdown\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )


END = f"--{BOUNDARY}--\r\n".encode()


async def post(env, creator, body: bytes):
    return await env.http.post(
        "/api/personas",
        headers={**env.headers(creator), "content-type": CONTENT_TYPE},
        content=body,
    )


async def assert_nothing_stored(env) -> None:
    assert env.blobs.staged_count() == 0
    assert await env.fetchval("SELECT count(*) FROM personas") == 0


def fields_of(env) -> dict[str, str]:
    return {k: v for k, v in env.fields().items() if k not in ("tags", "usage_terms")}


async def test_a_body_cut_anywhere_before_its_closing_boundary_is_refused(catalog):
    env = catalog
    creator = await env.user("cutter")
    head = field_parts(fields_of(env)) + file_part('filename="a.md"', b"first\n")
    second = file_part('filename="b.md"', b"second\n")
    cuts = {
        "inside a part's headers": head + second[: second.index(b"Content-Type") + 5],
        "between parts": head,
        "after the next boundary line": head + f"--{BOUNDARY}\r\n".encode(),
        "inside a file": head + second[:-6],
    }
    for where, body in cuts.items():
        r = await post(env, creator, body)
        assert r.status_code == 400, (where, r.status_code, r.text)
        assert r.json()["code"] == "malformed_multipart", where
        await assert_nothing_stored(env)
    r = await post(env, creator, head + second + END)
    assert r.status_code == 201, r.text  # the whole body goes through


async def test_rfc5987_file_names_are_read_or_refused(catalog):
    env = catalog
    creator = await env.user("encoder")
    body = (
        field_parts(fields_of(env)) + file_part("filename*=UTF-8''na%C3%AFve.md", b"hello\n") + END
    )
    r = await post(env, creator, body)
    assert r.status_code == 201, r.text
    assert "naïve.md" in json.dumps(r.json(), ensure_ascii=False)
    for bad in ("filename*=klingon''x.md", "filename*=UTF-8''%FF%FE.md", "filename*=x.md"):
        other = await env.user(f"bad{len(bad)}")
        r = await post(env, other, field_parts(fields_of(env)) + file_part(bad, b"x\n") + END)
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["code"] == "malformed_multipart"
