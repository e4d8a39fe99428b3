"""The built-in templates: creators' common tasks, each with a small parameter form."""

from __future__ import annotations

from typing import Any


def _text(title: str, max_length: int, default: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": "string", "title": title, "maxLength": max_length}
    if default is not None:
        spec["default"] = default
    return spec


def _choice(title: str, options: list[str], default: str) -> dict[str, Any]:
    return {"type": "string", "title": title, "enum": options, "default": default}


def _count(title: str, low: int, high: int, default: int) -> dict[str, Any]:
    return {"type": "integer", "title": title, "minimum": low, "maximum": high, "default": default}


def _schema(required: list[str], **props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


TONE = _choice("Tone", ["friendly", "professional", "playful", "bold", "calm"], "friendly")
PLATFORM = _choice(
    "Platform", ["Instagram", "TikTok", "X", "LinkedIn", "YouTube", "Threads"], "Instagram"
)

BUILTINS: list[dict[str, Any]] = [
    {
        "slug": "social-post",
        "name": "Social post",
        "description": "A ready-to-publish post about a topic, for the platform you choose.",
        "body": (
            "Write a {{ tone }} {{ platform }} post about: {{ topic }}.\n"
            "{% if hashtags %}End with three relevant hashtags.{% else %}No hashtags.{% endif %}"
        ),
        "params_schema": _schema(
            ["topic"],
            topic=_text("Topic", 300),
            platform=PLATFORM,
            tone=TONE,
            hashtags={"type": "boolean", "title": "Add hashtags", "default": True},
        ),
    },
    {
        "slug": "caption",
        "name": "Caption",
        "description": "A short caption for a photo or a video.",
        "body": "Write a {{ tone }} caption (at most {{ words }} words) for this picture: {{ picture }}.",
        "params_schema": _schema(
            ["picture"],
            picture=_text("What is in the picture", 300),
            tone=TONE,
            words=_count("Words at most", 5, 60, 20),
        ),
    },
    {
        "slug": "thread",
        "name": "Thread",
        "description": "A numbered thread that explains one idea step by step.",
        "body": (
            "Write a thread of {{ posts }} numbered posts about: {{ topic }}.\n"
            "Tone: {{ tone }}. Start with a hook; end with a question to the reader."
        ),
        "params_schema": _schema(
            ["topic"], topic=_text("Topic", 300), posts=_count("Posts", 3, 12, 5), tone=TONE
        ),
    },
    {
        "slug": "hook-ideas",
        "name": "Hook ideas",
        "description": "Opening lines that make people stop scrolling.",
        "body": "Give {{ count }} different opening hooks for a {{ platform }} video about: {{ topic }}.",
        "params_schema": _schema(
            ["topic"],
            topic=_text("Topic", 300),
            count=_count("How many", 3, 10, 5),
            platform=PLATFORM,
        ),
    },
    {
        "slug": "video-script",
        "name": "Video script",
        "description": "A short video script with a hook, the main points and a call to action.",
        "body": (
            "Write a {{ seconds }}-second {{ platform }} video script about: {{ topic }}.\n"
            "Tone: {{ tone }}. Mark the hook, the main points and the call to action."
        ),
        "params_schema": _schema(
            ["topic"],
            topic=_text("Topic", 300),
            seconds=_count("Length in seconds", 15, 600, 60),
            platform=PLATFORM,
            tone=TONE,
        ),
    },
    {
        "slug": "newsletter",
        "name": "Newsletter",
        "description": "A newsletter issue with a subject line and a few short sections.",
        "body": (
            "Write a {{ tone }} newsletter issue for {{ audience }} about: {{ topic }}.\n"
            "Give a subject line first, then {{ sections }} short sections."
        ),
        "params_schema": _schema(
            ["topic"],
            topic=_text("Topic", 500),
            audience=_text("Audience", 200, "my subscribers"),
            sections=_count("Sections", 1, 6, 3),
            tone=TONE,
        ),
    },
    {
        "slug": "comment-reply",
        "name": "Reply to a comment",
        "description": "A kind, on-brand answer to a follower's comment.",
        "body": (
            'A follower commented: "{{ comment }}"\n'
            "Write a {{ tone }} reply in at most two sentences."
            "{% if question %} End with a question that keeps the conversation going.{% endif %}"
        ),
        "params_schema": _schema(
            ["comment"],
            comment=_text("Their comment", 1000),
            tone=TONE,
            question={"type": "boolean", "title": "Ask a question back", "default": False},
        ),
    },
    {
        "slug": "bio",
        "name": "Bio",
        "description": "A profile bio that says who you are and what you post.",
        "body": (
            "Write a {{ platform }} bio (at most {{ chars }} characters) for someone who is "
            "{{ who }} and posts about {{ topics }}."
        ),
        "params_schema": _schema(
            ["who", "topics"],
            who=_text("Who you are", 200),
            topics=_text("What you post about", 200),
            platform=PLATFORM,
            chars=_count("Characters at most", 80, 300, 150),
        ),
    },
]


def builtin_id(slug: str) -> str:
    return f"builtin:{slug}"


def builtin_templates() -> list[dict[str, Any]]:
    return [
        {
            "id": builtin_id(t["slug"]),
            "name": t["name"],
            "description": t["description"],
            "body": t["body"],
            "params_schema": t["params_schema"],
            "version": 1,
            "builtin": True,
            "owner_id": None,
        }
        for t in BUILTINS
    ]


BY_ID = {t["id"]: t for t in builtin_templates()}
