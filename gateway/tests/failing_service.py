"""A service that answers 500 on `/api/personas/boom` the way ours do on an unexpected error
(Starlette sends the 500, then uvicorn closes the kept-alive connection without saying so), and
200 everywhere else. Run in its own process by test_upstream_failures.py."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send


async def boom(request: Request) -> Response:
    raise RuntimeError("an unexpected error in the service")


class CutShort:
    """An ASGI endpoint that promises 1,000 bytes, sends 10, then fails (uvicorn drops the
    connection)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"1000"), (b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"items": ', "more_body": True})
        raise RuntimeError("the service broke off its answer")


async def ok(request: Request) -> Response:
    body = await request.body()
    return JSONResponse({"ok": True, "path": request.url.path, "size": len(body)})


app = Starlette(
    routes=[
        Route("/api/personas/boom", boom, methods=["GET", "POST"]),
        Route("/api/personas/cut", CutShort()),
        Route("/{rest:path}", ok, methods=["GET", "POST", "PUT", "DELETE"]),
    ]
)
