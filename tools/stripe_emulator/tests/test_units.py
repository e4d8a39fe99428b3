"""Small pure pieces: form decoding, parameter schemas, cards, tax, settings."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from stripe_emulator import cards, params_schema
from stripe_emulator.errors import StripeError
from stripe_emulator.forms import decode, get_metadata
from stripe_emulator.money import fmt, tax_for
from stripe_emulator.settings import Settings

SRC = Path(__file__).parents[1] / "src" / "stripe_emulator"


def test_decode_nested_and_arrays() -> None:
    got = decode(
        "a[b][c]=1&items[0][x]=p&items[1][x]=q&items[0][y]=r&expand[]=one&expand[]=two&flag=&n=3"
    )
    assert got == {
        "a": {"b": {"c": "1"}},
        "items": [{"x": "p", "y": "r"}, {"x": "q"}],
        "expand": ["one", "two"],
        "flag": "",
        "n": "3",
    }
    assert decode("expand[0]=line_items&expand[1]=payment_intent") == {
        "expand": ["line_items", "payment_intent"]
    }
    assert decode("items[10][a]=x&items[2][a]=y")["items"] == [
        {"a": "y"},
        {"a": "x"},
    ]  # index order


def test_metadata_merge_rules() -> None:
    assert get_metadata({"metadata": {"a": "1", "b": ""}}, current={"b": "2", "c": "3"}) == {
        "a": "1",
        "c": "3",
    }
    assert get_metadata({"metadata": ""}, current={"a": "1"}) == {}
    with pytest.raises(StripeError):
        get_metadata({"metadata": {"k" * 41: "v"}})


def test_every_schema_name_exists_in_the_sdk() -> None:
    """A typo in a schema name would silently disable unknown-parameter checks."""
    names = set()
    for path in SRC.glob("*.py"):
        names |= set(re.findall(r'"(stripe\.params\.[\w.]+)"', path.read_text()))
    assert len(names) > 15
    for name in sorted(names):
        params_schema._load(name)


def test_unknown_nested_params_are_rejected() -> None:
    schema = "stripe.params.TransferCreateParams"
    params_schema.check_known({"amount": "1", "metadata": {"anything": "goes"}}, schema)
    with pytest.raises(StripeError) as exc:
        params_schema.check_known({"amount": "1", "destinaton": "acct_1"}, schema)
    assert exc.value.param == "destinaton"


def test_cards() -> None:
    for number in cards.CARDS:
        assert cards.luhn_ok(number), number
    today = date(2030, 6, 1)
    card = cards.parse_card("4242 4242 4242 4242", "06/30", "123", today=today)
    assert (card.exp_month, card.exp_year, card.last4) == (6, 2030, "4242")
    assert cards.behaviour(card).outcome == "succeeded"
    with pytest.raises(StripeError) as past:
        cards.parse_card("4242424242424242", "05/30", "123", today=today)
    assert past.value.code == "invalid_expiry_year"
    with pytest.raises(StripeError) as cvc:
        cards.parse_card("378282246310005", "12/34", "123", today=today)
    assert cvc.value.code == "incomplete_cvc"
    real_looking = cards.parse_card("4111 1111 1111 1111", "12/34", "123", today=today)
    assert cards.behaviour(real_looking).outcome == "declined"


def test_tax_and_formatting() -> None:
    assert tax_for(3000, 1000) == 300
    assert tax_for(1999, 1000) == 200  # 199.9 rounds half up
    assert tax_for(1994, 1000) == 199
    assert (
        fmt(3300, "usd") == "$33.00"
        and fmt(500, "jpy") == "¥500"
        and fmt(1234, "sek") == "12.34 SEK"
    )


def test_settings_from_env() -> None:
    s = Settings.from_env(
        {"STRIPE_EMULATOR_PORT": "4000", "STRIPE_EMULATOR_WEBHOOK_URLS": "http://a/x, http://b/y,"}
    )
    assert s.port == 4000 and s.public_url == "http://localhost:4000"
    assert s.webhook_urls == ["http://a/x", "http://b/y"]
    assert s.webhook_secret == "whsec_dev_emulator_secret"
