"""An authorization matrix generated from the platform's route table (the gateway's merged
OpenAPI, which holds every service's routes): every write route x anonymous / another user /
owner / admin → the expected status. A new write route fails this test until it checks who may
call it and is put in one of the classes below.

Classes (by path pattern, first match wins):
* PUBLIC: callable without a token (credential flows, signed webhooks);
* ADMIN: `/api/admin/...`: anonymous 401, a verified user 403, an admin passes;
* OWNED: acts on a resource one user owns: anonymous 401, another user 403/404, the owner and
  an admin pass (a route may answer 422 to the `{}` body: then another user's answer only has to
  be a refusal too);
* SELF: acts for the caller (follow, review, buy, ...): anonymous 401, any verified user passes.
"Passes" means the answer is not 401/403 (a 404/409/422 about the data is fine).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.testing.wait import eventually

from tests.e2e.test_purchase_flow import publish_paid_persona

WRITE_METHODS = ("post", "put", "patch", "delete")
PUBLIC = [
    r"POST /api/auth/(register|login|refresh|logout|verify-email|password-reset/request|password-reset/confirm)",
    r"POST /api/(payments|payouts)/webhook",
    r"POST /api/analytics/views",  # the view beacon counts anonymous visitors too
    r"POST /api/notifications/unsubscribe/\{[^}]+\}",  # the signed link is the credential
]
ADMIN = [r"\w+ /api/admin/.*"]
OWNED = [
    r"(PATCH|DELETE) /api/personas/\{[^}]+\}",
    r"POST /api/personas/\{[^}]+\}/(submit|versions)",
    r"(PUT|DELETE) /api/personas/\{[^}]+\}/cover",
    r"POST /api/personas/\{[^}]+\}/versions/\{[^}]+\}/gallery",
    r"DELETE /api/personas/\{[^}]+\}/versions/\{[^}]+\}/gallery/\{[^}]+\}",
    r"(PATCH|DELETE) /api/reviews/\{[^}]+\}",
    r"POST /api/reviews/\{[^}]+\}/response",
    # generation: one user's generations, batches, schedules and templates (another user's → 404),
    # and a persona's try-outs (its creator's to change)
    r"(PUT|DELETE) /api/templates/\{[^}]+\}",
    r"DELETE /api/schedules/\{[^}]+\}",
    r"POST /api/generations/batch/\{[^}]+\}/cancel",
    r"PUT /api/generations/tryouts/\{[^}]+\}",
    r"DELETE /api/generations/\{[^}]+\}",
    r"POST /api/generations/\{[^}]+\}/(cancel|rerun)",
    r"PUT /api/generations/\{[^}]+\}/favourite",
]
SELF = [
    r"POST /api/personas",
    r"POST /api/personas/\{[^}]+\}/(acquire|report|reviews)",
    r"POST /api/reviews/\{[^}]+\}/(helpful|report)",
    r"PUT /api/users/me/profile",
    r"(PUT|DELETE) /api/users/me/avatar",
    r"(POST|DELETE) /api/users/\{[^}]+\}/follow",
    r"POST /api/auth/verify-email/resend",
    r"POST /api/payments/create-checkout",
    r"POST /api/payouts(/onboarding)?",
    r"POST /api/payments/\{[^}]+\}/refund",
    # notifications: the caller's own inbox (someone else's notification id is a 404)
    r"PUT /api/notifications/preferences",
    r"POST /api/notifications/(read-all|\{[^}]+\}/read)",
    # generation: start one, a batch or a schedule; write a template of one's own
    r"POST /api/(generations|generations/batch|generations/prompt|schedules|templates)",
]
REFUSED = (401, 403)
GENERATION = re.compile(r"/api/(generations|schedules|templates)/")
TEMPLATE = {"name": "Matrix", "body": "Write one line about mornings."}
# Bodies the route accepts, so another user's call is refused for who they are, not for the body.
BODIES: dict[str, dict[str, Any]] = {
    "PUT /api/generations/{generation_id}/favourite": {"favourite": True},
    "PUT /api/generations/tryouts/{persona_id}": {"allowed": True},
    "PUT /api/templates/{template_id}": TEMPLATE,
}


class Generation:
    """The owner's generation resources, made afresh for each route (a DELETE removes one)."""

    def __init__(self, stack: Any, owner: dict[str, str], admin: dict[str, str]) -> None:
        self.stack, self.owner, self.admin = stack, owner, admin
        self.persona_id = ""

    def spec(self, **extra: Any) -> dict[str, Any]:
        return {
            "persona_id": self.persona_id,
            "template_id": "builtin:thread",
            "params": {"topic": "getting up early", "posts": 3},
            "temperature": 0,
            "seed": 1,
            "max_tokens": 4,
            **extra,
        }

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        return await self.stack.http.post(path, headers=self.owner, json=body)

    async def persona(self) -> str:
        if not self.persona_id:  # the owner's own persona, once generation has heard of it
            self.persona_id = await publish_paid_persona(self.stack, self.owner, self.admin, 700)
            await eventually(
                lambda: self.post("/api/generations", self.spec(max_tokens=1)),
                lambda r: r.status_code == 200,
            )
        return self.persona_id

    async def values(self, path: str) -> dict[str, str]:
        persona = await self.persona()
        values = {"persona": persona}
        if "{generation_id}" in path:
            r = await self.post("/api/generations", self.spec())
            assert r.status_code == 200, r.text
            start = next(line for line in r.text.splitlines() if line.startswith("data: "))
            values["generation"] = json.loads(start[6:])["id"]
        if "{batch_id}" in path:
            r = await self.post("/api/generations/batch", self.spec(variants=1))
            assert r.status_code == 202, r.text
            values["batch"] = r.json()["id"]
        if "{schedule_id}" in path:
            run_at = (datetime.now(UTC) + timedelta(days=1)).isoformat()
            r = await self.post("/api/schedules", self.spec(run_at=run_at))
            assert r.status_code == 201, r.text
            values["schedule"] = r.json()["id"]
        if "{template_id}" in path:
            r = await self.post("/api/templates", TEMPLATE)
            assert r.status_code == 201, r.text
            values["template"] = r.json()["id"]
        return values


def classify(route: str) -> str | None:
    for name, patterns in (("public", PUBLIC), ("admin", ADMIN), ("owned", OWNED), ("self", SELF)):
        if any(re.fullmatch(p, route) for p in patterns):
            return name
    return None


def write_routes(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in sorted(doc["paths"].items())
        for method in item
        if method in WRITE_METHODS
    ]


async def call(
    stack: Any,
    method: str,
    path: str,
    headers: dict[str, str] | None,
    body: dict[str, Any] | None = None,
) -> int:
    kwargs: dict[str, Any] = {"headers": headers or {}}
    if method != "DELETE":
        kwargs["json"] = body or {}
    r = await stack.http.request(method, path, **kwargs)
    assert r.status_code < 500, (method, path, r.status_code, r.text[:300])
    return r.status_code


def fill(path: str, values: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        for key, value in values.items():
            if key in name:
                return value
        return str(uuid.uuid4())

    return re.sub(r"\{([^}]+)\}", one, path)


async def test_every_write_route_checks_who_may_call_it(stack: Any) -> None:
    owner = await stack.user("owner")
    other = await stack.user("other")
    admin = await stack.user("matrixadmin", admin=True)
    doc = (await stack.http.get("/api/openapi.json")).json()
    routes = write_routes(doc)
    unclassified = [f"{m} {p}" for m, p in routes if classify(f"{m} {p}") is None]
    assert not unclassified, (
        f"classify these write routes (and check their callers): {unclassified}"
    )

    me = (await stack.http.get("/api/users/me", headers=owner)).json()
    generation = Generation(stack, owner, admin)
    results: list[tuple[str, str, str, int]] = []
    problems: list[str] = []
    for method, path in routes:
        route = f"{method} {path}"
        kind = classify(route)
        generated = kind == "owned" and GENERATION.match(path) is not None
        needs_persona = not generated and (
            kind == "owned" or "{review_id}" in path or "{persona_id}" in path
        )
        persona = await publish_paid_persona(stack, owner, admin, 700) if needs_persona else ""
        review = ""
        if "{review_id}" in path:  # written by `other` about `owner`'s persona
            r = await stack.http.post(
                f"/api/personas/{persona}/reviews", headers=other, json={"rating": 4}
            )
            assert r.status_code == 201, r.text
            review = r.json()["id"]
        values = {
            "persona": persona or str(uuid.uuid4()),
            "review": review,
            "username": me["username"],
            "user_id": str(uuid.uuid4()),
            "version": "1.0.0",  # the version publish_paid_persona publishes
            **(await generation.values(path) if generated else {}),
        }
        target = fill(path, values)
        body = BODIES.get(route)
        anonymous = await call(stack, method, target, None)
        results.append((route, kind or "", "anonymous", anonymous))
        if kind != "public" and anonymous != 401:
            problems.append(f"{route}: anonymous got {anonymous}, expected 401")
        if kind == "admin":
            user = await call(stack, method, target, other)
            results.append((route, kind, "user", user))
            if user != 403:
                problems.append(f"{route}: a non-admin got {user}, expected 403")
            as_admin = await call(stack, method, target, admin)
            results.append((route, kind, "admin", as_admin))
            if as_admin in REFUSED:
                problems.append(f"{route}: an admin got {as_admin}")
        elif kind == "owned":
            if "response" in path:  # the persona's creator answers a review someone else wrote
                review_owner, intruder = owner, other
            elif "{review_id}" in path:
                review_owner, intruder = other, owner
            else:
                review_owner, intruder = owner, other
            intruded = await call(stack, method, target, intruder, body)
            owned = await call(stack, method, target, review_owner, body)
            results += [(route, kind, "another user", intruded), (route, kind, "owner", owned)]
            if owned in REFUSED or owned == 404:
                problems.append(f"{route}: the owner got {owned}")
            if 200 <= owned < 300 and intruded not in (403, 404):
                problems.append(f"{route}: another user got {intruded}, expected 403/404")
            if intruded < 300:
                problems.append(f"{route}: another user got {intruded}")
            # someone else's generation, batch, schedule or template does not exist for you
            if generated and "tryouts" not in path and intruded != 404:
                problems.append(f"{route}: another user got {intruded}, expected 404")
            if method != "DELETE":
                as_admin = await call(stack, method, target, admin, body)
                results.append((route, kind, "admin", as_admin))
                if as_admin == 401:
                    problems.append(f"{route}: an admin got 401")
        elif kind == "self":
            status = await call(stack, method, target, owner if "{review_id}" in path else other)
            results.append((route, kind, "user", status))
            if status == 401:
                problems.append(f"{route}: a verified user got 401")
    print(f"authorization matrix: {len(routes)} write routes, {len(results)} calls")
    assert not problems, "\n".join(problems)
