"""Test cards and card-form validation.

Numbers follow Stripe's documented test cards where Stripe has one with the same
meaning; the delayed-payment card is the emulator's own (cards never settle late on
Stripe, bank debits do), chosen so it collides with no Stripe test card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import StripeError


@dataclass(frozen=True)
class TestCard:
    outcome: str  # "succeeded" | "declined" | "async"
    brand: str = "visa"
    funding: str = "credit"
    decline_code: str | None = None
    error_code: str = "card_declined"
    message: str = "Your card was declined."
    dispute_reason: str | None = None  # payment succeeds, then a dispute is opened


CARDS: dict[str, TestCard] = {
    "4242424242424242": TestCard("succeeded"),
    "4000056655665556": TestCard("succeeded", funding="debit"),
    "5555555555554444": TestCard("succeeded", brand="mastercard"),
    "378282246310005": TestCard("succeeded", brand="amex"),
    "4000000000000077": TestCard("succeeded"),
    "4000000000000002": TestCard("declined", decline_code="generic_decline"),
    "4000000000009995": TestCard(
        "declined",
        decline_code="insufficient_funds",
        message="Your card has insufficient funds.",
    ),
    "4000000000000069": TestCard(
        "declined", error_code="expired_card", message="Your card has expired."
    ),
    "4000000000000127": TestCard(
        "declined",
        error_code="incorrect_cvc",
        message="Your card's security code is incorrect.",
    ),
    "4000000000000259": TestCard("succeeded", dispute_reason="fraudulent"),
    # Emulator-specific: the session completes with payment_status "unpaid"; settle it
    # later with POST /_emulator/checkout/sessions/{id}/async_payment.
    "4000000000000044": TestCard("async"),
}

ASYNC_CARD = "4000000000000044"


@dataclass(frozen=True)
class CardInput:
    number: str
    exp_month: int
    exp_year: int
    cvc: str

    @property
    def last4(self) -> str:
        return self.number[-4:]


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_error(
    message: str, code: str, param: str | None = None, decline_code: str | None = None
) -> StripeError:
    extra = {"decline_code": decline_code} if decline_code else {}
    return StripeError(
        402, message, type="card_error", code=code, param=param, extra=extra, replayable=True
    )


def parse_card(number: str, expiry: str, cvc: str, today: date | None = None) -> CardInput:
    """Validate the hosted form's fields the way Stripe Elements would, with its codes."""
    digits = re.sub(r"[\s-]", "", number or "")
    if not digits:
        raise card_error("Your card number is incomplete.", "incomplete_number", "number")
    if not digits.isdigit() or not 13 <= len(digits) <= 19 or not luhn_ok(digits):
        raise card_error("Your card number is invalid.", "incorrect_number", "number")
    m = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", expiry or "")
    if not m:
        raise card_error(
            "Your card's expiration date is incomplete.", "incomplete_expiry", "exp_month"
        )
    month, year = int(m.group(1)), int(m.group(2))
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        raise card_error(
            "Your card's expiration month is invalid.", "invalid_expiry_month", "exp_month"
        )
    today = today or date.today()
    if (year, month) < (today.year, today.month):
        raise card_error(
            "Your card's expiration year is in the past.", "invalid_expiry_year", "exp_year"
        )
    cvc = (cvc or "").strip()
    want = 4 if digits.startswith(("34", "37")) else 3
    if not cvc.isdigit() or len(cvc) != want:
        raise card_error("Your card's security code is incomplete.", "incomplete_cvc", "cvc")
    return CardInput(digits, month, year, cvc)


def behaviour(card: CardInput) -> TestCard:
    found = CARDS.get(card.number)
    if found is not None:
        return found
    # Stripe refuses real card numbers in test mode; so do we.
    return TestCard(
        "declined",
        decline_code="test_mode_live_card",
        message="Your card was declined. This is a test environment: use a test card (see README).",
    )
