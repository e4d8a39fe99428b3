"""The merged OpenAPI document and the docs page."""

from __future__ import annotations

from fastapi import FastAPI
from gateway.openapi import merge_documents
from pydantic import BaseModel
from shared.testing.servers import free_port, serve_app


class Persona(BaseModel):
    id: str
    name: str


class Page(BaseModel):  # same name in two services, different content
    items: list[Persona]


class UserOut(BaseModel):
    id: str
    username: str


def catalog_app() -> FastAPI:
    app = FastAPI(title="catalog")

    @app.get("/api/personas", response_model=Page)
    async def personas() -> Page:
        return Page(items=[])

    @app.get("/api/users/me/purchases", response_model=Page)
    async def purchases() -> Page:
        return Page(items=[])

    # the table sends this path to analytics: catalog's copy is not promised
    @app.get("/api/personas/trending")
    async def not_here() -> dict[str, str]:
        return {}

    return app


def identity_app() -> FastAPI:
    app = FastAPI(title="identity")

    @app.get("/api/users/{username}", response_model=UserOut)
    async def user(username: str) -> UserOut:
        return UserOut(id="1", username=username)

    class Page(BaseModel):  # same name as catalog's, other content: the clash is the point
        users: list[UserOut]

    @app.get("/api/admin/users", response_model=Page)
    async def users() -> Page:
        return Page(users=[])

    return app


async def test_merged_document_from_the_services_that_answer(gateway):
    down = f"http://127.0.0.1:{free_port()}"
    async with (
        serve_app(catalog_app()) as catalog,
        serve_app(identity_app()) as identity,
    ):
        overrides = {f"{s}_url": down for s in ("billing", "payouts", "analytics")}
        overrides |= {f"{s}_url": down for s in ("notifications", "generation")}
        async with gateway(catalog_url=catalog, identity_url=identity, **overrides) as gw:
            resp = await gw.client.get("/api/openapi.json")
            assert resp.status_code == 200
            doc = resp.json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {
        "/api/personas",
        "/api/users/me/purchases",
        "/api/users/{username}",
        "/api/admin/users",
    }
    assert doc["x-services"] == ["catalog", "identity"]
    assert doc["x-unavailable-services"] == [
        "analytics",
        "billing",
        "generation",
        "notifications",
        "payouts",
    ]
    schemas = doc["components"]["schemas"]
    # the clash is renamed in the later service's part, its references included
    assert schemas["Page"]["properties"].keys() == {"items"}
    assert schemas["identity__Page"]["properties"].keys() == {"users"}
    ref = doc["paths"]["/api/admin/users"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["$ref"]
    assert ref == "#/components/schemas/identity__Page"
    assert "Persona" in schemas and "UserOut" in schemas
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_identical_components_are_shared_not_duplicated():
    shared = {"type": "object", "properties": {"detail": {"type": "string"}}}
    docs = {
        "billing": {"paths": {}, "components": {"schemas": {"HTTPValidationError": shared}}},
        "catalog": {"paths": {}, "components": {"schemas": {"HTTPValidationError": shared}}},
    }
    merged = merge_documents(docs, [])
    assert sorted(merged["components"]["schemas"]) == ["HTTPValidationError", "Problem"]
    assert "x-unavailable-services" not in merged


async def test_docs_page_works_offline(gateway):
    async with gateway() as gw:
        resp = await gw.client.get("/api/docs")
        assert resp.status_code == 200
        assert "SwaggerUIBundle" in resp.text
        assert "/api/openapi.json" in resp.text
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
            resp = await gw.client.get(f"/api/docs/assets/{asset}")
            assert resp.status_code == 200, asset
            assert len(resp.content) > 1000
        assert (await gw.client.get("/api/docs/assets/..%2F..%2Fsettings.py")).status_code == 404


def test_the_merged_document_declares_problems_and_list_constraints():
    listing = {
        "get": {
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                {
                    "name": "cursor",
                    "in": "query",
                    "schema": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                },
            ],
            "responses": {
                "200": {"description": "ok"},
                "422": {
                    "description": "bad",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
            },
        }
    }
    merged = merge_documents({"catalog": {"paths": {"/api/personas": listing}}}, [])
    op = merged["paths"]["/api/personas"]["get"]
    assert set(op["responses"]["422"]["content"]) == {"application/problem+json"}
    assert set(op["responses"]["4XX"]["content"]) == {"application/problem+json"}
    limit, cursor = op["parameters"]
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 100)
    assert cursor["schema"]["maxLength"] == 1024 and "anyOf" not in cursor["schema"]
    assert merged["components"]["schemas"]["Problem"]["required"][0] == "type"
