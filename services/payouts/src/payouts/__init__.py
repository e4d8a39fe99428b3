"""Payouts: the creator ledger, Stripe Connect onboarding, payouts, earnings and statements."""
