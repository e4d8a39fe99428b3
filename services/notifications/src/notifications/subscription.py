"""The one queue notifications reads (`notifications.events`): facts first, then notices.

One queue keeps each producer's events in order (a review is known before the creator's reply
to it). Handlers are registered by `directory` (facts) and `consumers` (notices), imported in
that order so facts are stored before the notices that need them.
"""

from __future__ import annotations

from shared.subscriptions import Subscription

events = Subscription("notifications", "events")
