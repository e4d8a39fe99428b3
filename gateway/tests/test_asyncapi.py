"""The gateway serves the AsyncAPI event catalogue generated from shared/contracts."""

from __future__ import annotations

from shared.asyncapi import build_document


async def test_the_event_catalogue_is_served(gateway):
    async with gateway() as gw:
        r = await gw.client.get("/api/events/asyncapi.json")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        assert r.json() == build_document()
        assert "billing.PurchaseCompleted" in r.json()["channels"]
