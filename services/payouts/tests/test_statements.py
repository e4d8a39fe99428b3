"""Annual statements (CSV and PDF) from the ledger."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

from shared.contracts.billing import PurchaseCompleted


def purchase(creator: str, txn: str, gross: int, fee: int) -> PurchaseCompleted:
    return PurchaseCompleted(
        transaction_id=txn,
        buyer_id="b",
        persona_id="persona-1",
        creator_id=creator,
        amount=gross,
        currency="usd",
        platform_fee=fee,
        creator_revenue=gross - fee,
        fee_rate_bps=3000,
    )


async def test_annual_statement_csv_and_pdf(harness: Any) -> None:
    creator = str(uuid.uuid4())
    at = lambda *d: datetime(*d, tzinfo=UTC)  # noqa: E731
    await harness.publish(purchase(creator, "t1", 1000, 300), occurred_at=at(2025, 3, 15, 9))
    await harness.publish(purchase(creator, "t2", 2000, 600), occurred_at=at(2025, 11, 2, 9))
    await harness.publish(purchase(creator, "t3", 999, 300), occurred_at=at(2024, 12, 31, 23))
    refund = await harness.refund(
        creator, "t2", 2000, 1400, full=True, occurred_at=at(2025, 11, 20, 9)
    )
    await harness.processed(refund)

    r = await harness.get("/api/earnings/statements/2025", creator, params={"format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="earnings-statement-2025-usd.csv"' in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == [
        "month",
        "gross_sales",
        "fees",
        "refunds",
        "net_earnings",
        "payouts",
        "currency",
    ]
    by_month = {row[0]: row[1:] for row in rows[1:]}
    assert [m for m in by_month if m.startswith("2025-")] == [f"2025-{i:02d}" for i in range(1, 13)]
    assert by_month["2025-03"] == ["10.00", "3.00", "0.00", "7.00", "0.00", "USD"]
    assert by_month["2025-11"] == ["20.00", "0.00", "20.00", "0.00", "0.00", "USD"]
    assert by_month["2025-12"] == ["0.00", "0.00", "0.00", "0.00", "0.00", "USD"]
    assert by_month["total"] == ["30.00", "3.00", "20.00", "7.00", "0.00", "USD"]
    assert "1099" in by_month["note"][0] and "Stripe" in by_month["note"][0]

    r = await harness.get("/api/earnings/statements/2025", creator, params={"format": "pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = r.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    for text in (b"Annual earnings statement 2025", b"Form 1099", b"Stripe", b"30.00", b"7.00"):
        assert text in pdf, text

    # Someone else's statement for that year is all zeros.
    other = await harness.get("/api/earnings/statements/2025", str(uuid.uuid4()))
    assert list(csv.reader(io.StringIO(other.text)))[-2][1:5] == ["0.00"] * 4


async def test_the_statement_counts_payouts_and_refuses_bad_years(harness: Any) -> None:
    creator = str(uuid.uuid4())
    await harness.fund_platform()
    await harness.onboard(creator)
    await harness.processed(await harness.sale(creator, 5000, days_ago=0))
    harness.clock.advance(days=8)
    assert (await harness.post("/api/payouts", creator, json={})).json()["status"] == "paid"
    year = datetime.now(UTC).year
    r = await harness.get(f"/api/earnings/statements/{year}", creator)
    rows = list(csv.reader(io.StringIO(r.text)))
    total = next(row for row in rows if row[0] == "total")
    assert total[1:6] == ["50.00", "15.00", "0.00", "35.00", "35.00"]

    future = harness.clock().year + 1
    r = await harness.get(f"/api/earnings/statements/{future}", creator)
    assert r.status_code == 422 and r.json()["code"] == "future_year"
    assert (await harness.get("/api/earnings/statements/1999", creator)).status_code == 422
    r = await harness.get(f"/api/earnings/statements/{year}", creator, params={"format": "xls"})
    assert r.status_code == 422
