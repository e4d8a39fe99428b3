"""A persona written in Word: generation reads its text over catalog's internal files route
(catalog hands out a document's extracted text in place of its bytes)."""

from __future__ import annotations

import io

import docx
from conftest import GenEnv

CAPTION = {"picture": "a cat"}


def word_prompt(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


async def test_a_word_prompt_becomes_the_system_prompt(gen: GenEnv) -> None:
    creator = await gen.user("wordsmith")
    persona = await gen.persona(
        creator, files=[("prompt.docx", word_prompt("You are Nonna Lucia, who writes in rhyme."))]
    )
    events = await gen.generate(creator, persona["id"], "builtin:caption", CAPTION, model="ok")
    assert events[-1][1]["status"] == "completed"
    detail = (
        await gen.http.get(f"/api/generations/{events[0][1]['id']}", headers=gen.headers(creator))
    ).json()
    assert "You are Nonna Lucia, who writes in rhyme." in detail["system_prompt"]
