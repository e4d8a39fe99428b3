"""The routing table: every public area of DESIGN §5 lands on its owner; first match wins."""

from __future__ import annotations

import pytest
from gateway.routing import ROUTES, Rule, is_suspicious, service_for


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/.well-known/jwks.json", "identity"),
        ("/api/auth/login", "identity"),
        ("/api/auth/password-reset/confirm", "identity"),
        ("/api/users/me/personas", "catalog"),
        ("/api/users/me/purchases", "catalog"),
        ("/api/users/me/purchases/", "catalog"),
        ("/api/users/me/profile", "identity"),
        ("/api/users/alice", "identity"),
        ("/api/users/alice/follow", "identity"),
        ("/api/users/alice/personas", "catalog"),
        ("/api/users/alice/followers", "identity"),
        ("/api/users/me/personasx", "identity"),
        ("/api/admin/users/42/roles", "identity"),
        ("/api/admin/payments/7/refund", "billing"),
        ("/api/admin/moderation", "catalog"),
        ("/api/admin/personas/7/approve", "catalog"),
        ("/api/admin/reports/3/resolve", "catalog"),
        ("/api/personas/trending", "analytics"),
        ("/api/personas/7/similar", "analytics"),
        ("/api/personas/7/also-downloaded", "analytics"),
        ("/api/recommendations", "analytics"),
        ("/api/analytics/overview", "analytics"),
        ("/api/analytics/personas/7", "analytics"),
        ("/api/personas", "catalog"),
        ("/api/personas/7", "catalog"),
        ("/api/personas/7/download", "catalog"),
        ("/api/personas/7/reviews", "catalog"),
        ("/api/personas/trending/extra", "catalog"),
        ("/api/personas/7/similar/more", "catalog"),
        ("/api/categories", "catalog"),
        ("/api/tags", "catalog"),
        ("/api/collections", "catalog"),
        ("/api/collections/summer", "catalog"),
        ("/api/reviews/9/helpful", "catalog"),
        ("/api/payments/create-checkout", "billing"),
        ("/api/payments/webhook", "billing"),
        ("/api/payments/history", "billing"),
        ("/api/payouts", "payouts"),
        ("/api/payouts/onboarding", "payouts"),
        ("/api/earnings", "payouts"),
        ("/api/earnings/statements/2025", "payouts"),
        ("/api/notifications", "notifications"),
        ("/api/notifications/5/read", "notifications"),
        ("/api/feed", "notifications"),
        ("/api/templates", "generation"),
        ("/api/generations/export", "generation"),
        ("/api/generations/3/rerun", "generation"),
        ("/api/schedules", "generation"),
    ],
)
def test_each_area_goes_to_its_service(path: str, service: str) -> None:
    assert service_for(path) == service


@pytest.mark.parametrize(
    "path",
    [
        "/api",
        "/api/",
        "/api/unknown",
        "/api/personasx",
        "/api/feeds",
        "/api/authx/login",
        "/",
        "/personas/7",
        "/.well-known/other",
        "/healthz",
    ],
)
def test_paths_nobody_owns(path: str) -> None:
    assert service_for(path) is None


def test_first_match_wins() -> None:
    rules = (Rule("/api/x/special", "a"), Rule("/api/x/**", "b"))
    assert service_for("/api/x/special", rules) == "a"
    assert service_for("/api/x/other", rules) == "b"
    assert service_for("/api/x/special", tuple(reversed(rules))) == "b"


def test_every_specific_rule_comes_before_the_general_one_that_covers_it() -> None:
    # a rule that an earlier rule always shadows would be dead
    for rule in ROUTES:
        probe = rule.pattern.replace("/**", "").replace("{id}", "7")
        assert service_for(probe) == rule.service, rule


def test_pattern_syntax() -> None:
    with pytest.raises(ValueError):
        Rule("api/x", "a")
    with pytest.raises(ValueError):
        Rule("/api/**/x", "a")
    one = Rule("/api/p/{id}/x", "a")
    assert one.matches("/api/p/7/x")
    assert not one.matches("/api/p/7/8/x")
    assert not one.matches("/api/p//x")


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ("/api/personas/7", False),
        ("/api/personas/", False),
        ("/api/personas/../admin", True),
        ("/api/personas/./7", True),
        ("/api//personas", True),
        ("/api/personas/..", True),
    ],
)
def test_dot_and_empty_segments_are_suspicious(path: str, bad: bool) -> None:
    assert is_suspicious(path) is bad


def test_the_one_regex_table_agrees_with_trying_each_rule_in_order() -> None:
    # service_for matches all rules in one alternation; it must pick what a loop would.
    import itertools

    segments = ["api", "personas", "users", "me", "auth", "admin", "7", "trending", "similar"]
    segments += ["payments", "images", "x", "", "reviews", ".well-known", "jwks.json"]
    for n in range(1, 5):
        for parts in itertools.product(segments, repeat=n):
            path = "/" + "/".join(parts)
            looped = next((r.service for r in ROUTES if r.matches(path)), None)
            assert service_for(path) == looped, path
