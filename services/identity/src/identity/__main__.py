"""`python -m identity COMMAND`: serve, migrate, rebuild-projections, make-admin, rotate-keys and
purge-expired."""

from __future__ import annotations

import argparse
import asyncio
import sys

from shared.cli import run_cli
from shared.db import create_pool, migrate
from shared.events import now as utc_now

from identity.admin import UnknownEmail, make_admin
from identity.app import MIGRATIONS, build_spec
from identity.keys import KeyConfigError, rotate
from identity.purge import purge_expired
from identity.settings import IdentitySettings

OWN_COMMANDS = ("make-admin", "rotate-keys", "purge-expired")
USAGE = """usage: python -m identity COMMAND

  serve [--host H] [--port 8001]   run the HTTP service
  migrate                          apply database migrations
  rebuild-projections              rebuild users and follows from the event store
  make-admin EMAIL                 give an existing account the admin role
  rotate-keys                      add a new signing key (previous ones stay in the JWKS)
  purge-expired                    delete expired refresh sessions and used/expired links once
"""


async def _make_admin(settings: IdentitySettings, email: str) -> int:
    await migrate(settings.database_url, [MIGRATIONS])
    try:
        await make_admin(settings.database_url, email)
    except UnknownEmail as exc:
        print(f"identity: {exc} Register first, then run this again.", file=sys.stderr)
        return 1
    print(f"identity: {email} is now an admin (effective at their next sign-in or refresh).")
    return 0


async def _rotate_keys(settings: IdentitySettings) -> int:
    await migrate(settings.database_url, [MIGRATIONS])
    pool = await create_pool(settings.database_url, 1, 2)
    try:
        key = await rotate(pool, settings)
    except KeyConfigError as exc:
        print(f"identity: {exc}", file=sys.stderr)
        return 1
    finally:
        await pool.close()
    print(
        f"identity: new signing key {key.kid} published; it signs from"
        f" {key.activates_at.isoformat()}. Previous keys stay in the JWKS for"
        f" {settings.key_publish_after_retire_s} s after that."
    )
    return 0


async def _purge_expired(settings: IdentitySettings) -> int:
    await migrate(settings.database_url, [MIGRATIONS])
    pool = await create_pool(settings.database_url, 1, 2)
    try:
        purged = await purge_expired(pool, settings, utc_now())
    finally:
        await pool.close()
    if purged.skipped:
        print("identity: another process is purging right now; nothing done.")
        return 0
    print(
        f"identity: purged {purged.refresh_families} expired refresh session(s) and"
        f" {purged.one_time_tokens} used or expired one-time token(s)."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    if not argv or argv[0] not in OWN_COMMANDS:
        return run_cli(build_spec, default_port=8001)
    parser = argparse.ArgumentParser(prog="python -m identity")
    sub = parser.add_subparsers(dest="command", required=True)
    admin = sub.add_parser("make-admin", help="give an existing account the admin role")
    admin.add_argument("email")
    sub.add_parser("rotate-keys", help="add a new signing key; previous ones stay published")
    sub.add_parser("purge-expired", help="delete expired sessions and one-time tokens once")
    args = parser.parse_args(argv)
    settings = IdentitySettings()
    if args.command == "make-admin":
        return asyncio.run(_make_admin(settings, args.email))
    if args.command == "purge-expired":
        return asyncio.run(_purge_expired(settings))
    return asyncio.run(_rotate_keys(settings))


if __name__ == "__main__":
    raise SystemExit(main())
