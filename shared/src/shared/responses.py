"""A JSON response written straight from plain data, for hot read paths.

FastAPI validates a returned dict against the route's `response_model` and serializes the model
(a third of persona detail's handler time). A route whose dict is built field by field to that
model can return `json_response(data)` instead: pydantic-core's serializer writes the same JSON
(UTC datetimes as `...Z`, UUIDs as strings) without the validation. The route keeps
`response_model` for its OpenAPI schema, and a test checks that the body equals the model's
own rendering of it (`catalog/tests/test_detail_json.py` shows how).
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json
from starlette.responses import Response


def json_response(content: Any, status_code: int = 200) -> Response:
    return Response(to_json(content), status_code=status_code, media_type="application/json")
