"""The built web UI (`web/dist`) at `/`, as a single-page app.

Files are served as they are; a GET for anything else that accepts HTML gets `index.html`, so
client-side routes (`/personas/7`, `/dashboard`) work on reload and from links. Vite puts the
hashed build output under `assets/`: those never change under the same name and are cached for a
year; `index.html` is revalidated on every load so a deploy is picked up at once.
"""

from __future__ import annotations

import re
from pathlib import Path

from shared.problems import NotFound, Problem
from starlette.requests import Request
from starlette.responses import FileResponse, Response

HASHED = re.compile(r"-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
SHORT = "public, max-age=3600"
# Verification and reset links carry their token in the page URL: no request the UI makes may
# pass that URL on (Referer), and no other site may frame the UI (clickjacking). The CSP lets
# only the UI's own scripts run.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "; ".join(
        [
            # Only the built bundle runs: no inline script, no eval, nothing from elsewhere, so an
            # injected <script> does nothing. React sets styles through the CSSOM, which a CSP
            # does not restrict; inline style attributes stay allowed for the same markup.
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            # avatars are any https URL their owner chose
            "img-src 'self' data: https:",
            "font-src 'self' data:",
            # "Use the model on my own computer" (/generate): the page itself calls the user's
            # own OpenAI-compatible server (Jan :1337, Ollama :11434, LM Studio, llama.cpp) on
            # their loopback, never anywhere else.
            "connect-src 'self' http://localhost:* http://127.0.0.1:*",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    ),
}


class MethodNotAllowed(Problem):
    status, code, title = 405, "method_not_allowed", "Method not allowed"


class WebUI:
    def __init__(self, dist: Path) -> None:
        self.dist = dist.resolve()

    @property
    def available(self) -> bool:
        return (self.dist / "index.html").is_file()

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if not relative:
            return None
        candidate = (self.dist / relative).resolve()
        if not candidate.is_relative_to(self.dist) or not candidate.is_file():
            return None
        return candidate

    def _cache_control(self, file: Path) -> str:
        relative = file.relative_to(self.dist)
        if file.name == "index.html":
            return NO_CACHE
        if relative.parts[0] == "assets" and HASHED.search(file.name):
            return IMMUTABLE
        return SHORT

    def _send(self, file: Path) -> Response:
        headers = {"Cache-Control": self._cache_control(file), **SECURITY_HEADERS}
        return FileResponse(file, headers=headers)

    async def serve(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed(f"{request.method} is not allowed here.")
        if not self.available:
            raise NotFound("The web UI is not built here (no index.html in the web dist folder).")
        path = request.url.path
        file = self._file(path)
        if file is not None:
            return self._send(file)
        if path == "/" or "text/html" in request.headers.get("accept", ""):
            return self._send(self.dist / "index.html")
        raise NotFound(f"Nothing at {path}.")
