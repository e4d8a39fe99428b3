"""Application layer: each command validates, then loads, decides and appends in one transaction.

Credentials (password hashes, refresh families, one-time tokens) are written in the same
transaction as the events they accompany, so a registration never exists without its password
and a revoked family never exists without its `SessionRevoked`.

`Identity` is the one application service (`app.state.identity`); its commands are grouped by
concern in this package's modules. Commands raise identity's domain errors only
(`identity.domain`); `identity.errors` shows them as problem+json.
"""

from identity.commands.administration import Administration
from identity.commands.base import (
    Clock,
    TokenPair,
    announce_revoked,
    change_roles,
    revoke_all_sessions,
)
from identity.commands.email_links import EmailLinks
from identity.commands.profiles import Profiles
from identity.commands.sign_in import SignIn


class Identity(SignIn, EmailLinks, Profiles, Administration):
    """Identity's application service: sign-in, e-mail links, profiles, administration."""


__all__ = [
    "Clock",
    "Identity",
    "TokenPair",
    "announce_revoked",
    "change_roles",
    "revoke_all_sessions",
]
