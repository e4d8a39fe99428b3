"""The benchmark seeding event."""

from __future__ import annotations

from shared.events import Event


class PersonaStatsSeeded(Event):
    """Synthetic popularity for generated benchmark data (`python -m catalog seed`) only.

    Real downloads and ratings come from PersonaDownloaded and review events; seeding millions of
    those would take far longer than the benchmark is worth. Never written by the API.
    """

    persona_id: str
    downloads: int
    ratings: dict[str, int]  # "1".."5" -> count


def persona_stats_seeded(persona_id: str, downloads: int, ratings: dict[str, int]) -> Event:
    return PersonaStatsSeeded(persona_id=persona_id, downloads=downloads, ratings=ratings)
