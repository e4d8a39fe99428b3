"""Billing: Stripe Checkout, the transaction ledger of every sale, refunds and disputes."""
