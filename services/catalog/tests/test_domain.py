"""Unit tests of the pure parts: aggregates' decisions, file names and content sniffing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from catalog.blobs import LocalBlobStore
from catalog.bundles import archive_name, is_sample
from catalog.domain import (
    APPROVED,
    PENDING,
    Entitlement,
    FileRef,
    Metadata,
    Persona,
    Review,
    may_see,
    parse_semver,
    review_id_for,
)
from catalog.domain.errors import CatalogError, Conflicting, Missing, NotAllowed
from catalog.errors import problem_for
from catalog.schemas import parse_fields
from catalog.uploads import _FileSink, content_type_for, sanitize_path
from shared.auth import Principal
from shared.problems import Problem

META = Metadata("Chef", "Short", "Long", "food", ["recipes"], 0, "usd", {"personal": True})
FILE = FileRef("prompt.md", "a" * 64, 10, "text/markdown")


@contextmanager
def raises(kind: type[CatalogError], status: int) -> Iterator[pytest.ExceptionInfo[CatalogError]]:
    """The domain refuses with `kind`, which the API shows with `status`."""
    with pytest.raises(kind) as info:
        yield info
    assert problem_for(info.value).status == status


def persona(with_version: bool = True) -> Persona:
    p = Persona("p1")
    p.create("creator", META)
    if with_version:
        p.publish_version("creator", "1.0.0", "first", [FILE])
    p.pending = []
    return p


def image(n: int) -> dict[str, object]:
    return {"id": f"img{n}", "thumb": "t" * 64, "large": "l" * 64, "width": 10, "height": 10}


def test_cover_and_gallery_decisions():
    p = persona()
    with raises(NotAllowed, 403):
        p.set_cover("someone-else", image(0))
    p.set_cover("creator", image(0))
    p.set_cover("creator", None)
    p.set_cover("creator", None)  # nothing to remove: no event
    assert [type(e).__name__ for e in p.pending] == ["PersonaCoverChanged"] * 2
    assert p.cover is None
    for n in range(8):
        p.add_gallery_image("creator", "1.0.0", image(n))
    with raises(Conflicting, 409) as info:
        p.add_gallery_image("creator", "1.0.0", image(8))
    assert info.value.code == "too_many_gallery_images"
    with raises(Missing, 404):
        p.add_gallery_image("creator", "2.0.0", image(9))
    p.remove_gallery_image("creator", "1.0.0", "img3")
    p.remove_gallery_image("creator", "1.0.0", "img3")  # gone already: idempotent
    version = p.find_version("1.0.0")
    assert version is not None and [i["id"] for i in version.gallery] == [
        f"img{n}" for n in range(8) if n != 3
    ]
    p.add_gallery_image("creator", "1.0.0", image(9))  # room again


def test_persona_lifecycle_and_who_may_do_what():
    p = persona()
    with raises(NotAllowed, 403):
        p.submit("creator", email_verified=False)
    with raises(NotAllowed, 403):
        p.submit("someone-else", email_verified=True)
    with raises(Conflicting, 409):
        p.approve()  # a draft cannot be approved
    p.submit("creator", email_verified=True)
    assert p.status == PENDING
    with raises(Conflicting, 409):
        p.submit("creator", email_verified=True)
    p.approve()
    assert p.status == APPROVED and p.listed
    p.suspend("policy")
    assert not p.listed
    p.submit("creator", email_verified=True)  # a suspended persona can be resubmitted
    p.reject("still no")
    p.delete("creator")
    with raises(Missing, 404):
        p.edit("creator", META)
    assert [type(e).__name__ for e in p.pending] == [
        "PersonaSubmitted",
        "PersonaApproved",
        "PersonaSuspended",
        "PersonaSubmitted",
        "PersonaRejected",
        "PersonaDeleted",
    ]


def test_submitting_needs_a_version_and_versions_only_increase():
    p = persona(with_version=False)
    with raises(CatalogError, 422):
        p.submit("creator", email_verified=True)
    p.publish_version("creator", "0.9.0", "beta", [FILE])
    p.publish_version("creator", "0.10.0", "numeric, not lexical", [FILE])
    with raises(CatalogError, 409) as err:
        p.publish_version("creator", "0.10.0", "again", [FILE])
    assert err.value.code == "version_not_greater"
    with raises(CatalogError, 422):
        p.publish_version("creator", "1.0.0", "no files", [])
    assert p.latest is not None and p.latest.version == "0.10.0"
    assert p.find_version("0.9.0") is not None


@pytest.mark.parametrize("bad", ["1", "1.0", "v1.0.0", "1.0.0-beta", "01.0.0", "1.0.0.0", ""])
def test_semver_is_strict(bad):
    with raises(CatalogError, 422):
        parse_semver(bad)


def test_editing_with_identical_metadata_records_nothing():
    p = persona()
    p.edit("creator", META)
    assert p.pending == []


def test_entitlement_grants_revocations_and_daily_download_counting():
    e = Entitlement("p1:u1")
    assert (e.persona_id, e.user_id) == ("p1", "u1")
    assert e.acquire_free("c") and not e.acquire_free("c")
    assert e.grant_purchase("c", "tx1", 500, "usd")
    assert not e.grant_purchase("c", "tx1", 500, "usd")  # the same purchase grants once
    assert e.revoke_purchase("c", "tx1")
    assert e.active  # the free acquisition remains
    assert not e.revoke_purchase("c", "tx1")
    assert not e.grant_purchase("c", "tx1", 500, "usd")  # a refunded purchase stays refunded
    day = date(2026, 1, 1)
    assert e.count_download("c", "1.0.0", day)
    assert not e.count_download("c", "1.0.0", day)
    assert e.count_download("c", "1.1.0", day)
    assert e.count_download("c", "1.0.0", date(2026, 1, 2))
    folded = Entitlement.fold("p1:u1", e.pending)
    assert folded.counted == e.counted and folded.grants == {"free": "free"}


def test_review_post_edit_vote_respond():
    r = Review(review_id_for("p1", "author"))
    assert r.id == review_id_for("p1", "author") != review_id_for("p1", "other")
    assert r.post("p1", "author", "creator", 4, "nice", verified=True)
    assert not r.post("p1", "author", "creator", 5, "nicer", verified=True)  # becomes an edit
    assert r.rating == 5
    with raises(NotAllowed, 403):
        r.vote_helpful("author")
    assert r.vote_helpful("v1") and not r.vote_helpful("v1")
    with raises(NotAllowed, 403):
        r.respond("author", "hi")
    r.respond("creator", "thanks")
    with raises(Conflicting, 409):
        r.respond("creator", "again")
    with raises(NotAllowed, 403):
        r.delete("v1")
    r.delete("v1", moderator=True)
    with raises(Missing, 404):
        r.edit("author", 3, "", verified=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("prompt.md", "prompt.md"),
        ("samples/a.txt", "samples/a.txt"),
        (" spaced.txt ", "spaced.txt"),
        ("Cafe\u0301.md", "Caf\u00e9.md"),  # NFC
        ("résumé/notes.md", "résumé/notes.md"),
    ],
)
def test_sane_names_are_kept(raw, expected):
    assert sanitize_path(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "../x.txt",
        "a/../../x.txt",
        "/abs.txt",
        "C:\\x.txt",
        "x\\..\\y.txt",
        "a\x00b.txt",
        "a\nb.txt",
        "\u202eexe.txt",
        ".env",
        "a/.git/config",
        "a//b.txt",
        "",
        "   ",
        "x" * 201,
        "a/b/c/d/e.txt",
        "a:b.txt",
        "a/ b.txt",
    ],
)
def test_dangerous_names_are_refused(raw):
    with pytest.raises(Problem) as err:
        sanitize_path(raw)
    assert err.value.status == 422


def test_types_by_extension_and_content(tmp_path):
    assert content_type_for("A.PNG") == "image/png"
    with pytest.raises(Problem) as err:
        content_type_for("x.svg")
    assert err.value.status == 415

    def sniff(path: str, *chunks: bytes) -> None:
        target = tmp_path / "staged"
        blobs = LocalBlobStore(tmp_path / "blobs")
        sink = _FileSink(path, content_type_for(path), target.open("wb"), target, blobs)
        for chunk in chunks:
            sink.write(chunk)
        sink.finish()

    sniff("a.png", b"\x89PN", b"G\r\n\x1a\n rest")  # a signature split across chunks
    sniff("a.txt", "é".encode()[:1], "é".encode()[1:])  # a character split across chunks
    for path, content in (
        ("a.png", b"GIF89a......"),
        ("a.txt", b"\xff\xfe"),
        ("a.webp", b"RIFF1234WEBX"),
    ):
        with pytest.raises(Problem) as err:
            sniff(path, content)
        assert err.value.status == 415
    with pytest.raises(Problem) as err:
        sniff("a.txt")
    assert err.value.status == 422  # empty


def test_samples_and_archive_names():
    assert is_sample("samples/post.txt") and is_sample("Examples/x.md") and is_sample("README.md")
    assert is_sample("sample-output.txt") and not is_sample("prompt.md")
    # The name rule is a prefix of the file name, whatever folder it is in; a folder counts
    # only by its whole name.
    assert is_sample("secret/sampler.md") and not is_sample("secret/my-sample.md")
    assert not is_sample("samplesx/prompt.md")
    assert archive_name("Sarcastic Chef!", "1.2.0") == "sarcastic-chef-1.2.0.zip"
    assert archive_name("???", "1.0.0") == "persona-1.0.0.zip"


def test_metadata_validation_normalises_tags_and_currency():
    fields = parse_fields(
        {
            "name": " Chef ",
            "short_description": "s",
            "category": "Food",
            "tags": "A, b b,a",
            "price_cents": "0",
            "currency": "USD",
        }
    )
    assert (fields.name, fields.category, fields.tags, fields.currency) == (
        "Chef",
        "food",
        ["a", "b-b"],
        "usd",
    )
    with pytest.raises(Problem):
        parse_fields(
            {"name": "Chef", "short_description": "s", "category": "food", "price_cents": 49}
        )


@pytest.mark.parametrize(
    ("status", "deleted", "holds", "viewer", "seen"),
    [
        (APPROVED, False, False, None, True),
        (PENDING, False, False, None, False),
        (PENDING, False, False, "stranger", False),
        (PENDING, False, True, "stranger", False),
        (PENDING, False, False, "creator", True),
        (PENDING, False, False, "admin", True),
        ("suspended", False, True, "stranger", False),
        (APPROVED, True, False, "creator", False),
        (APPROVED, True, False, "admin", False),
        (APPROVED, True, False, "stranger", False),
        (APPROVED, True, True, "stranger", True),
        ("suspended", True, True, "stranger", False),
    ],
)
def test_one_rule_decides_who_sees_a_persona(status, deleted, holds, viewer, seen):
    who = None
    if viewer is not None:
        who = Principal(
            viewer, frozenset({"admin"} if viewer == "admin" else set()), True, "t", None, 0, 0
        )
    rule = may_see(creator_id="creator", status=status, deleted=deleted, holds=holds, viewer=who)
    assert rule is seen
    p = persona()
    p.status, p.deleted = status, deleted
    assert p.visible_to(who, holds=holds) is seen
