"""Templates and their parameters, without I/O."""

from __future__ import annotations

import pytest
from generation.builtins import builtin_templates
from generation.personas import by_name, compose
from generation.rendering import (
    TemplateProblem,
    check_schema,
    check_template,
    render,
    validate_params,
)

SCHEMA = check_schema(
    {
        "type": "object",
        "properties": {
            "topic": {"type": "string", "maxLength": 20},
            "tone": {"type": "string", "enum": ["calm", "bold"], "default": "calm"},
            "count": {"type": "integer", "minimum": 1, "maximum": 5, "default": 3},
            "emoji": {"type": "boolean", "default": False},
        },
        "required": ["topic"],
    }
)


def fields(exc: pytest.ExceptionInfo[TemplateProblem]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in exc.value.errors}


def test_every_builtin_renders_with_its_defaults() -> None:
    for t in builtin_templates():
        schema = check_schema(t["params_schema"])
        params = {name: "x" for name in schema["required"]}
        text = render(t["body"], validate_params(schema, params), max_chars=5000, timeout_s=1)
        assert text and "{{" not in text, t["id"]
    assert {t["name"] for t in builtin_templates()} >= {
        "Social post", "Caption", "Thread", "Hook ideas", "Video script", "Newsletter",
        "Reply to a comment", "Bio",
    }  # fmt: skip


def test_parameters_get_defaults_and_are_checked_by_type() -> None:
    assert validate_params(SCHEMA, {"topic": "tea"}) == {
        "topic": "tea", "tone": "calm", "count": 3, "emoji": False,
    }  # fmt: skip
    with pytest.raises(TemplateProblem) as exc:
        validate_params(
            SCHEMA, {"topic": "t" * 21, "tone": "loud", "count": 9, "emoji": "yes", "x": 1}
        )
    messages = " | ".join(e["message"] for e in exc.value.errors)
    assert "params.topic" in fields(exc) and "params.tone" in fields(exc)
    assert "params.count" in fields(exc) and "params.emoji" in fields(exc)
    assert "'x' was unexpected" in messages
    with pytest.raises(TemplateProblem) as exc:
        validate_params(SCHEMA, {})
    assert "'topic' is a required property" in fields(exc)["params"]


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}}, "params_schema.a"),
        ({"properties": {"a": {"type": "number", "minimum": 3}}}, "params_schema.a"),
        ({"properties": {"a": {"type": "number", "minimum": 3, "maximum": 1}}}, "params_schema.a"),
        ({"properties": {"a": {"type": "array"}}}, "params_schema.a"),
        ({"properties": {"a": {"type": "boolean"}}, "required": ["b"]}, "params_schema.required"),
        (
            {"properties": {"a": {"type": "string", "maxLength": 3, "default": "long"}}},
            "params_schema.a",
        ),
        ({"properties": {"not a name": {"type": "boolean"}}}, "params_schema.not a name"),
    ],
)
def test_unsupported_schemas_are_refused_with_the_field(schema: dict, field: str) -> None:
    with pytest.raises(TemplateProblem) as exc:
        check_schema(schema)
    assert field in fields(exc)


def test_template_errors_point_at_the_line() -> None:
    with pytest.raises(TemplateProblem) as exc:
        check_template("Hello\nthere\n{{ a + }}", 1000)
    assert fields(exc)["body"].startswith("Line 3:")
    with pytest.raises(TemplateProblem) as exc:
        render("one\ntwo {{ missing }}", {}, max_chars=100, timeout_s=1)
    assert fields(exc)["body"] == "Line 2: 'missing' is undefined"


def test_the_sandbox_refuses_internals_and_caps_size_and_time() -> None:
    with pytest.raises(TemplateProblem) as exc:
        render("{{ ''.__class__.__mro__ }}", {}, max_chars=100, timeout_s=1)
    assert "unsafe" in fields(exc)["body"] or "__class__" in fields(exc)["body"]
    with pytest.raises(TemplateProblem) as exc:
        render("{% set x = [] %}{{ x.append(1) }}", {}, max_chars=100, timeout_s=1)
    assert "Line 1" in fields(exc)["body"]
    with pytest.raises(TemplateProblem) as exc:
        render("{% for i in range(900) %}xxxxxxxxxx{% endfor %}", {}, max_chars=5000, timeout_s=1)
    assert "longer than 5000" in fields(exc)["body"]
    with pytest.raises(TemplateProblem) as exc:
        render("{{ range(100000) | list }}", {}, max_chars=10**7, timeout_s=1)
    assert "range() is limited" in fields(exc)["body"]
    with pytest.raises(TemplateProblem) as exc:
        check_template(
            "{% for a in x %}{% for b in x %}{% for c in x %}{% endfor %}{% endfor %}{% endfor %}",
            1000,
        )
    assert "nested" in fields(exc)["body"]
    with pytest.raises(TemplateProblem) as exc:
        check_template("x" * 101, 100)
    assert "longer than 100" in fields(exc)["body"]
    slow = (
        "{% for a in range(1000) %}{% for b in range(1000) %}{{ a.real }}{% endfor %}{% endfor %}"
    )
    with pytest.raises(TemplateProblem) as exc:
        render(slow, {}, max_chars=10**9, timeout_s=0.05)
    assert "too long to render" in fields(exc)["body"]


def test_persona_files_make_the_system_prompt_by_convention() -> None:
    parts = by_name(["prompt.md", "style.txt", "examples/a.md", "sample-b.md", "notes.txt"])
    assert parts == {
        "prompt": ["prompt.md"],
        "style": ["style.txt"],
        "examples": ["examples/a.md", "sample-b.md"],
    }
    texts = {
        "prompt.md": "Be Rosa.",
        "style.txt": "Short.",
        "examples/a.md": "A",
        "sample-b.md": "B",
    }
    assert compose(parts, texts, 1000) == "Be Rosa.\n\n## Style\nShort.\n\n## Examples\nA\n\nB"
    assert compose(parts, texts, 25) == "Be Rosa.\n\n## Style\nShort."
    # nothing recognised: every text file, in path order
    assert by_name(["b.md", "a.md"])["prompt"] == ["a.md", "b.md"]
