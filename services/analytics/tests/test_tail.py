"""`python -m analytics tail`: the runnable example consumer of docs/events.md."""

from __future__ import annotations

import asyncio
import json
import uuid

from analytics.tail import tail
from shared.contracts.identity import UserFollowed


async def test_tail_prints_the_chosen_types_from_an_offset(harness, capsys) -> None:
    h = harness
    creator = str(uuid.uuid4())
    p = await h.persona(creator)  # offsets 0 and 1
    await h.publish(UserFollowed(follower_id="f", followee_id=creator))
    first = await h.sale(p, creator, "buyer-1", 700)
    second = await h.sale(p, creator, "buyer-2", 900)
    settings = h.app.state.settings
    printed = await asyncio.wait_for(tail(settings, "first", ["PurchaseCompleted"], limit=2), 20)
    assert printed == 2
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["offset"], x["event_id"]) for x in lines] == [
        (3, str(first.event_id)),
        (4, str(second.event_id)),
    ]
    assert lines[0]["data"]["amount"] == 700
    assert await asyncio.wait_for(tail(settings, "4", [], limit=1), 20) == 1
    assert json.loads(capsys.readouterr().out)["data"]["buyer_id"] == "buyer-2"
