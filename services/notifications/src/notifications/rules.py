"""Who hears about what, as data, and the one handler that turns an event into notices.

The rules are the table in `notices.toml`, read once here into `Rule`s: each names one recipient
of an event (a fact holding a user id, or a list of them), the category and kind, and the words:
`str.format` templates filled from the event's facts (its own fields, plus what the event's facts
function looks up or works out). `@notices(EventClass)` on a facts function registers the
event's rules on the `notifications.events` queue; each notice goes through `deliver`, which
honours preferences, groups, de-duplicates by source and queues mail. The dedupe key is the
event id, plus the rule's `role` when one event tells two people.
"""

from __future__ import annotations

import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, TypeVar, overload

import asyncpg
from shared.events import Envelope, Event
from shared.uow import UnitOfWork

from notifications.deliver import Mail, Notice, deliver
from notifications.subscription import events
from notifications.texts import PAGES

E = TypeVar("E", bound=Event)
E2 = TypeVar("E2", bound=Event)
Facts = dict[str, Any]
# Looks up and works out what the words need; None: nobody hears about this event.
FactsOf = Callable[[E, Envelope, asyncpg.Connection], Awaitable[Facts | None]]


class IfAny(str):
    """A mail line or detail value left out when it comes out empty."""


@dataclass(frozen=True)
class Letter:
    """The e-mail of a rule (templates, like the rule's); subject and heading default to the
    rule's title."""

    subject: str = ""
    heading: str = ""
    lines: tuple[str, ...] = ()
    details: tuple[tuple[str, str], ...] = ()
    action: tuple[str, str] | None = None  # (label, link)


@dataclass(frozen=True)
class Rule:
    to: str  # the fact naming the recipient: a user id or a list of them; empty = nobody
    category: str
    kind: str
    title: str
    link: str | None = None
    body: str = ""
    # Facts copied into the notice's data; "amount=creator_revenue" stores a fact under a new key.
    data: tuple[str, ...] = ()
    role: str = ""
    mail: Letter | None = None
    group: tuple[str, str] | None = None  # (group key, group title with `{count}`)


def _text(template: str, facts: Facts) -> str:
    return template.format_map(facts)


def _kept(templates: tuple[str, ...], facts: Facts) -> list[str]:
    filled = ((t, _text(t, facts)) for t in templates)
    return [text for t, text in filled if text or not isinstance(t, IfAny)]


def _mail(letter: Letter, title: str, facts: Facts) -> Mail:
    details = [(label, text) for label, t in letter.details for text in _kept((t,), facts)]
    return Mail(
        subject=_text(letter.subject or title, facts),
        heading=_text(letter.heading or title, facts),
        lines=_kept(letter.lines, facts),
        details=details,
        action=(letter.action[0], _text(letter.action[1], facts)) if letter.action else None,
    )


def notices_for(rule: Rule, facts: Facts, env: Envelope) -> list[Notice]:
    """The notices one rule makes of an event's facts: one for each recipient."""
    to = facts[rule.to]
    recipients = [to] if isinstance(to, str) or to is None else list(to)
    data = {}
    for item in rule.data:
        key, _, fact = item.partition("=")
        data[key] = facts[fact or key]
    dedupe_key = f"{env.event_id}:{rule.role}" if rule.role else str(env.event_id)
    return [
        Notice(
            user_id=user_id,
            category=rule.category,
            kind=_text(rule.kind, facts),
            title=_text(rule.title, facts),
            body=_text(rule.body, facts),
            link=_text(rule.link, facts) if rule.link is not None else None,
            data=dict(data),
            dedupe_key=dedupe_key,
            group_key=rule.group[0] if rule.group else None,
            group_title=rule.group[1] if rule.group else None,
            mail=_mail(rule.mail, rule.title, facts) if rule.mail else None,
        )
        for user_id in recipients
        if user_id
    ]


def _template(value: str | dict[str, str]) -> str:
    """A template, or `{if_any = "..."}`: one left out when it comes out empty."""
    if isinstance(value, dict):
        (key, template), *more = value.items()
        if key != "if_any" or more:
            raise ValueError(f"notices.toml: {value!r} is not {{if_any = ...}}")
        return IfAny(template)
    return value


def _page(name: str) -> str:
    if name not in PAGES:
        raise ValueError(f"notices.toml: no page {name!r} in texts.PAGES")
    return PAGES[name]


def _letter(table: dict[str, Any]) -> Letter:
    label, page = table.pop("action", (None, None))
    return Letter(
        lines=tuple(_template(t) for t in table.pop("lines", ())),
        details=tuple((lbl, _template(t)) for lbl, t in table.pop("details", ())),
        action=(label, _page(page)) if label else None,
        **table,
    )


def _rule(table: dict[str, Any]) -> Rule:
    table = dict(table)
    link, mail, group = table.pop("link", None), table.pop("mail", None), table.pop("group", None)
    return Rule(
        link=_page(link) if link else None,
        data=tuple(table.pop("data", ())),
        mail=_letter(dict(mail)) if mail is not None else None,
        group=(group[0], group[1]) if group else None,
        **table,
    )


def load_rules(toml: str) -> dict[str, tuple[Rule, ...]]:
    """The rule sets of a `notices.toml`, by name (an unknown field fails here, at import)."""
    return {name: tuple(_rule(t) for t in tables) for name, tables in tomllib.loads(toml).items()}


RULES = load_rules(files("notifications").joinpath("notices.toml").read_text("utf-8"))
USED: set[str] = set()  # the rule sets registered so far (a test checks none is left unused)


@overload
def notices(t1: type[E], /, *, rules: str = "") -> Callable[[FactsOf[E]], FactsOf[E]]: ...
@overload
def notices(
    t1: type[E], t2: type[E2], /, *, rules: str = ""
) -> Callable[[FactsOf[E | E2]], FactsOf[E | E2]]: ...
def notices(*event_types: type[Event], rules: str = "") -> Callable[[FactsOf[Any]], FactsOf[Any]]:
    """Register a facts function for these events: each event's rule set (`rules`, or the
    event class's name) tells whom, in order, what the facts say."""

    def register(facts_of: FactsOf[Any]) -> FactsOf[Any]:
        for event_cls in event_types:
            name = rules or event_cls.__name__
            _handle(event_cls, facts_of, RULES[name])
            USED.add(name)
        return facts_of

    return register


def _handle(event_cls: type[E], facts_of: FactsOf[E], rules: tuple[Rule, ...]) -> None:
    async def handle(e: E, env: Envelope, uow: UnitOfWork) -> None:
        found = await facts_of(e, env, uow.conn)
        if found is None:
            return
        facts = {**e.model_dump(), **found}
        for rule in rules:
            for notice in notices_for(rule, facts, env):
                await deliver(uow.conn, notice)

    handle.__name__ = f"notify_{event_cls.__name__}"
    events.on(event_cls)(handle)
