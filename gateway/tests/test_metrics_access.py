"""The gateway is public: its own /metrics answers only a scrape with the configured token."""

from __future__ import annotations


async def test_metrics_need_the_token_when_one_is_set(gateway):
    async with gateway(metrics_token="scrape-secret") as gw:
        assert (await gw.client.get("/metrics")).status_code == 404
        wrong = {"Authorization": "Bearer not-it"}
        assert (await gw.client.get("/metrics", headers=wrong)).status_code == 404
        right = {"Authorization": "Bearer scrape-secret"}
        resp = await gw.client.get("/metrics", headers=right)
        assert resp.status_code == 200
        assert "http_request_duration_seconds" in resp.text


async def test_metrics_are_open_outside_production_without_a_token(gateway):
    async with gateway() as gw:
        resp = await gw.client.get("/metrics")
        assert resp.status_code == 200
        assert "http_request_duration_seconds" in resp.text
