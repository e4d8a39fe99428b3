"""Test switches under `/_emulator/...` (JSON in, JSON out, no API key needed).

They drive what a real customer, bank or card network would do (pay, dispute, settle),
and bend webhook delivery (duplicates, reverse order, pauses) so the receiving services
can be tested against Stripe's delivery guarantees, which are weak on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from . import checkout, connect, disputes
from .api_common import Emulator, emulator, error_response
from .errors import StripeError, invalid
from .store import Obj, public

router = APIRouter(prefix="/_emulator")


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise invalid("Request body must be JSON") from exc
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object")
    return body


async def _locked(request: Request, op: Callable[[Emulator, dict[str, Any]], Any]) -> Response:
    """Run `op` under the state lock; render its result, or its StripeError."""
    emu = emulator(request)
    try:
        body = await _body(request)
        async with emu.store.lock:
            result = op(emu, body)
        return JSONResponse(public(result))
    except StripeError as err:
        return error_response(err)


def _webhook_config(emu: Emulator) -> Obj:
    w = emu.webhooks
    return {
        "urls": list(w.urls),
        "secret": w.secret,
        "duplicate": w.duplicate,
        "holding": w.holding,
        "paused": w.paused,
        **w.stats(),
    }


@router.get("/health")
async def health() -> Obj:
    return {"ok": True}


@router.post("/reset")
async def reset(request: Request) -> Response:
    def op(emu: Emulator, _: dict[str, Any]) -> Obj:
        emu.store.reset()
        emu.webhooks.reset()
        return {"ok": True}

    return await _locked(request, op)


# -- webhooks -----------------------------------------------------------------------


@router.get("/webhooks")
async def get_webhooks(request: Request) -> Obj:
    return _webhook_config(emulator(request))


@router.api_route("/webhooks", methods=["PUT", "POST"])
async def configure_webhooks(request: Request) -> Response:
    def op(emu: Emulator, body: dict[str, Any]) -> Obj:
        urls = body.get("urls")
        if urls is not None and not (
            isinstance(urls, list) and all(isinstance(u, str) for u in urls)
        ):
            raise invalid("`urls` must be a list of strings", param="urls")
        emu.webhooks.configure(urls=urls, secret=body.get("secret"))
        return _webhook_config(emu)

    return await _locked(request, op)


@router.post("/webhooks/duplicate")
async def duplicate(request: Request) -> Response:
    def op(emu: Emulator, body: dict[str, Any]) -> Obj:
        emu.webhooks.duplicate = bool(body.get("enabled", True))
        return _webhook_config(emu)

    return await _locked(request, op)


@router.post("/webhooks/release")
async def release(request: Request) -> Response:
    def op(emu: Emulator, body: dict[str, Any]) -> Obj:
        order = body.get("order", "reverse")
        if order not in ("reverse", "original"):
            raise invalid("`order` must be `reverse` or `original`", param="order")
        return {"released": emu.webhooks.release(order)}

    return await _locked(request, op)


@router.get("/webhooks/attempts")
async def attempts(request: Request) -> Obj:
    q = request.query_params
    data = [
        a
        for a in emulator(request).webhooks.attempts
        if all(q.get(k) in (None, a[k]) for k in ("event_id", "url", "event_type"))
    ]
    return {"object": "list", "data": data}


@router.post("/webhooks/wait")
async def wait_idle(request: Request) -> Response:
    """Block until nothing is queued, in flight or waiting to be retried (or timeout)."""
    emu = emulator(request)
    try:
        body = await _body(request)
        idle = await emu.webhooks.wait_idle(float(body.get("timeout", 10)))
    except StripeError as err:
        return error_response(err)
    return JSONResponse({"idle": idle, **emu.webhooks.stats()})


# -- payments -------------------------------------------------------------------------


# After every other POST /webhooks/<name>: the switches without a body.
@router.post("/webhooks/{switch}")
async def webhook_switch(request: Request, switch: Literal["hold", "pause", "resume"]) -> Response:
    """`hold` keeps deliveries back until `release`; `pause` stops the workers until `resume`."""

    def op(emu: Emulator, _: dict[str, Any]) -> Obj:
        getattr(emu.webhooks, switch)()
        return _webhook_config(emu)

    return await _locked(request, op)


@router.post("/checkout/sessions/{session_id}/pay")
async def pay(request: Request, session_id: str) -> Response:
    def op(emu: Emulator, body: dict[str, Any]) -> Obj:
        number = str(body.get("card", "4242424242424242"))
        amex = number.replace(" ", "").startswith(("34", "37"))
        outcome = checkout.pay_session(
            emu.store,
            emu.settings,
            session_id,
            email=body.get("email") or "customer@example.com",
            name=body.get("name"),
            number=number,
            expiry=str(body.get("exp", f"12/{(date.today().year + 3) % 100:02d}")),
            cvc=str(body.get("cvc", "1234" if amex else "123")),
        )
        return {
            "session": outcome.session,
            "payment_intent": outcome.payment_intent,
            "charge": outcome.charge,
            "redirect_url": outcome.redirect_url,
        }

    return await _locked(request, op)


@router.post("/checkout/sessions/{session_id}/async_payment")
async def async_payment(request: Request, session_id: str) -> Response:
    return await _locked(
        request,
        lambda emu, body: checkout.complete_async_payment(
            emu.store, session_id, str(body.get("outcome", ""))
        ),
    )


@router.post("/charges/{charge_id}/dispute")
async def dispute(request: Request, charge_id: str) -> Response:
    def op(emu: Emulator, body: dict[str, Any]) -> Obj:
        amount = body.get("amount")
        return disputes.open_dispute(
            emu.store,
            charge_id,
            reason=str(body.get("reason", "fraudulent")),
            amount=int(amount) if amount is not None else None,
        )

    return await _locked(request, op)


@router.post("/disputes/{dispute_id}/close")
async def close_dispute(request: Request, dispute_id: str) -> Response:
    return await _locked(
        request,
        lambda emu, body: disputes.close_dispute(
            emu.store, dispute_id, str(body.get("outcome", ""))
        ),
    )


# -- connect ------------------------------------------------------------------------


@router.post("/accounts/{account_id}/onboard")
async def onboard(request: Request, account_id: str) -> Response:
    return await _locked(request, lambda emu, _: connect.complete_onboarding(emu.store, account_id))


@router.post("/transfers/fail_next")
async def fail_next_transfer(request: Request) -> Response:
    def op(emu: Emulator, body: dict[str, Any]) -> Obj:
        connect.fail_next_transfer(
            emu.store, body.get("destination"), body.get("code"), body.get("message")
        )
        return {"pending_failures": [vars(r) for r in emu.store.transfer_fail_rules]}

    return await _locked(request, op)


@router.post("/transfers/{transfer_id}/reverse")
async def reverse_transfer(request: Request, transfer_id: str) -> Response:
    def op(emu: Emulator, body: dict[str, Any]) -> Obj:
        amount = body.get("amount")
        return connect.reverse_transfer(
            emu.store,
            transfer_id,
            amount=int(amount) if amount is not None else None,
            metadata={str(k): str(v) for k, v in (body.get("metadata") or {}).items()},
        )

    return await _locked(request, op)


@router.post("/transfers/{transfer_id}/fail")
async def fail_transfer(request: Request, transfer_id: str) -> Response:
    """The destination could not take the funds: the whole unreversed amount comes back."""

    def op(emu: Emulator, body: dict[str, Any]) -> Obj:
        return connect.reverse_transfer(
            emu.store,
            transfer_id,
            amount=None,
            # `reason` is where a platform records why a transfer was reversed (what payouts
            # reads, from real Stripe too); the code is the emulator's own note.
            metadata={
                "emulator_failure_code": str(body.get("code", "account_closed")),
                "reason": str(
                    body.get("message", "The destination account could not receive the funds.")
                ),
            },
        )

    return await _locked(request, op)
