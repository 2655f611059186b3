"""The steps of ``make demo``, in order, on a running stack (see ``devstack.demo``).

The services run in-process against the stack's Azurite and emulators with the same handlers the
functions use; people answer through the real bot endpoint of the Functions runner. The demo clock
can move forward, so the outcome cards (due after a conversation) come in the same run.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx

from devstack import demo_people as people
from devstack.demo_overlap import hours_by_user, pairs_without_overlap
from devstack.stack import Stack
from shared.container import Container
from shared.services.card_records import CARDS, CardKind
from shared.services.scheduling_records import SERIES, active_pairs

Tick = Callable[[int], None]
SETTLED = {"active", "no-slot", "no-overlap", "no-mailbox"}
UNPLACED = {"no-slot", "no-overlap"}  # no series: the demo tells apart hours that never meet from full calendars
LANGUAGE_NAMES = {"en": "English", "de": "German", "ja": "Japanese"}
ANSWER_RATE = 0.85  # "most people" answer their prep card; the rest stay silent
LOG_RATE = 0.85  # most managers log the outcome; the others' conversations end up overdue, then missed


class ShiftedClock:
    """The real clock plus an offset the demo moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class Demo:
    stack: Stack
    container: Container
    clock: ShiftedClock
    http: httpx.AsyncClient
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def tenant(self) -> str:
        return self.container.settings.tenant_id or ""

    def cards(self, kind: CardKind, status: str = "sent") -> list[Any]:
        rows = self.container.store.query(CARDS)
        return [r for r in rows if r.data.get("kind") == kind and r.data["status"] == status]

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


async def each(items: Iterable[Any], act: Callable[[Any], Awaitable[None]], tick: Tick) -> None:
    for n, item in enumerate(items, start=1):
        await act(item)
        tick(n)


async def schedule(demo: Demo, tick: Tick) -> int:
    from shared.container.scheduling import context_from, planner_from
    from shared.services.scheduling_handlers import run_cycle

    c = demo.container
    await run_cycle(context_from(c, "demo"), c.queues, planner_from(c))
    pairs = [(p.manager_id, p.report_id) for p in active_pairs(c.store)]
    demo.counts |= pair_counts(c, pairs, set(await pairs_apart(demo, pairs)))
    tick(demo.counts["series"])
    return demo.counts["series"]


def pair_counts(c: Container, pairs: list[tuple[str, str]], apart: set[tuple[str, str]]) -> dict[str, int]:
    """Every active pair once: with a series, or why not. "No overlapping working hours" is read from both
    people's mailbox hours (each in their own zone), apart from "no free slot", where hours overlap."""
    records = {(r.partition, r.row): str(r.data.get("state")) for r in c.store.query(SERIES)}
    states = {pair: records.get(pair, "not planned yet") for pair in pairs}
    counts = {
        "pairs": len(pairs),
        "series": sum(1 for state in states.values() if state == "active"),
        "pairs with no overlapping working hours": sum(1 for p, s in states.items() if s in UNPLACED and p in apart),
        "pairs with no free slot (hours overlap)": sum(
            1 for p, s in states.items() if s in UNPLACED and p not in apart
        ),
        "pairs where a mailbox is missing": sum(1 for state in states.values() if state == "no-mailbox"),
    }
    others = Counter(state for state in states.values() if state not in SETTLED)
    counts |= {f"pairs {state}": n for state, n in sorted(others.items())}
    if wrong := sum(1 for p, s in states.items() if s == "active" and p in apart):
        counts["series outside someone's working hours"] = wrong
    return counts


async def pairs_apart(demo: Demo, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs whose working hours (in the emulator's tenant, each in their own zone) never overlap this week."""
    answer = await demo.http.get(f"{demo.stack.graph_root}/_emulator/tenant/file")
    answer.raise_for_status()
    now = demo.clock.now()
    monday = datetime.combine((now - timedelta(days=now.weekday())).date(), time(), tzinfo=UTC)
    return pairs_without_overlap(pairs, hours_by_user(answer.json()), monday)


def soon_employees(demo: Demo) -> list[str]:
    """Reports whose first conversation is inside the prep-card lead time."""
    now, lead = demo.clock.now(), timedelta(days=demo.container.settings.card_lead_days)
    rows = demo.container.store.query(SERIES)
    starts = ((r.row, r.data.get("first_start")) for r in rows if r.data.get("state") == "active")
    return [emp for emp, first in starts if first and now < datetime.fromisoformat(str(first)) <= now + lead]


async def micro_needs(demo: Demo, employees: list[str], tick: Tick) -> None:
    async def note(employee: str) -> None:
        if demo.rng.random() < ANSWER_RATE:
            talk = await people.open_chat(demo.http, demo.stack.connector_url, employee, demo.tenant)
            for need in people.micro_needs(demo.rng.randrange(100)):
                status = await people.say(demo.http, demo.stack.bot_endpoint, talk, f"add a micro-need: {need}")
                demo.add("micro-needs added" if status < 300 else "micro-need failed")

    await each(employees, note, tick)


async def send_due_cards(demo: Demo) -> None:
    from shared.cli.cards import run_cards

    summary = await run_cards(demo.container)
    demo.add("cards failed", summary.failed)
    for channel, n in summary.cards_by_channel.items():
        demo.add(f"cards by {channel}", n)
    for language, n in summary.cards_by_language.items():
        demo.add(f"cards in {LANGUAGE_NAMES.get(language, language)}", n)


def sent_card(demo: Demo, user_id: str, wanted: str) -> dict[str, Any] | None:
    """The card as the connector received it (the newest one carrying ``wanted`` as its cardId)."""
    row = demo.container.store.find("conversations", user_id, "teams")
    if row is None:
        return None
    params = {"conversationId": row.data["conversation_id"]}
    sent = httpx.get(f"{demo.stack.connector_url}_emulator/sent", params=params)
    for item in reversed(sent.json()["sent"]):
        for attachment in (item.get("activity") or {}).get("attachments") or []:
            if wanted in json.dumps(attachment.get("content")):
                return dict(attachment["content"])
    return None


async def talk_for(demo: Demo, user_id: str) -> people.Talk:
    """The person's chat as the messenger stored it (a card invoke is answered in the HTTP response)."""
    row = demo.container.store.find("conversations", user_id, "teams")
    if row is not None:
        return people.Talk(user_id, str(row.data["conversation_id"]), demo.stack.connector_url, demo.tenant)
    return await people.open_chat(demo.http, demo.stack.connector_url, user_id, demo.tenant)


async def answer_preps(demo: Demo, tick: Tick) -> None:
    async def answer(row: Any) -> None:
        employee, cid = str(row.data["recipient_id"]), row.partition
        card = sent_card(demo, employee, cid)
        if card is None or demo.rng.random() >= ANSWER_RATE:
            return
        title = await people.press(demo.http, demo.stack.bot_endpoint, await talk_for(demo, employee),
                                   "prep.submit", people.prep_answer(card, cid, demo.rng.randrange(100)))  # fmt: skip
        demo.add("preps submitted" if title == "Saved" else f"prep answer: {title}")

    await each(demo.cards(CardKind.PREP), answer, tick)


async def log_outcomes(demo: Demo, tick: Tick) -> None:
    initiatives = [i.id for i in demo.container.company.org_agenda.initiatives]
    due = (demo.clock.now() + timedelta(days=60)).date().isoformat()

    async def log(row: Any) -> None:
        manager, cid = str(row.data["recipient_id"]), row.partition
        if demo.rng.random() >= LOG_RATE:
            demo.add("outcomes not logged")
            return
        data = people.outcome_answer(cid, str(row.data["employee_id"]), demo.rng.choice(initiatives), due,
                                     demo.rng.randrange(100))  # fmt: skip
        title = await people.press(demo.http, demo.stack.bot_endpoint, await talk_for(demo, manager),
                                   "outcome.log", data)  # fmt: skip
        demo.add("outcomes logged" if title == "Saved" else f"outcome log: {title}")

    await each(demo.cards(CardKind.OUTCOME), log, tick)


async def card_sent(demo: Demo, cid: str, wait_s: float = 60.0) -> bool:
    """Whether the card went out; the Functions runner may still be sending it (its queue trigger), so wait a bit."""
    for _ in range(int(wait_s / 0.5)):
        found = demo.container.store.find(CARDS, cid, "card")
        if found is not None and found.data.get("status") in ("sent", "submitted"):
            return True
        await asyncio.sleep(0.5)
    return False


async def export(demo: Demo) -> dict[str, int]:
    from shared.services.export_outcomes import export_outcomes

    c = demo.container
    try:
        report = await export_outcomes(c.store, c.workbook, c.clock.now(), c.telemetry)
    finally:
        await c.workbook.aclose()
    return dict(report.appended)
