"""Registration rules: clear 422s and 409s that change nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Client

PASSWORD = "blue-river-42-Piano"


async def register(client: Client, email: str, username: str, password: str = PASSWORD):
    return await client.http.post(
        "/api/auth/register", json={"email": email, "username": username, "password": password}
    )


async def users(client: Client) -> int:
    return int(await client.svc.pool.fetchval("SELECT count(*) FROM users"))


async def test_duplicate_email_and_username_are_409_naming_the_field(client: Client) -> None:
    await client.register("alice", "alice@example.com")
    r = await register(client, "ALICE@example.com", "someone_else")
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in r.json()["errors"]] == ["email"]
    r = await register(client, "other@example.com", "Alice")
    assert r.status_code == 409
    assert [e["field"] for e in r.json()["errors"]] == ["username"]
    assert await users(client) == 1


WEAK = [
    ("short1", "password_too_short", "at least 8"),
    ("x" * 129, "password_too_long", "at most 128"),
    ("password123", "password_too_common", "too common"),
    ("qwertyuiop", "password_too_common", "too common"),
    ("zzzzzzzzzz", "password_too_common", "too common"),
    ("HANNAH.B@example.com!", "password_matches_email", "e-mail"),
    ("my-hannah-rocks", "password_matches_username", "username"),
]


async def test_weak_passwords_are_refused_with_the_rule_named(client: Client) -> None:
    # One service for every case: the rules themselves are unit-tested in test_domain.
    for password, code, words in WEAK:
        r = await register(client, "hannah.b@example.com", "hannah", password)
        assert r.status_code == 422, (password, r.text)
        body = r.json()
        assert body["code"] == code
        assert body["errors"][0]["field"] == "password"
        assert words in body["errors"][0]["message"]
    assert await users(client) == 0


async def test_no_composition_rules(client: Client) -> None:
    # Long lower-case passphrases are fine; so is any Unicode.
    await client.register("ivan", password="correct horse battery staple")
    await client.register("judy", password="пароль-очень-длинный")


BAD_NAMES = [
    ("not-an-email", "kate", "email"),
    ("kate@example.com", "ka", "username"),
    ("kate@example.com", "kate!", "username"),
    ("kate@example.com", "me", "username"),
    ("kate@example.com", "k" * 31, "username"),
]


async def test_bad_email_or_username_is_422(client: Client) -> None:
    for email, username, field in BAD_NAMES:
        r = await register(client, email, username)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == field
    assert await users(client) == 0


async def test_username_is_lower_cased(client: Client) -> None:
    user = await client.register("Mixed_Case_1", "mc@example.com")
    assert user["username"] == "mixed_case_1"
