"""The read path stays on the event loop: no route dependency is a plain `def` (FastAPI runs those
in the thread pool, a hop per dependency per request)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from catalog.app import build_spec
from catalog.settings import CatalogSettings
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def test_every_route_dependency_is_async() -> None:
    spec = build_spec(CatalogSettings())
    routes = [r for router in spec.routers for r in router.routes if isinstance(r, APIRoute)]
    assert routes
    plain = {
        f"{route.path}: {getattr(call, '__qualname__', call)}"
        for route in routes
        for call in _calls(route.dependant)
        if not inspect.iscoroutinefunction(call)
    }
    assert plain == set()
