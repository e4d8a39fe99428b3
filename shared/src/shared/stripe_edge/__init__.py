"""The one Stripe edge: settings and the Stripe-vs-emulator rule, the SDK client, the webhook
reader with inbox de-duplication, and typed Stripe objects. Billing and payouts use it."""

from shared.stripe_edge.client import StripeConnection, StripeUnavailable
from shared.stripe_edge.objects import (
    Account,
    AccountLink,
    Charge,
    CheckoutSession,
    Dispute,
    PaymentIntent,
    Refund,
    StripeObject,
    Transfer,
)
from shared.stripe_edge.settings import (
    DEV_STRIPE_API_BASE,
    DEV_STRIPE_API_KEY,
    DEV_STRIPE_WEBHOOK_SECRET,
    StripeServiceSettings,
)
from shared.stripe_edge.webhooks import (
    STRIPE_INBOX,
    StripeEvent,
    already_handled,
    first_delivery,
    inbox_id,
    read_event,
)

__all__ = [
    "DEV_STRIPE_API_BASE",
    "DEV_STRIPE_API_KEY",
    "DEV_STRIPE_WEBHOOK_SECRET",
    "STRIPE_INBOX",
    "Account",
    "AccountLink",
    "Charge",
    "CheckoutSession",
    "Dispute",
    "PaymentIntent",
    "Refund",
    "StripeConnection",
    "StripeEvent",
    "StripeObject",
    "StripeServiceSettings",
    "StripeUnavailable",
    "Transfer",
    "already_handled",
    "first_delivery",
    "inbox_id",
    "read_event",
]
