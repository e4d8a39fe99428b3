"""The catalog behind the real gateway (JWT checked twice, streaming proxy both ways): the
lifecycle, a paid persona's access, refused uploads, search."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from shared.testing.servers import serve_app

gateway_app = pytest.importorskip("gateway.app")
gateway_settings = pytest.importorskip("gateway.settings")


@pytest.fixture
async def via_gateway(catalog, tokens, amqp_url, bus_namespace, tmp_path: Path) -> AsyncIterator:
    """The `catalog` environment, with every request going through a gateway in front of it."""
    settings = gateway_settings.GatewaySettings(
        catalog_url=str(catalog.http.base_url).rstrip("/"),
        **tokens.verifier_settings(),
        amqp_url=amqp_url,
        bus_namespace=bus_namespace,
        web_dist=tmp_path / "no-web",
        env="test",
    )
    app = gateway_app.create_app(settings)
    async with serve_app(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        yield dataclasses.replace(catalog, http=http)


async def test_lifecycle_and_paid_access_through_the_gateway(via_gateway):
    env = via_gateway
    creator, buyer, stranger = await env.users("gatewaycreator", "gatewaybuyer", "gatewaystranger")

    draft = await env.create(creator, name="Gateway Draft")
    assert (
        await env.http.get(f"/api/personas/{draft['id']}", headers=env.headers(stranger))
    ).status_code == 404
    free = await env.approved(creator, name="Gateway Poet", category="writing")
    paid = await env.approved(creator, name="Gateway Pro", price_cents=1500)
    r = await env.http.patch(
        f"/api/personas/{free['id']}", headers=env.headers(stranger), json={"name": "Mine"}
    )
    assert r.status_code == 403

    page = (await env.http.get("/api/personas", params={"q": "gateway poet"})).json()
    assert page["items"][0]["id"] == free["id"]
    page = (await env.http.get("/api/personas", params={"q": "gatway poet"})).json()  # typo
    assert page["items"][0]["id"] == free["id"]

    assert (
        await env.http.post(f"/api/personas/{free['id']}/acquire", headers=env.headers(buyer))
    ).status_code == 200
    r = await env.http.get(f"/api/personas/{free['id']}/download", headers=env.headers(buyer))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert env.unzip(r.content)["prompt.md"] == dict(env.default_files())["prompt.md"]
    r = await env.review(free["id"], buyer, 5, "Lovely")
    assert r.status_code == 201 and r.json()["verified_purchase"] is True

    # Paid: refused, then granted by billing's event, then taken away by a full refund.
    pid = paid["id"]
    r = await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))
    assert r.status_code == 403
    tx = env.new_tx()
    envelope = await env.publish(
        "billing.PurchaseCompleted", env.purchase(paid, buyer, tx, fee=450)
    )
    await env.republish("billing.PurchaseCompleted", envelope)

    async def status() -> int:
        return (
            await env.http.get(f"/api/personas/{pid}/download", headers=env.headers(buyer))
        ).status_code

    async def allowed() -> bool:
        return await status() == 200

    await env.wait_until(allowed)
    assert await env.events("PersonaAcquired") == 2  # the free one and this purchase, once
    await env.publish(
        "billing.PurchaseRefunded",
        env.refund(paid, buyer, tx, full=True, fee=450),
    )

    async def refused() -> bool:
        return await status() == 403

    await env.wait_until(refused)

    # Refused uploads through the proxy store nothing.
    before = env.blobs.count()
    r = await env.http.post(
        "/api/personas",
        headers=env.headers(creator),
        **env.multipart(env.fields(), [("../../etc/passwd.txt", b"x\n")]),
    )
    assert r.status_code == 422
    r = await env.http.post(
        "/api/personas",
        headers=env.headers(creator),
        **env.multipart(env.fields(), [("big.txt", b"a" * (64 * 1024 + 1))]),
    )
    assert r.status_code == 413
    r = await env.http.post(
        "/api/personas",
        headers=env.headers(creator),
        **env.multipart(env.fields(), [("x.exe", b"MZ")]),
    )
    assert r.status_code == 415
    assert env.blobs.count() == before and env.blobs.staged_count() == 0
