"""The app factory on real servers: health, readiness, request ids, problem+json, auth deps."""

from __future__ import annotations

import httpx
from fastapi import APIRouter
from pydantic import BaseModel, Field
from shared.auth import CurrentUser
from shared.http import ServiceSpec, create_service_app
from shared.problems import Conflict
from shared.settings import ServiceSettings
from shared.testing.servers import serve_app
from shared.testing.wait import eventually

router = APIRouter()


class Body(BaseModel):
    name: str = Field(min_length=3)


@router.post("/things")
async def make_thing(body: Body) -> dict[str, str]:
    if body.name == "taken":
        raise Conflict("That name is taken.", code="name_taken")
    return {"name": body.name}


@router.get("/private")
async def private(user: CurrentUser) -> dict[str, str]:
    return {"user": user.user_id}


def spec(database_url: str, amqp_url: str, ns: str) -> ServiceSpec:
    settings = ServiceSettings(
        service_name="demo",
        database_url=database_url,
        amqp_url=amqp_url,
        bus_namespace=ns,
        jwks_url="http://127.0.0.1:9/jwks.json",
    )
    return ServiceSpec(name="demo", settings=settings, routers=[router])


async def test_health_readiness_request_ids_and_problem_json(database_url, amqp_url, bus_namespace):
    app = create_service_app(spec(database_url, amqp_url, bus_namespace))
    async with serve_app(app) as url, httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        ready = await eventually(lambda: http.get("/readyz"), lambda r: r.status_code == 200)
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}

        r = await http.post("/things", json={"name": "ab"}, headers={"X-Request-ID": "req-123"})
        assert r.status_code == 422
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["x-request-id"] == "req-123"
        body = r.json()
        assert body["code"] == "validation_error"
        assert body["errors"][0]["field"] == "name"

        r = await http.post("/things", json={"name": "taken"})
        assert r.status_code == 409 and r.json()["code"] == "name_taken"
        assert len(r.headers["x-request-id"]) == 36  # one was made up

        r = await http.post("/things", json={"name": "fine"}, headers={"X-Request-ID": "bad id!"})
        assert r.status_code == 200 and r.headers["x-request-id"] != "bad id!"

        r = await http.get("/nowhere")
        assert r.status_code == 404 and r.json()["code"] == "not_found"


async def test_protected_route_without_a_valid_token_is_401(database_url, amqp_url, bus_namespace):
    app = create_service_app(spec(database_url, amqp_url, bus_namespace))
    async with serve_app(app) as url, httpx.AsyncClient(base_url=url) as http:
        r = await http.get("/private")
        assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
        r = await http.get(
            "/private", headers={"Authorization": "Bearer not.a.jwt", "X-User-Id": "forged"}
        )
        assert r.status_code == 401 and r.json()["code"] == "invalid_token"
