"""Annual earnings statements as CSV and PDF (fpdf2), from the month-by-month figures."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from shared.money import decimal

from payouts.queries import MonthFigures

TAX_NOTE = (
    "This statement is for your records and is not a tax form. Creators are paid through "
    "Stripe Connect: for connected accounts, Stripe issues the Form 1099 (1099-K or 1099-NEC "
    "where required) and makes it available in your Stripe Express dashboard."
)
DEFINITIONS = (
    "Gross sales: what buyers paid (before tax). Fees: the platform's share, less the part "
    "returned with refunds. Refunds: buyer money refunded or lost to disputes, before tax (less "
    "disputes won). Net earnings = gross sales - fees - refunds. Payouts: transfers to your Stripe "
    "account, less any that failed or were reversed. Months are calendar months in UTC."
)


@dataclass
class Statement:
    creator_id: str
    year: int
    currency: str
    months: list[MonthFigures]
    generated_at: datetime

    @property
    def total(self) -> MonthFigures:
        t = MonthFigures("total")
        for m in self.months:
            t.gross += m.gross
            t.fees += m.fees
            t.refunds += m.refunds
            t.net += m.net
            t.payouts += m.payouts
        return t

    @property
    def filename(self) -> str:
        return f"earnings-statement-{self.year}-{self.currency}"


HEADER = ["month", "gross_sales", "fees", "refunds", "net_earnings", "payouts", "currency"]


def to_csv(s: Statement) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    for m in [*s.months, s.total]:
        w.writerow(
            [
                m.month,
                *(decimal(v, s.currency) for v in (m.gross, m.fees, m.refunds, m.net, m.payouts)),
                s.currency.upper(),
            ]
        )
    w.writerow(["note", TAX_NOTE])
    return buf.getvalue()


def to_pdf(s: Statement) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"Earnings statement {s.year}")
    pdf.set_creator("Personas")
    pdf.set_creation_date(s.generated_at)
    # Text is left uncompressed: statements are a few kilobytes, and readable streams let the
    # tests (and anyone with a text editor) check what a statement says.
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, f"Annual earnings statement {s.year}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, f"Creator: {s.creator_id}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(
        0,
        6,
        f"Currency: {s.currency.upper()}    Generated: {s.generated_at:%Y-%m-%d %H:%M} UTC",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(4)
    labels = ["Month", "Gross sales", "Fees", "Refunds", "Net earnings", "Payouts"]
    pdf.set_font("Helvetica", "", 10)
    with pdf.table(
        col_widths=(22, 30, 30, 30, 30, 30), text_align=("LEFT",) + ("RIGHT",) * 5
    ) as table:
        table.row(labels)
        for m in [*s.months, s.total]:
            table.row(
                [
                    "Total" if m.month == "total" else m.month,
                    *(
                        decimal(v, s.currency)
                        for v in (m.gross, m.fees, m.refunds, m.net, m.payouts)
                    ),
                ]
            )
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Tax forms (1099)", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, TAX_NOTE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.multi_cell(0, 5, DEFINITIONS, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
