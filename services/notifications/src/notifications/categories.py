"""What people can be notified about, and how by default.

A category's channel is one of: `email` (in-app and e-mail), `digest` (in-app and the daily
digest e-mail), `in_app` (in-app only), `off` (nothing). Transactional categories (money and the
account) always e-mail and cannot be changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Channel = Literal["in_app", "email", "digest", "off"]
CHANNELS: tuple[Channel, ...] = ("in_app", "email", "digest", "off")


@dataclass(frozen=True)
class Category:
    name: str
    label: str
    default: Channel
    transactional: bool = False
    digest_only: bool = False  # never a mail of its own: digest, in-app or off

    @property
    def channels(self) -> tuple[Channel, ...]:
        if self.transactional:
            return (self.default,)
        if self.digest_only:
            return ("digest", "in_app", "off")
        return CHANNELS


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category("purchases", "Receipts, refunds and disputes", "email", transactional=True),
        Category("payouts", "Payouts", "email", transactional=True),
        Category("moderation", "Approvals, rejections, suspensions and reports", "email"),
        Category("sales", "Sales of your personas", "email"),
        Category("updates", "New versions of personas you own", "email"),
        Category("reviews", "Reviews of your personas and replies to your reviews", "email"),
        Category("followers", "New followers", "digest", digest_only=True),
        Category("following", "New personas from creators you follow", "digest", digest_only=True),
    )
}


def effective_channel(category: str, chosen: str | None) -> Channel:
    cat = CATEGORIES[category]
    if cat.transactional or chosen is None:
        return cat.default
    return chosen  # type: ignore[return-value]
