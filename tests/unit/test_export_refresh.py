"""The export's second pass over a conversation or an outcome: an overdue conversation has its event, a prep change
rewrites the row in place with no event, a confirmation or a status change made while the first export runs still
reaches the workbook, and a re-queued first export stays a first export (its events counted once)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from shared.adapters.telemetry import in_memory_telemetry
from shared.domain.conversation_status import PrepState
from shared.domain.tenure import TenureThresholds
from shared.ports.telemetry import Events
from shared.ports.workbook import CONVERSATIONS_TABLE, OUTCOMES_TABLE, PLATEAU_TABLE
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, insert_card
from shared.services.card_submissions import OutcomeConfirmation
from shared.services.conversation_lifecycle import record_conversation
from shared.services.conversation_prep import record_prep
from shared.services.export_outcomes import export_outcomes, pending_entries
from shared.services.record_outcome import OUTCOMES, record_confirmation, requeue_outcome
from tests.fakes.storage import InMemoryStore
from tests.fakes.workbook import InMemoryWorkbook
from tests.unit.test_outcomes_world import TODAY, FixedClock, action, seed_pair

pytestmark = pytest.mark.unit
NOW = FixedClock().now()


def log_only(store: InMemoryStore, manager: str, report: str, actions: Sequence[dict[str, str]]) -> None:
    """The manager logs the outcome (stored unconfirmed, its first export pending); the employee has not answered."""
    occurrence = f"occ-{manager}-{report}-{TODAY.isoformat()}"
    log_id = card_id(occurrence, CardKind.OUTCOME)
    insert_card(store, CardRecord(log_id, CardKind.OUTCOME, occurrence, manager, report, CardStatus.SENT, {}))
    data: dict[str, Any] = {"cardId": log_id}
    for n, item in enumerate(actions, start=1):
        data.update({f"action_{n}_{key}": value for key, value in item.items()})
    assert handle_card_action(store, FixedClock(), "outcome.log", data, manager).verdict is Verdict.ACCEPTED


def export(store: InMemoryStore, workbook: InMemoryWorkbook, events: Events | None = None, **kwargs: Any) -> None:
    asyncio.run(export_outcomes(store, workbook, NOW, events, **kwargs))


def emitted(store: InMemoryStore, workbook: InMemoryWorkbook) -> list[str]:
    """The event names one export emits."""
    events, exporter = in_memory_telemetry()
    export(store, workbook, events)
    return [str(r.log_record.body) for r in exporter.get_finished_logs()]


class ChangeDuringFlush(InMemoryWorkbook):
    """A workbook whose first save lets ``change`` run first: the store changes while the export is under way."""

    def __init__(self, change: Any) -> None:
        super().__init__()
        self.change = change

    async def flush(self) -> None:
        if self.change is not None:
            change, self.change = self.change, None
            change()
        await super().flush()


def outcome_id(store: InMemoryStore) -> str:
    return next(str(r.data["outcome_id"]) for r in store.query(OUTCOMES) if r.row.startswith("outcome:"))


def test_an_overdue_conversation_has_its_row_and_its_event() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada")
    record_conversation(store, "grace", "ada", TODAY, "overdue", NOW)
    assert emitted(store, workbook) == ["wegrow.conversation_overdue"]
    assert workbook.column(CONVERSATIONS_TABLE, "Status") == ["Overdue"]


def test_a_prep_change_rewrites_the_row_in_place_and_emits_nothing() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada")
    record_conversation(store, "grace", "ada", TODAY, "missed", NOW)
    assert emitted(store, workbook) == ["wegrow.conversation_missed"]
    assert record_prep(store, "grace", "ada", TODAY, PrepState.OVERDUE, NOW)
    assert emitted(store, workbook) == []
    assert workbook.column(CONVERSATIONS_TABLE, "Prep") == ["Overdue"]
    assert workbook.column(CONVERSATIONS_TABLE, "Status") == ["Missed"]
    assert pending_entries(store) == []


def test_a_prep_change_of_a_held_conversation_counts_held_once() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada")
    log_only(store, "grace", "ada", [action()])
    assert emitted(store, workbook).count("wegrow.conversation_held") == 1
    assert record_prep(store, "grace", "ada", TODAY, PrepState.OVERDUE, NOW)
    assert emitted(store, workbook) == []
    assert workbook.column(CONVERSATIONS_TABLE, "Prep") == ["Overdue"]


def test_a_dispute_during_the_first_export_reaches_the_workbook() -> None:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada")
    log_only(store, "grace", "ada", [action(), action("Second")])
    answer = OutcomeConfirmation(confirmed=False, comment="we agreed on one action")
    workbook = ChangeDuringFlush(lambda: record_confirmation(store, "grace", "ada", TODAY, answer, NOW))
    first = emitted(store, workbook)
    assert first.count("wegrow.conversation_held") == 1
    assert workbook.column(OUTCOMES_TABLE, "Confirmation") == ["Unconfirmed"] * 2  # read before the dispute
    assert len(pending_entries(store)) == 1  # the dispute keeps the entry pending
    assert emitted(store, workbook) == []  # rewritten in place: nothing counted twice
    assert workbook.column(OUTCOMES_TABLE, "Confirmation") == ["Disputed"] * 2
    assert len(workbook.tables[CONVERSATIONS_TABLE]) == 1
    assert pending_entries(store) == []


def test_a_status_change_during_the_first_export_reaches_the_workbook() -> None:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada")
    log_only(store, "grace", "ada", [action()])

    def close_action() -> None:
        record = next(r for r in store.query(OUTCOMES) if r.row.startswith("outcome:"))
        store.update(record, {**record.data, "actions": record.data["actions"].replace('"open"', '"done"')})
        requeue_outcome(store, record.partition, outcome_id(store), NOW)

    workbook = ChangeDuringFlush(close_action)
    export(store, workbook)
    assert workbook.column(OUTCOMES_TABLE, "Status") == ["Open"]
    export(store, workbook)
    assert workbook.column(OUTCOMES_TABLE, "Status") == ["Done"]


def test_a_requeued_first_export_stays_a_first_export() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada")
    log_only(store, "grace", "ada", [action()])
    requeue_outcome(store, "grace__ada", outcome_id(store), NOW)
    [entry] = pending_entries(store)
    assert not entry.data.get("refresh")
    names = emitted(store, workbook)
    assert names.count("wegrow.conversation_held") == 1 and names.count("wegrow.outcome_logged") == 1
    assert workbook.column(CONVERSATIONS_TABLE, "Status") == ["Held"]


def test_a_requeue_after_the_export_asks_for_a_rewrite() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada")
    log_only(store, "grace", "ada", [action()])
    export(store, workbook)
    requeue_outcome(store, "grace__ada", outcome_id(store), NOW)
    [entry] = pending_entries(store)
    assert entry.data["refresh"] is True
    assert emitted(store, workbook) == []


def test_plateau_risk_follows_the_company_thresholds() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada", hired=date(2025, 1, 2))  # 14 months on TODAY: growing by default
    export(store, workbook)
    assert workbook.view(PLATEAU_TABLE) == []
    thresholds = TenureThresholds(growing_from_months=3, plateau_risk_from_months=12, established_from_months=18)
    export(store, workbook, thresholds=thresholds)
    assert [row["Employee"] for row in workbook.view(PLATEAU_TABLE)] == ["ada@contoso.test"]
