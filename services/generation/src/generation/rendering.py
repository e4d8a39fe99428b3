"""Templates' parameters (a small, typed subset of JSON Schema) and their sandboxed rendering.

Parameters: `{"type": "object", "properties": {...}, "required": [...]}` where each property is
a string (with `maxLength`, optionally an `enum`), a number or integer (with `minimum` and
`maximum`) or a boolean; each may have `title`, `description` and `default`. The form in the
browser is built from the same schema.

Rendering: Jinja2's `ImmutableSandboxedEnvironment` (no attribute writes, no unsafe calls) with
`StrictUndefined` (a misspelt name is an error, not an empty string). Caps: template size (when
saved), loop nesting (two), `range` (1,000 items), rendered size and render time. A template error
is reported with its line number.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jsonschema import Draft202012Validator

MAX_STRING = 10_000
MAX_PARAMS = 30
MAX_LOOP_DEPTH = 2
MAX_RANGE = 1_000


class TemplateProblem(Exception):
    """A template or its parameters are unusable; `errors` are `{field, message}` pairs."""

    def __init__(self, message: str, errors: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


def _problem(field: str, message: str) -> TemplateProblem:
    return TemplateProblem(message, [{"field": field, "message": message}])


def _capped_range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise jinja2.exceptions.SecurityError(f"range() is limited to {MAX_RANGE} items")
    return r


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise TimeoutError


class _Env(ImmutableSandboxedEnvironment):
    """Checks the render deadline on every attribute or item lookup, not only on output."""

    deadline: _Deadline | None = None

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if self.deadline is not None:
            self.deadline.check()
        return super().is_safe_attribute(obj, attr, value)


def _env(deadline: _Deadline | None = None) -> _Env:
    env = _Env(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.globals["range"] = _capped_range
    env.deadline = deadline
    return env


def _loop_depth(node: nodes.Node, depth: int = 0) -> int:
    here = depth + 1 if isinstance(node, nodes.For) else depth
    return max([here, *(_loop_depth(child, here) for child in node.iter_child_nodes())])


def check_template(body: str, max_chars: int) -> None:
    """Refuse a template that is too big, does not parse, or nests loops too deeply."""
    if len(body) > max_chars:
        raise _problem("body", f"The template is longer than {max_chars} characters.")
    try:
        tree = _env().parse(body)
    except jinja2.TemplateSyntaxError as exc:
        raise _problem("body", f"Line {exc.lineno}: {exc.message}") from exc
    if _loop_depth(tree) > MAX_LOOP_DEPTH:
        raise _problem("body", f"Loops may be nested at most {MAX_LOOP_DEPTH} deep.")


def _template_line(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render(body: str, params: dict[str, Any], *, max_chars: int, timeout_s: float) -> str:
    """The rendered text, or a `TemplateProblem` pointing at the line that failed."""
    deadline = _Deadline(timeout_s)
    env = _env(deadline)
    try:
        template = env.from_string(body)
    except jinja2.TemplateSyntaxError as exc:
        raise _problem("body", f"Line {exc.lineno}: {exc.message}") from exc
    out: list[str] = []
    size = 0
    try:
        chunks: Iterator[str] = template.generate(**params)
        for chunk in chunks:
            deadline.check()
            size += len(chunk)
            if size > max_chars:
                raise _problem("body", f"The rendered text is longer than {max_chars} characters.")
            out.append(chunk)
    except TemplateProblem:
        raise
    except TimeoutError as exc:
        raise _problem("body", "The template took too long to render.") from exc
    except Exception as exc:  # undefined names, sandbox refusals, type errors in expressions
        line = _template_line(exc.__traceback__)
        where = f"Line {line}: " if line else ""
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise _problem("body", f"{where}{message}") from exc
    return "".join(out).strip()


def _check_property(name: str, spec: Any) -> str | None:
    if not isinstance(spec, dict):
        return "must be an object"
    kind = spec.get("type")
    if kind == "string":
        limit = spec.get("maxLength")
        if "enum" in spec:
            if not (isinstance(spec["enum"], list) and spec["enum"]):
                return "enum must be a non-empty list"
            if not all(isinstance(v, str) and len(v) <= 200 for v in spec["enum"]):
                return "enum values must be short strings"
        elif not (isinstance(limit, int) and 1 <= limit <= MAX_STRING):
            return f"a string needs maxLength between 1 and {MAX_STRING}"
    elif kind in ("number", "integer"):
        low, high = spec.get("minimum"), spec.get("maximum")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high)):
            return "a number needs minimum and maximum"
        if float(low) > float(high):  # type: ignore[arg-type]
            return "minimum is above maximum"
    elif kind != "boolean":
        return "type must be string, number, integer or boolean"
    return None


def check_schema(schema: Any) -> dict[str, Any]:
    """The parameter schema, checked against the subset we build forms for."""
    if not isinstance(schema, dict) or schema.get("type", "object") != "object":
        raise _problem("params_schema", "The parameters must be a JSON Schema object.")
    props = schema.get("properties", {})
    if not isinstance(props, dict) or len(props) > MAX_PARAMS:
        raise _problem("params_schema", f"At most {MAX_PARAMS} parameters are allowed.")
    errors = []
    for name, spec in props.items():
        if not name.isidentifier():
            errors.append({"field": f"params_schema.{name}", "message": "not a valid name"})
            continue
        bad = _check_property(name, spec)
        if bad:
            errors.append({"field": f"params_schema.{name}", "message": bad})
    required = schema.get("required", [])
    if not isinstance(required, list) or any(r not in props for r in required):
        errors.append({"field": "params_schema.required", "message": "names unknown parameters"})
    if errors:
        raise TemplateProblem("The parameter schema is not valid.", errors)
    clean = {"type": "object", "properties": props, "required": required}
    clean["additionalProperties"] = False
    Draft202012Validator.check_schema(clean)
    for name, spec in props.items():
        if "default" in spec:
            for err in Draft202012Validator(spec).iter_errors(spec["default"]):
                raise _problem(f"params_schema.{name}", f"default: {err.message}")
    return clean


def validate_params(schema: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The parameters with defaults filled in; every problem reported with its field."""
    values = {
        name: spec["default"]
        for name, spec in schema.get("properties", {}).items()
        if "default" in spec
    }
    values.update(params)
    errors = [
        {
            "field": "params." + ".".join(str(p) for p in err.path) if err.path else "params",
            "message": err.message,
        }
        for err in Draft202012Validator(schema).iter_errors(values)
    ]
    if errors:
        raise TemplateProblem("Some parameters are not valid.", errors)
    return values


@dataclass(frozen=True)
class Prompt:
    """A template rendered with its parameters, and the persona's system prompt to go first."""

    template: dict[str, Any]
    params: dict[str, Any]
    persona_version: str
    system: str
    prompt: str

    @property
    def messages(self) -> list[dict[str, str]]:
        system = [{"role": "system", "content": self.system}] if self.system else []
        return [*system, {"role": "user", "content": self.prompt}]
