"""The problems an upload is refused with, in one place for the multipart reader, the file-type
rules and the document checks: too large (413), not an accepted type (415), one file refused
(422, its reason under `errors` for the form's `files` field)."""

from __future__ import annotations

from shared.problems import Problem, Unprocessable


def too_large(detail: str, code: str) -> Problem:
    return Problem(detail, status=413, code=code, title="Upload too large")


def unsupported(
    detail: str, code: str = "unsupported_file_type", title: str = "File type not allowed"
) -> Problem:
    return Problem(detail, status=415, code=code, title=title)


def file_refused(detail: str, code: str, name: str, why: str) -> Unprocessable:
    return Unprocessable(
        detail, code=code, errors=[{"field": "files", "message": f"{name}: {why}"}]
    )
