"""Uploads and downloads stream through the gateway: never held whole, memory stays bounded.

Two proofs each: the far side sees the first megabytes before the near side has finished (a
gateway that buffered would deadlock here and the test would fail on its wait), and the peak of
Python allocations over the whole 50 MB transfer (client, gateway and service all run in this
process) stays a small fraction of the body.
"""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import AsyncIterator

MB = 1024 * 1024
SIZE = 50 * MB
CHUNK = 256 * 1024
PEAK_LIMIT = 16 * MB


async def test_a_50mb_upload_streams_through(gateway, tokens):
    async with gateway(body_max_bytes=64 * MB) as gw:  # past the default 1 MB JSON limit
        echo = gw.echo

        async def body() -> AsyncIterator[bytes]:
            sent = 0
            while sent < SIZE:
                if sent >= SIZE // 2:
                    # half is out; the service must already be reading
                    await asyncio.wait_for(echo.upload_started.wait(), 30)
                piece = b"u" * min(CHUNK, SIZE - sent)  # made chunk by chunk, never held whole
                sent += len(piece)
                yield piece

        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            resp = await gw.client.post(
                "/api/personas/upload",
                content=body(),
                headers={**tokens.headers("creator-1"), "Content-Type": "application/zip"},
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert resp.status_code == 200
        assert resp.json() == {"received": SIZE}
        assert echo.seen[-1].header("content-type") == "application/zip"
        assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB for a {SIZE // MB} MB upload"


async def test_a_50mb_download_streams_through(gateway):
    async with gateway() as gw:
        echo = gw.echo
        received = 0
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            async with gw.client.stream("GET", f"/api/personas/download?size={SIZE}") as resp:
                assert resp.status_code == 200
                assert resp.headers["content-length"] == str(SIZE)
                async for chunk in resp.aiter_raw():
                    received += len(chunk)
                    if received >= MB:
                        echo.download_started.set()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert received == SIZE
        assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB for a {SIZE // MB} MB download"
