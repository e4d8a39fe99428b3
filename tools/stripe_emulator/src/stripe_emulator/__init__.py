"""A stateful local emulator of the part of the Stripe API the creator platform uses."""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
