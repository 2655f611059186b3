"""The conversation lifecycle with fakes: each transition, idempotency, never backwards, the missed sweep, export."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.conversation_status import MISSED_AFTER_DAYS, ConversationStatus, supersedes
from shared.ports.storage import Record, Where
from shared.ports.telemetry import CONVERSATION_CANCELLED, CONVERSATION_SCHEDULED
from shared.ports.workbook import CONVERSATIONS_TABLE
from shared.services.conversation_changes import (
    cancel_upcoming,
    conversation_moved,
    conversation_statuses,
    sweep_missed,
)
from shared.services.conversation_lifecycle import (
    MAX_OPS,
    OUTBOX_PREFIX,
    OUTCOMES,
    conversation_id,
    record_conversation,
    record_many,
)
from shared.services.export_outcomes import _conversations_of, export_outcomes, pending_entries
from tests.fakes.storage import InMemoryStore
from tests.fakes.workbook import InMemoryWorkbook
from tests.unit.test_outcomes_world import TODAY, FixedClock, action, log_and_confirm, seed_pair

pytestmark = pytest.mark.unit
NOW = FixedClock().now()
KEY = "grace__ada"


def status(store: InMemoryStore, day: date = TODAY) -> str | None:
    return conversation_statuses(store).get(conversation_id(KEY, day))


def tickets(store: InMemoryStore) -> list[str]:
    return [r.row for r in store.query(OUTCOMES, KEY) if r.row.startswith(OUTBOX_PREFIX)]


def export(store: InMemoryStore, workbook: InMemoryWorkbook) -> None:
    asyncio.run(export_outcomes(store, workbook, NOW))


@pytest.fixture
def store() -> InMemoryStore:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada", "Sales")
    return store


@pytest.mark.parametrize("new", ["held", "moved", "missed", "cancelled"])
def test_each_transition_from_scheduled_is_stored_once_with_one_ticket(store: InMemoryStore, new: str) -> None:
    assert record_conversation(store, "grace", "ada", TODAY, "scheduled", NOW)
    assert record_conversation(store, "grace", "ada", TODAY, new, NOW)
    assert status(store) == new
    before = store.query(OUTCOMES, KEY)
    assert not record_conversation(store, "grace", "ada", TODAY, new, NOW)  # the same change twice: nothing
    assert not record_conversation(store, "grace", "ada", TODAY, "scheduled", NOW)  # never back
    assert store.query(OUTCOMES, KEY) == before
    assert len(tickets(store)) == 2


@pytest.mark.parametrize(
    ("first", "later", "wins"),
    [("missed", "held", "held"), ("held", "missed", "held"), ("moved", "cancelled", "moved"),
     ("cancelled", "missed", "cancelled"), ("missed", "moved", "moved")],
)  # fmt: skip
def test_a_later_status_wins_only_when_it_outranks(store: InMemoryStore, first: str, later: str, wins: str) -> None:
    record_conversation(store, "grace", "ada", TODAY, first, NOW)
    record_conversation(store, "grace", "ada", TODAY, later, NOW)
    assert status(store) == wins
    assert supersedes(ConversationStatus(wins), None)


def test_a_confirmed_outcome_marks_the_conversation_held_even_after_missed(store: InMemoryStore) -> None:
    record_conversation(store, "grace", "ada", TODAY, "scheduled", NOW)
    assert sweep_missed(store, TODAY + timedelta(days=MISSED_AFTER_DAYS), now=NOW) == 1
    assert status(store) == "missed"
    log_and_confirm(store, FixedClock(), "grace", "ada", [action()])
    assert status(store) == "held"


def test_a_repair_move_marks_the_old_date_moved_and_schedules_the_new_one(store: InMemoryStore) -> None:
    start = datetime(2026, 3, 10, 9, tzinfo=UTC)
    record_conversation(store, "grace", "ada", TODAY, "scheduled", NOW)
    assert conversation_moved(store, "grace", "ada", start, start + timedelta(days=2), NOW) == 2
    assert conversation_moved(store, "grace", "ada", start, start + timedelta(days=2), NOW) == 0
    assert (status(store), status(store, TODAY + timedelta(days=2))) == ("moved", "scheduled")


def test_an_ended_series_cancels_only_upcoming_scheduled_conversations(store: InMemoryStore) -> None:
    past, future = TODAY - timedelta(days=14), TODAY + timedelta(days=14)
    for day in (past, future):
        record_conversation(store, "grace", "ada", day, "scheduled", NOW)
    assert cancel_upcoming(store, "grace", "ada", NOW) == 1
    assert (status(store, past), status(store, future)) == ("scheduled", "cancelled")


@settings(max_examples=60, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=-60, max_value=60), min_size=1, max_size=8, unique=True),
    today_offset=st.integers(min_value=-10, max_value=70),
)
def test_the_missed_sweep_marks_exactly_the_overdue_scheduled_ones(offsets: list[int], today_offset: int) -> None:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada")
    days = [TODAY + timedelta(days=o) for o in offsets]
    for day in days:
        record_conversation(store, "grace", "ada", day, "scheduled", NOW)
    record_conversation(store, "grace", "ada", days[0], "held", NOW)  # an outcome: never missed
    today = TODAY + timedelta(days=today_offset)
    expected = {d for d in days[1:] if (today - d).days >= MISSED_AFTER_DAYS}
    assert sweep_missed(store, today, now=NOW) == len(expected)
    assert sweep_missed(store, today, now=NOW) == 0  # idempotent
    assert {d for d in days if status(store, d) == "missed"} == expected
    assert status(store, days[0]) == "held"


def test_a_status_change_updates_the_conversations_row_in_place(store: InMemoryStore) -> None:
    workbook = InMemoryWorkbook()
    record_conversation(store, "grace", "ada", TODAY, "scheduled", NOW)
    export(store, workbook)
    assert workbook.tables[CONVERSATIONS_TABLE] == []  # scheduled is not a fact yet
    sweep_missed(store, TODAY + timedelta(days=30), now=NOW)
    export(store, workbook)
    assert workbook.column(CONVERSATIONS_TABLE, "Status") == ["Missed"]
    log_and_confirm(store, FixedClock(), "grace", "ada", [action()])  # confirmed late
    export(store, workbook)
    export(store, workbook)
    assert workbook.column(CONVERSATIONS_TABLE, "Status") == ["Held"]
    assert workbook.column(CONVERSATIONS_TABLE, "Row id") == [f"{conversation_id(KEY, TODAY)}:held"]
    assert pending_entries(store) == []


def test_a_lower_status_in_the_same_export_never_overwrites_a_higher_one(store: InMemoryStore) -> None:
    workbook = InMemoryWorkbook()
    record_conversation(store, "grace", "ada", TODAY, "missed", NOW)
    log_and_confirm(store, FixedClock(), "grace", "ada", [action()])
    export(store, workbook)
    assert workbook.column(CONVERSATIONS_TABLE, "Status") == ["Held"]


class EmittedEvents:
    def __init__(self) -> None:
        self.names: list[str] = []

    def emit(self, name: str, **attributes: object) -> None:
        self.names.append(name)


def scheduled_days(count: int) -> list[tuple[date, ConversationStatus]]:
    return [(TODAY + timedelta(days=14 * n), ConversationStatus.SCHEDULED) for n in range(count)]


@pytest.mark.parametrize("count", [1, 26, 99, 150])
def test_conversations_scheduled_together_share_one_ticket_and_count_one_event_each(
    store: InMemoryStore, count: int
) -> None:
    assert record_many(store, "grace", "ada", scheduled_days(count), NOW) == count
    rows = store.query(OUTCOMES, KEY)
    assert sum(r.row.startswith("conversation:") for r in rows) == count
    ticket_rows = [r for r in rows if r.row.startswith(OUTBOX_PREFIX)]
    assert sum(int(r.data["count"]) for r in ticket_rows) == count
    assert len(ticket_rows) == (1 if count < MAX_OPS else 2)  # one per transaction of at most 100 operations
    assert all(r.data["state"] == "scheduled" and r.data["org_unit"] == "Sales" for r in ticket_rows)
    assert record_many(store, "grace", "ada", scheduled_days(count), NOW) == 0  # repeated: nothing, no ticket
    assert store.query(OUTCOMES, KEY) == rows
    events, workbook = EmittedEvents(), InMemoryWorkbook()
    asyncio.run(export_outcomes(store, workbook, NOW, events))
    assert events.names == [CONVERSATION_SCHEDULED] * count
    assert not workbook_rows(workbook)  # a scheduled conversation is not a fact yet
    asyncio.run(export_outcomes(store, workbook, NOW, events))
    assert events.names == [CONVERSATION_SCHEDULED] * count  # exported once


def test_a_plan_s_cancelled_weeks_keep_a_ticket_each_beside_the_scheduled_one(store: InMemoryStore) -> None:
    changes = [*scheduled_days(4), (TODAY + timedelta(days=7), ConversationStatus.CANCELLED)]
    assert record_many(store, "grace", "ada", changes, NOW) == 5
    states = sorted(str(r.data["state"]) for r in store.query(OUTCOMES, KEY) if r.row.startswith(OUTBOX_PREFIX))
    assert states == ["cancelled", "scheduled"]
    events, workbook = EmittedEvents(), InMemoryWorkbook()
    asyncio.run(export_outcomes(store, workbook, NOW, events))
    assert sorted(events.names) == [CONVERSATION_CANCELLED] + [CONVERSATION_SCHEDULED] * 4
    assert len(workbook_rows(workbook)) == 1


def test_a_shared_ticket_is_dated_by_its_last_conversation(store: InMemoryStore) -> None:
    record_many(store, "grace", "ada", scheduled_days(3), NOW)
    [ticket] = [r for r in store.query(OUTCOMES, KEY) if r.row.startswith(OUTBOX_PREFIX)]
    assert ticket.data["conversation_date"] == (TODAY + timedelta(days=28)).isoformat()  # retention keeps it
    assert ticket.row == f"{OUTBOX_PREFIX}{conversation_id(KEY, TODAY)}:scheduled"


@pytest.mark.parametrize("count", [0, -1, 101, "3", 2.0, True])
def test_an_odd_ticket_count_counts_as_one_conversation(count: object) -> None:
    assert _conversations_of({"count": count}) == 1
    assert _conversations_of({}) == 1 and _conversations_of({"count": 26}) == 26


def workbook_rows(workbook: InMemoryWorkbook) -> list[object]:
    return list(workbook.tables.get(CONVERSATIONS_TABLE, []))


class WhereRecorder(InMemoryStore):
    """Records each whole-table query of ``outcomes`` and the filter it asked the service for."""

    def __init__(self) -> None:
        super().__init__()
        self.scans: list[object] = []

    def query(self, table: str, partition: str | None = None, where: Where | None = None) -> list[Record]:
        if table == OUTCOMES and partition is None:
            self.scans.append(where)
        return super().query(table, partition, where)


def test_the_export_and_the_missed_sweep_ask_the_service_for_their_rows_only() -> None:
    """They read across every pair's partition: the table filters the rows by status, so a big outcomes table does
    not come back whole every fifteen minutes. Left whole: the views' action quadrants (every logged outcome)."""
    store = WhereRecorder()
    seed_pair(store, "grace", "ada", "Sales")
    record_many(store, "grace", "ada", scheduled_days(3), NOW)
    assert sweep_missed(store, TODAY + timedelta(days=MISSED_AFTER_DAYS), now=NOW) == 1
    export(store, InMemoryWorkbook())
    assert store.scans == [{"status": ["overdue", "scheduled"]}, {"status": ["pending"]}, {"status": ["held"]}, None]
