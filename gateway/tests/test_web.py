"""The built web UI at `/`: files with the right cache headers, the SPA fallback for HTML
navigations, and nothing outside the dist folder."""

from __future__ import annotations

from pathlib import Path

import pytest

INDEX = "<!doctype html><title>Personas</title><div id=root></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-B4xk2Ld9.js").write_text("console.log('app')")
    (root / "assets" / "index-Cq1Zz0aA.css").write_text("body{}")
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    return root


async def test_index_and_hashed_assets(gateway, dist):
    async with gateway(web_dist=dist) as gw:
        resp = await gw.client.get("/")
        assert resp.status_code == 200
        assert resp.text == INDEX
        assert resp.headers["content-type"].startswith("text/html")
        assert resp.headers["cache-control"] == "no-cache"

        resp = await gw.client.get("/assets/index-B4xk2Ld9.js")
        assert resp.status_code == 200
        assert resp.text == "console.log('app')"
        assert "javascript" in resp.headers["content-type"]
        assert resp.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert resp.headers["x-content-type-options"] == "nosniff"

        resp = await gw.client.get("/favicon.svg")
        assert resp.status_code == 200
        assert "immutable" not in resp.headers["cache-control"]

        resp = await gw.client.head("/assets/index-Cq1Zz0aA.css")
        assert resp.status_code == 200
        assert resp.content == b""
        # the service never sees UI traffic
        assert gw.echo.seen == []


async def test_client_side_routes_fall_back_to_index_for_html_navigations(gateway, dist):
    async with gateway(web_dist=dist) as gw:
        for path in ("/personas/7", "/dashboard/earnings", "/login?next=/x"):
            resp = await gw.client.get(path, headers={"Accept": "text/html,application/xhtml+xml"})
            assert resp.status_code == 200, path
            assert resp.text == INDEX
            assert resp.headers["cache-control"] == "no-cache"
        # a missing script is a 404, not an HTML page the browser would try to run
        resp = await gw.client.get("/assets/missing-AAAAAAAA.js", headers={"Accept": "*/*"})
        assert resp.status_code == 404
        assert resp.headers["content-type"] == "application/problem+json"
        # API paths never fall back to the UI
        resp = await gw.client.get("/api/nothing", headers={"Accept": "text/html"})
        assert resp.status_code == 404
        assert resp.headers["content-type"] == "application/problem+json"
        # only reads
        resp = await gw.client.post("/personas/7", headers={"Accept": "text/html"})
        assert resp.status_code == 405


async def test_nothing_outside_the_dist_folder_is_served(gateway, dist):
    async with gateway(web_dist=dist) as gw:
        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"):
            resp = await gw.client.get(path, headers={"Accept": "*/*"})
            assert resp.status_code == 404, path
            assert "not for the web" not in resp.text


async def test_without_a_built_ui_the_root_says_so(gateway, tmp_path):
    async with gateway(web_dist=tmp_path / "missing") as gw:
        resp = await gw.client.get("/", headers={"Accept": "text/html"})
        assert resp.status_code == 404
        assert "not built" in resp.json()["detail"]
        # the API still works
        assert (await gw.client.get("/api/personas")).status_code == 200


async def test_pages_cannot_be_framed_and_never_leak_their_url_as_a_referrer(gateway, dist):
    # The verification and reset links open the UI with the token in the query string: no
    # request the page makes may carry that URL onwards, and no other site may frame the UI
    # (clickjacking).
    async with gateway(web_dist=dist) as gw:
        for path in ("/reset-password?token=abc", "/verify-email?token=abc", "/"):
            resp = await gw.client.get(path, headers={"Accept": "text/html"})
            assert resp.status_code == 200, path
            assert resp.headers["referrer-policy"] == "no-referrer"
            assert resp.headers["x-frame-options"] == "DENY"
            csp = resp.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp
            assert (
                "script-src 'self';" in csp
                and "unsafe-inline' " not in csp.split("script-src")[1].split(";")[0]
            )
            assert resp.headers["x-content-type-options"] == "nosniff"
            # the page may call only itself and a model server on the user's own computer
            connect = csp.split("connect-src ")[1].split(";")[0].split()
            assert connect == ["'self'", "http://localhost:*", "http://127.0.0.1:*"]
