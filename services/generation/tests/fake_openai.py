"""A small OpenAI-compatible chat-completions server for failure paths.

The requested model name picks the behaviour:

    ok          streams "Hello from the fake model." word by word, then usage and [DONE]
    slow        waits longer than any test's provider timeout before answering
    stall       sends two words, then nothing (a read timeout mid-stream)
    busy        429 with Retry-After: 7
    error500    500
    malformed   one valid chunk, then a line that is not JSON
    truncated   two words, then the connection ends without finish_reason or [DONE]
    endless     a word every 50 ms until the client goes away (records the disconnect)
    steady      twenty words, one every 100 ms, then finishes like `ok` (a generation to kill a
                worker in the middle of)
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

WORDS = ["Hello ", "from ", "the ", "fake ", "model."]


def chunk(
    content: str | None = None, finish: str | None = None, usage: dict[str, int] | None = None
) -> bytes:
    body: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": []
        if usage
        else [
            {"index": 0, "delta": {"content": content} if content else {}, "finish_reason": finish}
        ],
    }
    if usage:
        body["usage"] = usage
    return f"data: {json.dumps(body)}\n\n".encode()


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.disconnected = asyncio.Event()
        self.steady_words = 0  # words the `steady` model has streamed so far
        self.app = Starlette(routes=[Route("/v1/chat/completions", self.chat, methods=["POST"])])

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append({"body": body, "auth": request.headers.get("authorization")})
        model = body.get("model")
        if model == "busy":
            return JSONResponse({"error": {"message": "slow down"}}, 429, {"Retry-After": "7"})
        if model == "error500":
            return JSONResponse({"error": {"message": "boom"}}, 500)
        if model == "slow":
            await asyncio.sleep(30)
        return StreamingResponse(self.stream(model, request), media_type="text/event-stream")

    async def stream(self, model: str, request: Request) -> AsyncIterator[bytes]:
        if model == "endless":
            try:
                while True:
                    yield chunk("word ")
                    await asyncio.sleep(0.05)
            finally:
                self.disconnected.set()
        if model in ("truncated", "stall", "malformed"):
            yield chunk(WORDS[0])
            yield chunk(WORDS[1])
            if model == "malformed":
                yield b"data: {this is not json\n\n"
            if model == "stall":
                await asyncio.sleep(30)
            return
        if model == "steady":
            for i in range(20):
                yield chunk(f"word{i} ")
                self.steady_words += 1
                await asyncio.sleep(0.1)
        for word in WORDS:
            yield chunk(word)
        yield chunk(finish="stop")
        yield chunk(usage={"prompt_tokens": 11, "completion_tokens": 5, "total_tokens": 16})
        yield b"data: [DONE]\n\n"
