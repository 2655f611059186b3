"""The reminder sweep with fakes: one reminder per missing prep or outcome, to the reminded card's recipient only,
never twice; then overdue (status) and prep overdue/submitted on the conversation record; the reminder card and
its "open" button."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.cards.renderer import render_card
from shared.adapters.cards.validate import check_card
from shared.adapters.config_file import load_company_config
from shared.adapters.telemetry import in_memory_telemetry
from shared.domain.calendar import Occurrence
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_content import Meeting
from shared.services.card_records import (
    CardKind,
    CardRecord,
    CardStatus,
    card_id,
    find_card,
    insert_card,
    mark_sent,
    set_status,
)
from shared.services.conversation_changes import conversation_statuses
from shared.services.conversation_lifecycle import conversation_id, record_conversation
from shared.services.conversation_prep import prep_state
from shared.services.due_cards import SEND_CARD, CardsSweep, occurrence_key, sweep_due_cards
from shared.services.ops_telemetry import card_result, prep_overdue
from shared.services.reminder_cards import open_reminded, reminder_data
from shared.services.scheduling_records import SERIES, load_person
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.unit.test_outcomes_world import FixedClock, seed_pair

pytestmark = pytest.mark.unit
START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
OCC = occurrence_key("ev-1-occ")
CONFIG = load_company_config()


class OneOccurrence:
    """A calendar holding one conversation of grace's series with ada."""

    async def occurrences(self, organizer_id: str, event_id: str, start: datetime, end: datetime) -> list[Occurrence]:
        occ = Occurrence("ev-1-occ", event_id, START, START + timedelta(minutes=45))
        return [occ] if start <= occ.start <= end else []


def world() -> tuple[InMemoryStore, InMemoryQueues]:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada", "Sales")
    store.upsert(SERIES, "grace", "ada", {"event_id": "ev-1", "state": "active"})
    return store, InMemoryQueues()


def sent_card(store: InMemoryStore, kind: CardKind, occurrence: str, recipient: str, at: datetime) -> CardRecord:
    data = {"managerId": "grace", "start": START.isoformat()}
    record = insert_card(store, CardRecord(card_id(occurrence, kind), kind, occurrence, recipient, "ada",
                                           CardStatus.PENDING, data))  # fmt: skip
    return mark_sent(store, record, at)  # as send_cards leaves it (a prep card also gets its agenda-partition row)


def sweep(store: InMemoryStore, queues: InMemoryQueues, now: datetime) -> CardsSweep:
    return asyncio.run(sweep_due_cards(store, OneOccurrence(), queues, now, 3))  # type: ignore[arg-type]


def reminders(queues: InMemoryQueues, now: datetime) -> list[dict[str, Any]]:
    """The reminder messages queued (the latest sweep's, once the earlier ones were drained)."""
    return [m.body for m in queues.receive(SEND_CARD, 32) if m.body["kind"] == "reminder"]


def deliver_reminder(store: InMemoryStore, body: dict[str, Any], at: datetime) -> None:
    """What send_cards does with the row: written pending before the send, marked sent after."""
    sent_card(store, CardKind.REMINDER, body["occurrence_id"], body["recipient_id"], at)


def test_a_missing_prep_gets_one_reminder_to_the_employee_a_day_before_and_never_a_second() -> None:
    store, queues = world()
    sent_card(store, CardKind.PREP, OCC, "ada", START - timedelta(days=3))
    assert sweep(store, queues, START - timedelta(hours=30)).reminders == 0  # too early
    now = START - timedelta(hours=20)
    swept = sweep(store, queues, now)
    assert swept.reminders == 1
    (body,) = reminders(queues, now)
    assert (body["recipient_id"], body["occurrence_id"]) == ("ada", f"{OCC}:prep")
    assert set(body["template_data"]) == {"managerId", "start"}  # ids only in the message
    assert sweep(store, queues, now).reminders == 1  # queued but not sent yet: queued again, sent once by card id
    deliver_reminder(store, body, now)
    assert sweep(store, queues, now + timedelta(hours=1)).reminders == 0  # its row is the marker: never again


def test_a_saved_prep_is_not_reminded_and_is_recorded_as_submitted() -> None:
    store, queues = world()
    prep = sent_card(store, CardKind.PREP, OCC, "ada", START - timedelta(days=3))
    saved = handle_card_action(
        store, FixedClock(START - timedelta(days=2)), "prep.submit", {"cardId": prep.card_id, "unlearn": "x"}, "ada"
    )
    assert saved.verdict is Verdict.ACCEPTED
    swept = sweep(store, queues, START - timedelta(hours=20))
    assert (swept.reminders, swept.preps_overdue) == (0, 0)
    assert prep_state(store, "grace", "ada", START.date()) == "submitted"


def test_a_conversation_that_starts_unprepared_after_the_reminder_has_prep_overdue_once() -> None:
    store, queues = world()
    record_conversation(store, "grace", "ada", START.date(), "scheduled", START - timedelta(days=30))
    sent_card(store, CardKind.PREP, OCC, "ada", START - timedelta(days=3))
    assert sweep(store, queues, START + timedelta(minutes=5)).preps_overdue == 0  # never reminded: not overdue
    sent_card(store, CardKind.REMINDER, f"{OCC}:prep", "ada", START - timedelta(hours=20))
    assert sweep(store, queues, START - timedelta(minutes=5)).preps_overdue == 0  # not started yet
    assert sweep(store, queues, START + timedelta(minutes=5)).preps_overdue == 1
    assert sweep(store, queues, START + timedelta(hours=5)).preps_overdue == 0  # once
    assert prep_state(store, "grace", "ada", START.date()) == "overdue"
    record_conversation(store, "grace", "ada", START.date(), "held", START + timedelta(hours=2))
    assert prep_state(store, "grace", "ada", START.date()) == "overdue"  # kept through a status change
    tickets = [r for r in store.query("outcomes") if r.row.startswith("outbox:") and r.data.get("state") == "held"]
    assert [t.data.get("prep") for t in tickets] == ["overdue"]  # and travels to the export


def test_a_missing_outcome_gets_one_reminder_to_the_manager_then_the_conversation_is_overdue() -> None:
    store, queues = world()
    record_conversation(store, "grace", "ada", START.date(), "scheduled", START - timedelta(days=30))
    sent_card(store, CardKind.OUTCOME, OCC, "grace", START + timedelta(hours=1))
    assert sweep(store, queues, START + timedelta(hours=20)).reminders == 0  # not a day yet
    now = START + timedelta(hours=26)
    assert sweep(store, queues, now).reminders == 1
    (body,) = reminders(queues, now)
    assert (body["recipient_id"], body["occurrence_id"]) == ("grace", f"{OCC}:outcome")
    status = conversation_statuses(store)[conversation_id("grace__ada", START.date())]
    assert status == "scheduled"  # overdue only after the reminder went out
    deliver_reminder(store, body, now)
    swept = sweep(store, queues, now + timedelta(days=1))
    assert (swept.reminders, swept.outcomes_overdue) == (0, 1)
    assert conversation_statuses(store)[conversation_id("grace__ada", START.date())] == "overdue"
    assert sweep(store, queues, now + timedelta(days=2)).outcomes_overdue == 0  # repeat: nothing changes
    record_conversation(store, "grace", "ada", START.date(), "held", now + timedelta(days=3))  # logged late: held
    assert conversation_statuses(store)[conversation_id("grace__ada", START.date())] == "held"


def test_a_logged_outcome_or_an_ended_pair_gets_no_reminder() -> None:
    store, queues = world()
    outcome = sent_card(store, CardKind.OUTCOME, OCC, "grace", START + timedelta(hours=1))
    set_status(store, outcome, CardStatus.SUBMITTED, START + timedelta(hours=2))
    assert sweep(store, queues, START + timedelta(hours=30)).reminders == 0
    store2, queues2 = world()
    sent_card(store2, CardKind.OUTCOME, OCC, "grace", START + timedelta(hours=1))
    store2.upsert("pairs", "grace", "ada", {"org_unit": "Sales", "active": False})
    assert sweep(store2, queues2, START + timedelta(hours=30)).reminders == 0


def meeting(store: InMemoryStore) -> Meeting:
    ada, grace = load_person(store, "ada"), load_person(store, "grace")
    assert ada is not None and grace is not None
    return Meeting(ada, grace, START)


def test_the_reminder_card_goes_to_the_reminded_cards_recipient_and_renders() -> None:
    store, _ = world()
    sent_card(store, CardKind.PREP, OCC, "ada", START - timedelta(days=3))
    data = reminder_data(store, f"{OCC}:prep", "ada", meeting(store))
    assert data is not None and data["withName"] == "Grace" and data["done"] is False
    assert data["dueDate"] == "2026-03-10"
    check_card(render_card("reminder", {**data, "cardId": "r1"}))
    assert reminder_data(store, f"{OCC}:prep", "grace", meeting(store)) is None  # the manager never gets it
    assert reminder_data(store, f"{OCC}:outcome", "grace", meeting(store)) is None  # no outcome card sent
    assert reminder_data(store, OCC, "ada", meeting(store)) is None  # names no target


def test_open_answers_the_recipient_with_the_reminded_card_and_refuses_anyone_else() -> None:
    store, _ = world()
    sent_card(store, CardKind.PREP, OCC, "ada", START - timedelta(days=3))
    reminder = sent_card(store, CardKind.REMINDER, f"{OCC}:prep", "ada", START - timedelta(hours=20))
    clock = type("Clock", (), {"now": lambda self: START - timedelta(hours=19)})()
    data = {"cardId": reminder.card_id}
    opened = open_reminded(store, data, "ada", config=lambda: CONFIG, clock=clock)
    assert (opened.verdict, opened.kind, opened.card_id) == (Verdict.EDITABLE, CardKind.PREP, card_id(OCC, "prep"))
    assert opened.view["whenWeGrow"] == CONFIG.when_we_grow
    assert open_reminded(store, data, "grace", config=lambda: CONFIG, clock=clock).verdict is Verdict.REFUSED
    prep = find_card(store, card_id(OCC, "prep"))
    assert prep is not None
    assert open_reminded(store, {"cardId": prep.card_id}, "ada", clock=clock).verdict is Verdict.REFUSED


def test_reminder_and_prep_overdue_telemetry_carries_ids_and_counts_only() -> None:
    events, exporter = in_memory_telemetry()
    card_result(events, {"kind": "reminder", "occurrence_id": f"{OCC}:outcome"}, "sent")
    prep_overdue(events, 2)
    prep_overdue(events, 0)
    records = [(str(r.log_record.body), dict(r.log_record.attributes or {})) for r in exporter.get_finished_logs()]
    assert [name for name, _ in records] == ["wegrow.card_sent", "wegrow.reminder_sent", "wegrow.conversation_overdue"]
    assert (records[1][1]["card_kind"], records[1][1]["occurrence_id"]) == ("outcome", OCC)
    assert (records[2][1]["status"], records[2][1]["count"]) == ("prep", 2)
