"""The notice table (notices.toml) and the facts functions that use it agree."""

from __future__ import annotations

from notifications import consumers, rules


def test_every_rule_set_is_registered_by_a_facts_function() -> None:
    assert consumers.events is rules.events  # importing consumers registered every notice
    assert rules.USED == set(rules.RULES)
