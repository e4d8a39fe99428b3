"""The pure domain: aggregates fold and decide, input rules, password rules (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from identity.domain import (
    DomainError,
    Follow,
    User,
    follow_stream,
    normalize_email,
    normalize_profile,
    normalize_roles,
    normalize_username,
    user_stream,
)
from identity.passwords import PasswordRejected, check_password, common_passwords
from shared.contracts.identity import (
    EmailVerified,
    ProfileUpdated,
    UserFollowed,
    UserRegistered,
    UserRoleChanged,
    UserSuspended,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)


def registered() -> User:
    user = User(user_stream("u1"))
    user.register("a@example.com", "alice")
    return user


def test_register_then_fold_gives_the_same_state() -> None:
    user = registered()
    assert isinstance(user.pending[0], UserRegistered)
    again = User.fold(user.id, list(user.pending))
    assert (again.email, again.username, again.roles) == ("a@example.com", "alice", ["user"])
    with pytest.raises(DomainError):
        again.register("b@example.com", "bob")


def test_verify_email_only_for_the_current_address_and_once() -> None:
    user = registered()
    assert user.verify_email("a@example.com") is True
    assert isinstance(user.pending[-1], EmailVerified)
    assert user.verify_email("a@example.com") is False
    with pytest.raises(DomainError):
        user.verify_email("old@example.com")


def test_profile_update_records_only_changes_and_email_change_unverifies() -> None:
    user = registered()
    user.verify_email("a@example.com")
    assert user.update_profile({"username": "alice", "bio": None}) == {}
    changed = user.update_profile({"bio": "hi", "email": "new@example.com"})
    assert changed == {"bio": "hi", "email": "new@example.com"}
    assert isinstance(user.pending[-1], ProfileUpdated)
    assert user.email_verified is False
    folded = User.fold(user.id, list(user.pending))
    assert folded.email == "new@example.com" and folded.profile["bio"] == "hi"
    assert folded.email_verified is False


def test_roles_always_include_user_and_unknown_roles_are_refused() -> None:
    user = registered()
    assert user.set_roles(["admin"]) is True
    assert isinstance(user.pending[-1], UserRoleChanged)
    assert user.roles == ["user", "admin"]
    assert user.set_roles(["Admin", "user"]) is False
    with pytest.raises(DomainError):
        user.set_roles(["root"])
    assert normalize_roles([]) == ["user"]


def test_suspend_once() -> None:
    user = registered()
    assert user.suspend("spam", AT) is True
    assert isinstance(user.pending[-1], UserSuspended)
    assert user.suspend("again", AT) is False
    assert User.fold(user.id, list(user.pending)).suspended


def test_follow_is_idempotent_and_never_self() -> None:
    pair = Follow(follow_stream("a", "b"))
    assert pair.follow() is True and pair.follow() is False
    assert isinstance(pair.pending[0], UserFollowed)
    assert pair.unfollow() is True and pair.unfollow() is False
    with pytest.raises(DomainError):
        Follow(follow_stream("a", "a")).follow()


@pytest.mark.parametrize("name", ["me", "ab", "a" * 31, "with space", "dash-ed", "ümlaut"])
def test_bad_usernames(name: str) -> None:
    with pytest.raises(DomainError):
        normalize_username(name)


def test_usernames_and_emails_are_normalised() -> None:
    assert normalize_username("  Ada_L ") == "ada_l"
    assert normalize_email(" Ada@Example.COM ") == "ada@example.com"
    with pytest.raises(DomainError):
        normalize_email("ada@")


def test_profile_rules() -> None:
    out = normalize_profile(
        {
            "bio": "",
            "website": " https://x.example/p ",
            "social_links": {"GitHub": "https://g.example/a"},
        }
    )
    assert out == {
        "bio": None,
        "website": "https://x.example/p",
        "social_links": {"github": "https://g.example/a"},
    }
    for bad in (
        {"bio": "x" * 501},
        {"website": "javascript:alert(1)"},
        {"avatar_url": "//cdn.example/a.png"},
        {"social_links": {"bad key!": "https://x.example"}},
        {"social_links": {f"n{i}": "https://x.example" for i in range(11)}},
    ):
        with pytest.raises(DomainError):
            normalize_profile(bad)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("1234567", "password_too_short"),
        ("a" * 129, "password_too_long"),
        ("Password1", "password_too_common"),
        ("iloveyou", "password_too_common"),
        ("xxxxxxxxxxxx", "password_too_common"),
        ("my-Alice.Smith@example.com", "password_matches_email"),
        ("alice.smith-2024", "password_matches_email"),
        ("the_alice_99", "password_matches_username"),
    ],
)
def test_password_rules(password: str, code: str) -> None:
    with pytest.raises(PasswordRejected) as info:
        check_password(password, email="alice.smith@example.com", username="the_alice")
    assert info.value.code == code


def test_good_passwords_pass() -> None:
    for password in ("correct horse battery staple", "blue-river-42-Piano", "a" * 7 + "b"):
        check_password(password, email="alice@example.com", username="alice")
    assert len(common_passwords()) > 1000
