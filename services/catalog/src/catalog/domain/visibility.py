"""Who may see a persona: the one rule the queries (reads) and the commands (writes) share.

- On the market (approved, not deleted): everyone.
- Not yet or no longer approved (draft, pending, rejected, suspended): its creator and admins.
- Deleted: hidden for good, from its creator and admins too; only people who hold it (an
  active entitlement) still see it in their library and download it — and only if it was on
  the market when deleted (a suspended persona stays taken down).

Anyone else gets "not found" (never "forbidden", which would confirm the persona exists).
"""

from __future__ import annotations

from typing import Protocol

from catalog.domain.values import APPROVED


class Viewer(Protocol):
    """Who is looking (a signed-in user's `Principal` is one)."""

    @property
    def user_id(self) -> str: ...

    @property
    def is_admin(self) -> bool: ...


def may_see(
    *, creator_id: str, status: str, deleted: bool, holds: bool, viewer: Viewer | None
) -> bool:
    """`holds`: the viewer has an active entitlement (the creator's own access does not count);
    `viewer` None: nobody is signed in."""
    if deleted:
        return status == APPROVED and holds
    if status == APPROVED:
        return True
    return viewer is not None and (viewer.is_admin or viewer.user_id == creator_id)
