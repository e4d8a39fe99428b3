"""Hosted HTML pages: checkout (pay or cancel), Connect onboarding, and receipts.

Plain server-rendered forms with proper <label>s, so people and Playwright alike can
find fields by their label ("Email", "Card number", "Expiration date", "CVC").
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from . import checkout, connect
from .api_common import emulator
from .cards import ASYNC_CARD
from .errors import StripeError
from .ids import now
from .money import fmt
from .settings import Settings
from .store import Obj

router = APIRouter()

_CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;
background:#f6f8fa;color:#1a1f36}main{max-width:920px;margin:40px auto;padding:0 20px;display:grid;align-items:start;
gap:32px;grid-template-columns:1fr 1fr}@media(max-width:760px){main{grid-template-columns:1fr}}
.card{background:#fff;border-radius:12px;box-shadow:0 2px 8px rgba(26,31,54,.08);padding:28px}
h1{font-size:1.35rem;margin:0 0 4px}h2{font-size:1rem;color:#697386;font-weight:500;margin:0 0 20px}
.badge{display:inline-block;background:#ffde92;color:#7a4b00;border-radius:4px;font-size:.75rem;
font-weight:600;padding:2px 8px;margin-bottom:12px}table{width:100%;border-collapse:collapse}
td{padding:6px 0}td.amt{text-align:right;white-space:nowrap}tr.total td{border-top:1px solid #e3e8ee;
font-weight:600;padding-top:12px}label{display:block;font-size:.875rem;font-weight:500;margin:14px 0 6px}
input{width:100%;padding:10px 12px;border:1px solid #cfd7df;border-radius:6px;font-size:1rem}
input:focus{outline:2px solid #635bff;border-color:#635bff}.row{display:flex;gap:12px}.row>div{flex:1}
button,.button{display:block;width:100%;margin-top:22px;padding:12px;border:0;border-radius:6px;
background:#635bff;color:#fff;font-size:1rem;font-weight:600;cursor:pointer;text-align:center;
text-decoration:none}button:hover{background:#4f46e5}.error{background:#fdecea;color:#b42318;
border-radius:6px;padding:10px 12px;margin-top:16px}.muted{color:#697386;font-size:.875rem}
a{color:#635bff}.hint{margin-top:20px}.hint code{background:#f0f2f5;padding:1px 5px;border-radius:4px}
.single{grid-template-columns:1fr;max-width:480px}
"""


def _page(title: str, body: str, *, single: bool = False, status: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<main class="{"single" if single else ""}">{body}</main></body></html>'
    )
    return HTMLResponse(html, status_code=status)


def _summary(session: Obj, items: list[Obj]) -> str:
    cur = session["currency"]
    rows = "".join(
        f"<tr><td>{escape(li['description'])} &times; {li['quantity']}</td>"
        f'<td class="amt">{fmt(li["amount_subtotal"], cur)}</td></tr>'
        for li in items
    )
    tax = session["total_details"]["amount_tax"]
    if session["automatic_tax"]["enabled"]:
        rows += (
            f'<tr><td>Subtotal</td><td class="amt">{fmt(session["amount_subtotal"], cur)}</td></tr>'
        )
        rows += f'<tr><td>Tax</td><td class="amt">{fmt(tax, cur)}</td></tr>'
    rows += f'<tr class="total"><td>Total due</td><td class="amt" id="total">{fmt(session["amount_total"], cur)}</td></tr>'
    return (
        '<section class="card"><span class="badge">TEST MODE · Stripe emulator</span>'
        f"<h1>Pay {fmt(session['amount_total'], cur)}</h1><h2>Order summary</h2>"
        f"<table>{rows}</table></section>"
    )


def _checkout_form(session: Obj, error: str | None, form: dict[str, str]) -> str:
    sid = escape(session["id"])
    email = session["customer_email"] or form.get("email", "")
    readonly = " readonly" if session["customer_email"] else ""
    err = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    cancel = (
        f'<p class="muted" style="text-align:center;margin-top:16px">'
        f'<a href="/checkout/{sid}/cancel">Cancel and return</a></p>'
        if session["cancel_url"]
        else ""
    )

    def value(name: str) -> str:
        return escape(form.get(name, ""), quote=True)

    return f"""
<section class="card"><h1>Payment details</h1><h2>All transactions are simulated.</h2>
<form method="post" action="/checkout/{sid}" novalidate>
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" value="{escape(email, quote=True)}"{readonly} required>
<label for="card_number">Card number</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" value="{value("card_number")}" required>
<div class="row"><div><label for="card_expiry">Expiration date</label>
<input id="card_expiry" name="card_expiry" autocomplete="cc-exp" placeholder="MM / YY" value="{value("card_expiry")}" required></div>
<div><label for="card_cvc">CVC</label>
<input id="card_cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123" value="{value("card_cvc")}" required></div></div>
<label for="cardholder_name">Name on card</label>
<input id="cardholder_name" name="cardholder_name" autocomplete="cc-name" value="{value("cardholder_name")}">
{err}
<button type="submit" id="pay">Pay {fmt(session["amount_total"], session["currency"])}</button>
</form>{cancel}
<p class="muted hint">Test cards: <code>4242 4242 4242 4242</code> succeeds,
<code>4000 0000 0000 0002</code> is declined, <code>{" ".join(ASYNC_CARD[i : i + 4] for i in range(0, 16, 4))}</code>
settles later. Any future expiry and any CVC.</p></section>"""


def _closed(session: Obj, settings: Settings) -> HTMLResponse:
    if session["status"] == "complete":
        target = session["success_url"]
        link = (
            f'<a class="button" href="{escape(checkout.redirect_url(settings, session), quote=True)}">Continue</a>'
            if target
            else ""
        )
        note = (
            "Your payment is processing."
            if session["payment_status"] == "unpaid"
            else "Thanks for your payment."
        )
        return _page(
            "Payment complete",
            f'<section class="card"><h1>Payment complete</h1><p>{note}</p>{link}</section>',
            single=True,
        )
    link = (
        f'<a class="button" href="{escape(session["cancel_url"], quote=True)}">Return</a>'
        if session["cancel_url"]
        else ""
    )
    return _page(
        "Session expired",
        f'<section class="card"><h1>This checkout session has expired</h1><p class="muted">Start again from the site you came from.</p>{link}</section>',
        single=True,
    )


def _not_found(what: str) -> HTMLResponse:
    return _page(
        "Not found",
        f'<section class="card"><h1>{escape(what)} not found</h1></section>',
        single=True,
        status=404,
    )


@router.get("/checkout/{session_id}", response_class=HTMLResponse)
async def checkout_page(request: Request, session_id: str) -> Response:
    emu = emulator(request)
    async with emu.store.lock:
        checkout.expire_due(emu.store)
        session = emu.store.find(session_id)
        if session is None or session.get("object") != "checkout.session":
            return _not_found("Checkout session")
        if session["status"] != "open":
            return _closed(session, emu.settings)
        items = emu.store.line_items.get(session_id, [])
        return _page("Checkout", _summary(session, items) + _checkout_form(session, None, {}))


@router.post("/checkout/{session_id}", response_class=HTMLResponse)
async def checkout_submit(request: Request, session_id: str) -> Response:
    emu = emulator(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    async with emu.store.lock:
        session = emu.store.find(session_id)
        if session is None or session.get("object") != "checkout.session":
            return _not_found("Checkout session")
        try:
            outcome = checkout.pay_session(
                emu.store,
                emu.settings,
                session_id,
                email=form.get("email"),
                name=form.get("cardholder_name"),
                number=form.get("card_number", ""),
                expiry=form.get("card_expiry", ""),
                cvc=form.get("card_cvc", ""),
            )
        except StripeError as err:
            if session["status"] != "open":
                return _closed(session, emu.settings)
            items = emu.store.line_items.get(session_id, [])
            body = _summary(session, items) + _checkout_form(session, err.message, form)
            return _page("Checkout", body, status=err.status)
    return RedirectResponse(outcome.redirect_url, status_code=303)


@router.get("/checkout/{session_id}/cancel")
async def checkout_cancel(request: Request, session_id: str) -> Response:
    """The "back" link: the session stays open, the customer goes to cancel_url."""
    emu = emulator(request)
    session = emu.store.find(session_id)
    if session is None or session.get("object") != "checkout.session" or not session["cancel_url"]:
        return _not_found("Checkout session")
    return RedirectResponse(session["cancel_url"], status_code=303)


@router.get("/connect/onboarding/{token}", response_class=HTMLResponse)
async def onboarding_page(request: Request, token: str) -> Response:
    emu = emulator(request)
    link = emu.store.account_links.get(token)
    if link is None:
        return _not_found("Onboarding link")
    if link.used or link.expires_at < now():
        # Stripe sends visitors of stale links to refresh_url to mint a fresh one.
        return RedirectResponse(link.refresh_url, status_code=303)
    acct = emu.store.get("account", link.account)
    email = escape(acct["email"] or "—")
    body = f"""
<section class="card"><span class="badge">TEST MODE · Stripe emulator</span>
<h1>Set up payouts</h1><h2>Account <code>{escape(acct["id"])}</code> · {email}</h2>
<p>In test mode no details are needed. Completing onboarding enables charges, payouts and
transfers for this account.</p>
<form method="post" action="/connect/onboarding/{escape(token)}">
<button type="submit" id="complete">Complete onboarding</button></form>
<p class="muted" style="text-align:center;margin-top:16px">
<a href="/connect/onboarding/{escape(token)}/leave">Return without finishing</a></p></section>"""
    return _page("Onboarding", body, single=True)


@router.post("/connect/onboarding/{token}")
async def onboarding_complete(request: Request, token: str) -> Response:
    emu = emulator(request)
    async with emu.store.lock:
        link = emu.store.account_links.get(token)
        if link is None:
            return _not_found("Onboarding link")
        if link.used or link.expires_at < now():
            return RedirectResponse(link.refresh_url, status_code=303)
        link.used = True
        connect.complete_onboarding(emu.store, link.account)
    return RedirectResponse(link.return_url, status_code=303)


@router.get("/connect/onboarding/{token}/leave")
async def onboarding_leave(request: Request, token: str) -> Response:
    emu = emulator(request)
    link = emu.store.account_links.get(token)
    if link is None:
        return _not_found("Onboarding link")
    link.used = True
    return RedirectResponse(link.return_url, status_code=303)


@router.get("/receipts/{charge_id}", response_class=HTMLResponse)
async def receipt(request: Request, charge_id: str) -> Response:
    ch = emulator(request).store.find(charge_id)
    if ch is None or ch.get("object") != "charge":
        return _not_found("Receipt")
    card = ch["payment_method_details"]["card"]
    body = (
        '<section class="card"><span class="badge">TEST MODE · Stripe emulator</span>'
        f"<h1>Receipt</h1><h2>{escape(ch['id'])}</h2><table>"
        f'<tr><td>Amount</td><td class="amt">{fmt(ch["amount"], ch["currency"])}</td></tr>'
        f'<tr><td>Refunded</td><td class="amt">{fmt(ch["amount_refunded"], ch["currency"])}</td></tr>'
        f'<tr><td>Card</td><td class="amt">{escape(card["brand"])} •••• {escape(card["last4"])}</td></tr>'
        f'<tr class="total"><td>Status</td><td class="amt">{escape(ch["status"])}</td></tr></table></section>'
    )
    return _page("Receipt", body, single=True)
