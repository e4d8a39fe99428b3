"""schemathesis over the gateway's merged OpenAPI with every service real: each operation,
called as a verified user and as an admin, never answers 5xx, and every answer conforms to its
declared status codes, content type and schema. Services added later are in the merged
document, so they are covered without touching this file.

Derandomized (the same cases every run) and bounded: a few examples per operation and role.
Operations that end the caller's session (`/api/auth/...`) run last, so they cannot turn the
rest into 401s.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.test_purchase_flow import publish_paid_persona

EXAMPLES_PER_OPERATION = 4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Tally:
    requests: int = 0
    operations: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


# Not JSON APIs: a server-sent event stream (never ends; JSON events in a text/event-stream body)
# and the unsubscribe confirmation page (HTML for people); tests/e2e and the service tests cover them.
STREAMS = {"/api/notifications/stream", "/api/notifications/unsubscribe/{token}"}


def _last_if_auth(operation: Any) -> tuple[int, str]:
    path = operation.path
    return (1 if path.startswith("/api/auth") else 0, f"{path} {operation.method}")


def run_operation(
    operation: Any, base_url: str, role: str, headers: dict[str, str], tally: Tally
) -> None:
    @settings(
        derandomize=True,
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        tally.requests += 1
        tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
        tally.operations.add(f"{case.method} {case.path}")
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, FailureGroup) as exc:  # a group is a BaseException: tally it too
            tally.failures.append(
                f"{role} {case.method} {case.formatted_path} -> {response.status_code}: "
                f"{str(exc)[:400]}"
            )

    call()


def fuzz(doc: dict[str, Any], base_url: str, roles: dict[str, dict[str, str]]) -> Tally:
    schema = schemathesis.openapi.from_dict(doc)
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if op.path not in STREAMS
    ]
    tally = Tally()
    for operation in sorted(operations, key=_last_if_auth):
        for role, headers in roles.items():
            run_operation(operation, base_url, role, headers, tally)
    return tally


async def test_every_operation_as_user_and_admin(stack: Any) -> None:
    creator = await stack.user("fuzzcreator")
    admin = await stack.user("fuzzadmin", admin=True)
    await publish_paid_persona(stack, creator, admin, 500)  # something to find
    doc = (await stack.http.get("/api/openapi.json")).json()
    # every service that exists here is in the document (the unbuilt ones are simply absent)
    assert set(stack.service_urls) <= set(doc["x-services"]), doc.get("x-unavailable-services")
    tally = await asyncio.to_thread(fuzz, doc, stack.url, {"user": creator, "admin": admin})
    print(
        f"schemathesis: {tally.requests} requests, {len(tally.operations)} operations,"
        f" statuses {dict(sorted(tally.statuses.items()))}"
    )
    assert not [s for s in tally.statuses if s >= 500]
    assert not tally.failures, "\n".join(tally.failures[:30])
    assert len(tally.operations) >= 60  # every operation of the four original services
