"""The manager's no-slot card on fakes: its content, queueing it once, and "Book this time" (once, by its manager
only, refused clearly when the options are stale)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

import pytest

from shared.adapters.cards.renderer import render_card
from shared.adapters.cards.validate import check_card
from shared.adapters.teams.views import card_for
from shared.container.cards import render_kind
from shared.domain.company import CompanyConfig
from shared.ports.messenger import ConversationRef, Recipient
from shared.services.card_actions import Verdict
from shared.services.card_delivery import CardDeps, deliver_card
from shared.services.card_rate import CardRateLimiter
from shared.services.card_records import CardKind, CardStatus, card_id, find_card
from shared.services.no_slot_booking import WHY, book_option
from shared.services.no_slot_cards import SEND_CARD, enqueue_no_slot_cards, occurrence_id
from shared.services.scheduling_bookings import BOOKINGS
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, SERIES, person_row
from shared.services.send_cards import SendResult
from tests.fakes.calendar import SimulatedCrash
from tests.unit.scheduling_world import NOW, World, people

pytestmark = pytest.mark.unit
SID = "series-m1-r1"
# Tue 2 Jun 2026 06:00 UTC is 08:00 in Berlin (CEST); the manager, Ann, works in W. Europe Standard Time.
OPTIONS = [
    (NOW + timedelta(days=1), ("Bob",)),
    (NOW + timedelta(days=2, hours=11, minutes=30), ("Ann Manager",)),
    (NOW + timedelta(days=3, hours=-0.5), ("Ann Manager", "Bob")),
]


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


class Messenger:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Mapping[str, Any]]] = []

    async def ensure_conversation(self, user: Recipient, *, refresh: bool = False) -> ConversationRef:
        return ConversationRef(user.user_id, f"conv-{user.user_id}", "http://127.0.0.1/")

    def stored_keys(self, user: Recipient) -> list[tuple[str, str, str]]:
        return []  # it stores nothing

    async def send_card(self, ref: ConversationRef, card: Mapping[str, Any], message_id: str) -> None:
        self.sent.append((ref.conversation_id, card))


def no_slot_world(state: str = "no-slot") -> World:
    world = World()
    for person in people():
        world.store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, person_row(person))
    closest = [
        {"start": s.isoformat(), "end": (s + timedelta(minutes=30)).isoformat(), "outside": list(o)} for s, o in OPTIONS
    ]
    reason = "no free 30-minute slot inside both working hours in the next 4 weeks"
    data = {"state": state, "series_id": SID, "reason": reason, "closest": json.dumps(closest)}
    world.store.upsert(SERIES, "m1", "r1", data)
    return world


def deps(world: World, messenger: Messenger) -> CardDeps:
    async def no_wait(_: float) -> None:
        return None

    limiter = CardRateLimiter(sleep=no_wait)
    return CardDeps(world.store, messenger, Clock(), limiter, cast(CompanyConfig, None), render_kind)


async def sent_card(world: World) -> tuple[str, Mapping[str, Any]]:
    """Queue and deliver the no-slot card; its id and the card the manager got."""
    assert enqueue_no_slot_cards(world.store, world.queues, NOW) == 1
    messenger = Messenger()
    (body,) = world.drain(SEND_CARD)
    assert await deliver_card(deps(world, messenger), body) is SendResult.SENT
    (sent,) = messenger.sent
    return card_id(str(body["occurrence_id"]), CardKind.NO_SLOT), sent[1]


def texts(card: Any) -> str:
    return json.dumps(card, ensure_ascii=False)


def book_actions(card: Mapping[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


async def book(world: World, cid: str, actor: str, option: Any = 1, clock: Clock | None = None) -> Any:
    return await book_option(world.store, clock or Clock(), {"cardId": cid, "option": option}, actor, world.ctx)


async def test_the_card_names_the_report_the_reason_and_three_options_in_the_managers_zone() -> None:
    world = no_slot_world()
    cid, card = await sent_card(world)
    check_card(dict(card))  # Adaptive Cards 1.5 schema and the 28 KB limit
    text = texts(card)
    assert "Bob" in text and "no free 30-minute slot inside both working hours" in text
    assert "Europe/Berlin" in text
    assert "Tue 02 Jun 2026, 08:00–08:30" in text  # 06:00 UTC in Berlin summer time
    assert "Wed 03 Jun 2026, 19:30–20:00" in text and "Thu 04 Jun 2026, 07:30–08:00" in text
    assert "Outside the working hours of Ann Manager and Bob." in text
    actions = book_actions(card)
    assert [a["title"] for a in actions] == ["Book this time"] * 3
    assert [a["data"] for a in actions] == [{"cardId": cid, "option": n} for n in (1, 2, 3)]  # ids only
    assert {a["verb"] for a in actions} == {"noslot.book"}
    row = find_card(world.store, cid)
    assert row is not None and row.recipient_id == "m1" and row.employee_id == "r1"
    assert "closest" not in json.dumps(row.to_data()) and "Bob" not in json.dumps(row.to_data())


def test_the_sample_data_renders_to_a_valid_card() -> None:
    from shared.adapters.cards.renderer import TEMPLATE_DIR

    sample = json.loads((TEMPLATE_DIR / "no-slot.data.json").read_text(encoding="utf-8"))
    check_card(render_card("no-slot", sample))


async def test_the_card_is_queued_once_per_recorded_options() -> None:
    world = no_slot_world()
    await sent_card(world)
    assert enqueue_no_slot_cards(world.store, world.queues, NOW) == 0  # same options: never twice
    assert world.drain(SEND_CARD) == []
    row = world.store.find(SERIES, "m1", "r1")
    assert row is not None
    world.store.upsert(SERIES, "m1", "r1", {**row.data, "reason": "no overlap of working hours"})
    assert enqueue_no_slot_cards(world.store, world.queues, NOW) == 1  # a new record: a new card
    (body,) = world.drain(SEND_CARD)
    assert body["template_data"] == {"managerId": "m1"} and body["recipient_id"] == "m1"


def test_pairs_that_are_scheduled_or_have_only_past_options_get_no_card() -> None:
    world = no_slot_world()
    assert enqueue_no_slot_cards(world.store, world.queues, NOW + timedelta(days=4)) == 0
    world.store.upsert(SERIES, "m1", "r1", {"state": "active", "series_id": SID})
    assert enqueue_no_slot_cards(world.store, world.queues, NOW) == 0


async def test_booking_creates_one_series_at_the_chosen_time_and_records_it() -> None:
    world = no_slot_world()
    cid, _ = await sent_card(world)
    start = OPTIONS[1][0]
    reply = await book(world, cid, "m1", 2)
    assert reply.verdict is Verdict.ACCEPTED, reply.message
    (series,) = world.calendar.live_series("m1")
    assert series.series_id == SID and series.first_start == start
    assert series.attendee_upns == ("bob@x.test",)
    row = world.store.find(SERIES, "m1", "r1")
    assert row is not None and row.data["state"] == "active" and row.data["event_id"] == series.event_id
    assert row.data["why"] == f"{WHY} (outside: Ann Manager)"
    assert row.data["first_start"] == start.isoformat()
    assert {r.partition for r in world.store.query(BOOKINGS)} == {"m1", "r1"}  # the ledger holds the time
    booked = card_for(reply)
    check_card(booked)
    assert "Booked: Wed 03 Jun 2026, 19:30–20:00 (Europe/Berlin)" in texts(booked)
    assert book_actions(booked) == []
    card = find_card(world.store, cid)
    assert card is not None and card.status is CardStatus.SUBMITTED


async def test_a_double_click_books_once() -> None:
    world = no_slot_world()
    cid, _ = await sent_card(world)
    first = await book(world, cid, "m1", 1)
    again = await book(world, cid, "m1", 1)
    other = await book(world, cid, "m1", 3)
    assert first.verdict is Verdict.ACCEPTED
    assert again.verdict is Verdict.READ_ONLY and "Already booked: Tue 02 Jun 2026, 08:00–08:30" in again.message
    assert other.verdict is Verdict.READ_ONLY
    assert len(world.calendar.live_series("m1")) == 1
    assert world.calendar.calls.count("create_series_many") == 1


async def test_a_click_racing_a_claimed_card_books_nothing() -> None:
    world = no_slot_world()
    cid, _ = await sent_card(world)
    card = find_card(world.store, cid)
    assert card is not None and card.record is not None
    world.store.update(card.record, {**card.record.data, "claimed_at": NOW.isoformat()})  # another click holds it
    reply = await book(world, cid, "m1", 1)
    assert reply.verdict is Verdict.REFUSED and "already submitted" in reply.message
    assert world.calendar.live_series("m1") == [] and world.store.query(BOOKINGS) == []


async def test_a_retry_after_a_crash_finds_the_series_and_does_not_create_another() -> None:
    world = no_slot_world()
    cid, _ = await sent_card(world)
    world.calendar.crash_after_create = True
    with pytest.raises(SimulatedCrash):
        await book(world, cid, "m1", 1)
    world.calendar.crash_after_create = False
    row = world.store.find(SERIES, "m1", "r1")
    assert row is not None and row.data["state"] == "no-slot"  # nothing recorded yet
    reply = await book(world, cid, "m1", 1)
    assert reply.verdict is Verdict.ACCEPTED, reply.message
    assert len(world.calendar.live_series("m1")) == 1


async def test_a_forged_click_from_another_user_is_refused_with_nothing_written() -> None:
    world = no_slot_world()
    cid, _ = await sent_card(world)
    before = {table: world.store.query(table) for table in (SERIES, BOOKINGS, "cards")}
    for actor in ("r1", "m2", None):
        reply = await book(world, cid, cast(str, actor), 1)
        assert reply.verdict is Verdict.REFUSED and "sent to someone else" in reply.message
    forged_id = await book(world, "not-a-card", "m1", 1)
    assert forged_id.verdict is Verdict.REFUSED
    assert world.calendar.live_series("m1") == [] and world.calendar.calls == []
    assert {table: world.store.query(table) for table in before} == before


async def test_a_stale_option_is_refused_clearly() -> None:
    world = no_slot_world()
    cid, _ = await sent_card(world)
    world.store.upsert(SERIES, "m1", "r1", {"state": "active", "series_id": SID, "event_id": "e-1"})
    reply = await book(world, cid, "m1", 1)
    assert reply.verdict is Verdict.REFUSED
    assert reply.message == "This pair is no longer waiting for a time (it is active). Nothing was booked."
    assert world.calendar.live_series("m1") == [] and world.store.query(BOOKINGS) == []
    card = find_card(world.store, cid)
    assert card is not None and card.status is CardStatus.SENT and card.claimed_at() is None


@pytest.mark.parametrize(
    ("option", "at", "message"),
    [
        (7, NOW, "That option is not on this card"),
        ("x", NOW, "That option is not on this card"),
        (1, NOW + timedelta(days=1, minutes=5), "That time has already passed"),
    ],
)
async def test_an_unknown_or_past_option_is_refused(option: Any, at: datetime, message: str) -> None:
    world = no_slot_world()
    cid, _ = await sent_card(world)
    reply = await book(world, cid, "m1", option, Clock(at))
    assert reply.verdict is Verdict.REFUSED and reply.message.startswith(message)
    assert world.calendar.live_series("m1") == []


async def test_new_options_make_the_old_card_out_of_date() -> None:
    world = no_slot_world()
    cid, _ = await sent_card(world)
    row = world.store.find(SERIES, "m1", "r1")
    assert row is not None
    world.store.upsert(SERIES, "m1", "r1", {**row.data, "closest": "[]"})
    reply = await book(world, cid, "m1", 1)
    assert reply.verdict is Verdict.REFUSED and "out of date" in reply.message
    assert world.calendar.live_series("m1") == []


async def test_a_pair_that_ended_is_refused() -> None:
    world = no_slot_world()
    cid, _ = await sent_card(world)
    bob = next(p for p in people() if p.id == "r1")
    world.store.upsert(PEOPLE, PEOPLE_PARTITION, "r1", {**person_row(bob), "manager_id": "m2"})
    reply = await book(world, cid, "m1", 1)
    assert reply.verdict is Verdict.REFUSED and "reporting line has changed" in reply.message
    assert world.calendar.live_series("m1") == []


def test_the_occurrence_id_follows_the_record() -> None:
    first = {"state": "no-slot", "series_id": SID, "reason": "a", "closest": "[]"}
    assert occurrence_id("m1", "r1", first) == occurrence_id("m1", "r1", {**first, "checked_at": "later"})
    assert occurrence_id("m1", "r1", first) != occurrence_id("m1", "r1", {**first, "reason": "b"})
