"""Forwarding: headers in and out, request ids, paths and queries unchanged, and the problem+json
answers when a service is down (502) or slow (504)."""

from __future__ import annotations

import uuid

from shared.testing.servers import free_port


async def test_forged_identity_headers_never_reach_a_service(gateway, tokens):
    # the test client is not a trusted proxy here, so its X-Forwarded-* claims count for nothing
    async with gateway(trusted_proxies="10.0.0.1") as gw:
        forged = {
            "X-User-Id": "admin-1",
            "X-User-Roles": "admin",
            "X-User-Email": "boss@example.com",
            "X-User-Anything": "x",
            "X-Authenticated-User": "admin-1",
            "X-Forwarded-User": "admin-1",
            "X-Real-IP": "10.9.9.9",
            "Forwarded": "for=10.9.9.9",
            "X-Forwarded-For": "10.9.9.9",
            "X-Forwarded-Host": "evil.example",
        }
        for headers in (forged, {**forged, **tokens.headers("user-1")}):
            resp = await gw.client.get("/api/admin/moderation", headers=headers)
            assert resp.status_code == 200
        for seen in gw.echo.seen:
            names = seen.header_names()
            assert not {n for n in names if n.startswith("x-user-")}
            assert not names & {
                "x-authenticated-user",
                "x-forwarded-user",
                "x-real-ip",
                "forwarded",
            }
            # the gateway's own view of the client, not the client's claim
            assert seen.header("x-forwarded-for") == "127.0.0.1"
            assert seen.header("x-forwarded-proto") == "http"
            assert seen.header("x-forwarded-host") == gw.url.removeprefix("http://")


async def test_behind_a_trusted_proxy_the_client_address_is_the_proxys_word(gateway):
    async with gateway(trusted_proxies="127.0.0.1") as gw:
        await gw.client.get(
            "/api/personas",
            headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        )
        seen = gw.echo.seen[-1]
        assert seen.header("x-forwarded-for") == "203.0.113.7"
        assert seen.header("x-forwarded-proto") == "https"


async def test_request_ids_are_propagated_and_returned(gateway):
    async with gateway() as gw:
        mine = f"req-{uuid.uuid4()}"
        resp = await gw.client.get("/api/personas", headers={"X-Request-ID": mine})
        assert resp.headers.get_list("x-request-id") == [mine]
        assert gw.echo.seen[-1].header("x-request-id") == mine

        resp = await gw.client.get("/api/personas")
        made = resp.headers["x-request-id"]
        assert made and made != mine
        assert resp.headers.get_list("x-request-id") == [made]
        assert gw.echo.seen[-1].header("x-request-id") == made

        # a hostile value is replaced, not forwarded
        resp = await gw.client.get("/api/personas", headers={"X-Request-ID": "bad id\twith tab"})
        assert resp.headers["x-request-id"] != "bad id\twith tab"
        assert gw.echo.seen[-1].header("x-request-id") == resp.headers["x-request-id"]

        # errors made by the gateway itself carry one too
        resp = await gw.client.get("/api/nobody-owns-this", headers={"X-Request-ID": mine})
        assert resp.status_code == 404
        assert resp.headers["x-request-id"] == mine


async def test_paths_queries_methods_and_bodies_pass_unchanged(gateway):
    async with gateway() as gw:
        resp = await gw.client.get("/api/personas?q=caf%C3%A9&category=a&category=b")
        body = resp.json()
        assert body["path"] == "/api/personas"
        assert body["query"] == "q=caf%C3%A9&category=a&category=b"
        resp = await gw.client.get("/api/personas/a%2Fb/reviews")
        assert resp.json()["raw_path"] == "/api/personas/a%2Fb/reviews"
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            resp = await gw.client.request(method, "/api/personas/7", content=b"0123456789")
            assert resp.status_code == 200
            assert gw.echo.seen[-1].method == method
            assert gw.echo.seen[-1].body_size == 10
        resp = await gw.client.get("/.well-known/jwks.json")
        assert resp.json()["path"] == "/.well-known/jwks.json"


async def test_response_headers_pass_back_but_hop_by_hop_ones_do_not(gateway):
    async with gateway() as gw:
        resp = await gw.client.get(
            "/api/personas",
            headers={
                "Connection": "keep-alive, X-Secret-Hop",
                "X-Secret-Hop": "1",
                "TE": "trailers",
            },
        )
        assert resp.status_code == 200
        # both cookies, not just the last one
        assert sorted(c.split(";")[0] for c in resp.headers.get_list("set-cookie")) == [
            "a=1",
            "b=2",
        ]
        assert "upstream-must-not-leak" not in resp.headers.get_list("x-request-id")
        names = gw.echo.seen[-1].header_names()
        assert "x-secret-hop" not in names
        assert "te" not in names
        # the client's wish about compression is passed on; without one, nobody asks for gzip
        # on its behalf
        assert gw.echo.seen[-1].header("accept-encoding") == "gzip, deflate"
        request = gw.client.build_request("GET", "/api/personas")
        del request.headers["accept-encoding"]
        assert (await gw.client.send(request)).status_code == 200
        assert gw.echo.seen[-1].header("accept-encoding") == "identity"


async def test_unknown_routes_and_dot_segments_are_refused_at_the_gateway(gateway):
    async with gateway() as gw:
        resp = await gw.client.get("/api/nothing-here")
        assert resp.status_code == 404
        assert resp.headers["content-type"] == "application/problem+json"
        resp = await gw.client.get("/api/personas/%2e%2e/admin/moderation")
        assert resp.status_code == 400
        assert resp.json()["code"] == "bad_path"
        assert gw.echo.seen == []


async def test_a_service_that_is_down_gives_502(gateway):
    async with gateway(upstream=f"http://127.0.0.1:{free_port()}") as gw:
        resp = await gw.client.get("/api/personas")
        assert resp.status_code == 502
        assert resp.headers["content-type"] == "application/problem+json"
        body = resp.json()
        assert body["code"] == "service_unavailable"
        assert "catalog" in body["detail"]
        assert resp.headers["x-request-id"]


async def test_a_slow_service_gives_504(gateway):
    async with gateway(read_timeout_s=0.3) as gw:
        resp = await gw.client.get("/api/personas/slow")
        assert resp.status_code == 504
        assert resp.headers["content-type"] == "application/problem+json"
        assert resp.json()["code"] == "upstream_timeout"
        gw.echo.release_slow.set()
        # the next request is served normally
        assert (await gw.client.get("/api/personas")).status_code == 200
