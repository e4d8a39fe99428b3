"""Events published by generation (routing keys `generation.<Type>`).

Never the prompt, the parameters or the output: those are the user's private content.
"""

from __future__ import annotations

from shared.events import Event


class GenerationCompleted(Event):
    """A generation finished (fully streamed). Analytics counts persona usage from it."""

    generation_id: str
    user_id: str
    persona_id: str
    persona_version: str
    creator_id: str
    template_id: str
    template_version: int
    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    tryout: bool = False
    source: str = "interactive"  # interactive | batch | schedule
