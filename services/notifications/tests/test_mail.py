"""Product e-mail through a real SMTP server: content, escaping, unsubscribe headers, retries."""

from __future__ import annotations

from email.header import decode_header, make_header
from email.message import Message
from typing import Any

from shared.contracts.billing import PurchaseRefunded
from shared.contracts.payouts import PayoutFailed
from shared.testing.servers import message_text


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def html_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no HTML part")


async def test_receipt_has_item_amount_tax_number_and_library_link(harness: Any) -> None:
    creator = await harness.user("carla")
    buyer = await harness.user("bob")
    event = harness.sale(creator, buyer, transaction_id="tx_receipt_1")
    await harness.send(event)
    [receipt] = await harness.mail_to("bob")
    assert subject(receipt) == "Your receipt for “Witty Chef” · Personas"
    text = message_text(receipt)
    for expected in (
        "Item: Witty Chef",
        "Amount: $9.99",
        "Tax: $0.80",
        "Total paid: $10.79",
        "Receipt number: tx_receipt_1",
        "http://app.test/dashboard/purchases",
    ):
        assert expected in text
    assert "tx_receipt_1" in html_of(receipt)
    # Transactional: always sent, so no unsubscribe.
    assert receipt["List-Unsubscribe"] is None
    [sold] = await harness.mail_to("carla")
    assert subject(sold) == "You earned $6.99 · Personas"
    assert "Your earnings: $6.99" in message_text(sold)
    url = sold["List-Unsubscribe"]
    assert url.startswith("<http://app.test/api/notifications/unsubscribe/") and url.endswith(">")
    assert creator not in url  # opaque
    assert sold["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


async def test_names_are_escaped_in_html(harness: Any) -> None:
    creator = await harness.user("carla")
    buyer = await harness.user("bob")
    await harness.send(harness.sale(creator, buyer, persona_name="<script>x()</script> & Co"))
    [receipt] = await harness.mail_to("bob")
    html = html_of(receipt)
    assert "<script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt; &amp; Co" in html
    assert "<script>x()</script> & Co" in message_text(receipt)  # plain text stays plain


async def test_refund_tells_buyer_and_creator(harness: Any) -> None:
    creator = await harness.user("carla")
    buyer = await harness.user("bob")
    await harness.send(
        PurchaseRefunded(
            transaction_id="tx1",
            refund_id="re_1",
            buyer_id=buyer,
            persona_id="persona-1",
            creator_id=creator,
            amount=1079,
            creator_amount=699,
            currency="usd",
            full=True,
        )
    )
    [to_buyer] = await harness.mail_to("bob")
    assert "$10.79" in message_text(to_buyer)
    [to_creator] = await harness.mail_to("carla")
    assert "$6.99" in message_text(to_creator)
    assert to_creator["List-Unsubscribe"] is None  # money: transactional


async def test_mail_waits_for_a_recipient_it_does_not_know_yet(harness: Any) -> None:
    import uuid

    creator = str(uuid.uuid4())
    await harness.send(
        PayoutFailed(
            payout_id="po_1", creator_id=creator, amount=5000, currency="usd", reason="Bank closed"
        )
    )
    assert (await harness.inbox(creator))["items"][0]["kind"] == "payout_failed"
    assert harness.mails_to("late") == []
    from shared.contracts.identity import UserRegistered

    await harness.send(UserRegistered(user_id=creator, email="late@example.com", username="late"))
    [mail] = await harness.mail_to("late")
    assert "Bank closed" in message_text(mail)


async def test_payouts_and_lost_disputes_mail_the_creator_won_ones_do_not(harness: Any) -> None:
    from shared.contracts.billing import DisputeClosed
    from shared.contracts.payouts import PayoutPaid

    creator = await harness.user("carla")
    buyer = await harness.user("bob")
    await harness.send(
        PayoutPaid(
            payout_id="po_1", creator_id=creator, amount=4250, currency="usd", stripe_transfer="tr"
        )
    )
    paid = await harness.mail_to("carla")
    assert "Payout of $42.50 sent" in message_text(paid[0])
    assert paid[0]["List-Unsubscribe"] is None
    dispute = {
        "transaction_id": "tx1",
        "dispute_id": "dp_1",
        "creator_id": creator,
        "amount": 1079,
        "creator_amount": 699,
        "currency": "usd",
        "buyer_id": buyer,
        "persona_id": "persona-1",
    }
    await harness.send(DisputeClosed(status="won", **dispute))
    await harness.send(DisputeClosed(status="lost", **{**dispute, "dispute_id": "dp_2"}))
    await harness.mail_settled()
    to_buyer = harness.mails_to("bob")
    assert len(to_buyer) == 1 and "Chargeback: $10.79" in message_text(to_buyer[0])
    to_creator = harness.mails_to("carla")
    assert len(to_creator) == 2 and "$6.99" in message_text(to_creator[1])
    kinds = [n["kind"] for n in (await harness.inbox(creator))["items"]]
    assert kinds == ["dispute_lost", "payout_paid"]
