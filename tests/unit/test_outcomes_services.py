"""record_outcome and export_outcomes with fakes: atomic outbox, idempotent export, formula safety, telemetry."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from shared.adapters.telemetry import in_memory_telemetry
from shared.ports.storage import Record, StoreError, TransactionOp
from shared.ports.workbook import CONVERSATIONS_TABLE, OUTCOMES_TABLE
from shared.services import agenda_store
from shared.services.export_outcomes import export_outcomes, pending_entries
from shared.services.record_outcome import OUTCOMES, record_conversation
from tests.fakes.storage import InMemoryStore
from tests.fakes.workbook import InMemoryWorkbook
from tests.unit.test_outcomes_world import (
    ACTION_CANARY,
    PRIVATE_CANARY,
    TODAY,
    FixedClock,
    action,
    log_and_confirm,
    seed_pair,
)

pytestmark = pytest.mark.unit


def export(store: InMemoryStore, workbook: InMemoryWorkbook, **kwargs: Any) -> Any:
    return asyncio.run(export_outcomes(store, workbook, FixedClock().now(), **kwargs))


def test_confirmation_stores_the_outcome_and_its_outbox_entry_in_one_partition() -> None:
    store, clock = InMemoryStore(), FixedClock()
    seed_pair(store, "grace", "ada", "Engineering")
    log_and_confirm(store, clock, "grace", "ada", [action(), action("Pair with FinOps", type="mentoring")])
    rows = {r.row.split(":")[0]: r for r in store.query(OUTCOMES, "grace__ada")}
    assert set(rows) == {"outcome", "outbox", "conversation"}
    assert rows["conversation"].data["status"] == "held"
    outcome = rows["outcome"].data
    assert (outcome["org_unit"], outcome["tenure_stage"], outcome["conversation_date"]) == (
        "Engineering", "plateau_risk", TODAY.isoformat())  # fmt: skip
    actions = json.loads(outcome["actions"])
    assert [(a["type"], a["quadrant"], a["status"], a["due"]) for a in actions] == [
        ("stretch_assignment", "sweet_spot", "open", "2026-04-30"),
        ("mentoring", "sweet_spot", "open", "2026-04-30"),
    ]
    assert rows["outbox"].data["status"] == "pending"


class FailingTransactStore(InMemoryStore):
    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        raise StoreError("storage went away")


def test_a_failed_transaction_leaves_neither_outcome_nor_outbox() -> None:
    store, clock = FailingTransactStore(), FixedClock()
    seed_pair(store, "grace", "ada")
    with pytest.raises(StoreError):
        log_and_confirm(store, clock, "grace", "ada", [action()])
    assert [r.row for r in store.query(OUTCOMES) if r.partition == "grace__ada"] == []


def test_export_appends_one_row_per_action_and_marks_entries() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada")
    log_and_confirm(store, FixedClock(), "grace", "ada", [action(), action('=HYPERLINK("x")', initiative="@SUM(A1)")])
    report = export(store, workbook)
    assert report.appended == {OUTCOMES_TABLE: 2, CONVERSATIONS_TABLE: 1}
    assert workbook.column(OUTCOMES_TABLE, "Employee") == ["ada@contoso.test"] * 2
    assert workbook.column(OUTCOMES_TABLE, "Action")[1] == '\'=HYPERLINK("x")'
    assert workbook.column(OUTCOMES_TABLE, "Initiative")[1] == "'@SUM(A1)"
    assert workbook.column(CONVERSATIONS_TABLE, "Status") == ["Held"]
    assert pending_entries(store) == []


def test_a_retried_export_adds_nothing() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada")
    log_and_confirm(store, FixedClock(), "grace", "ada", [action()])
    export(store, workbook)
    for entry in store.query(OUTCOMES):  # as if the marking had been lost
        if entry.row.startswith("outbox:"):
            store.update(entry, {**entry.data, "status": "pending"})
    again = export(store, workbook)
    assert again.appended.get(OUTCOMES_TABLE) == 0 and again.appended.get(CONVERSATIONS_TABLE, 0) == 0
    assert again.updated == 1  # the rows already there are rewritten in place (the same values)
    assert len(workbook.tables[OUTCOMES_TABLE]) == 1 and len(workbook.tables[CONVERSATIONS_TABLE]) == 1


class CrashOnUpdateStore(InMemoryStore):
    crash = True

    def update(self, record: Record, data: Mapping[str, Any]) -> Record:
        if self.crash and record.row.startswith("outbox:"):
            raise SystemExit("process killed after the append, before the marking")
        return super().update(record, data)


def test_a_crash_between_append_and_mark_neither_loses_nor_duplicates() -> None:
    store, workbook = CrashOnUpdateStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada")
    log_and_confirm(store, FixedClock(), "grace", "ada", [action(), action("Second")])
    with pytest.raises(SystemExit):
        export(store, workbook)
    assert len(pending_entries(store)) == 1
    store.crash = False
    export(store, workbook)
    assert len(workbook.tables[OUTCOMES_TABLE]) == 2
    assert pending_entries(store) == []


def test_a_crash_before_the_append_loses_nothing() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook(fail_appends=1)
    seed_pair(store, "grace", "ada")
    log_and_confirm(store, FixedClock(), "grace", "ada", [action()])
    with pytest.raises(ConnectionError):
        export(store, workbook)
    assert len(pending_entries(store)) == 1
    export(store, workbook)
    assert len(workbook.tables[OUTCOMES_TABLE]) == 1


def test_moved_and_missed_conversations_reach_the_conversations_sheet() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    seed_pair(store, "grace", "ada", "Sales")
    record_conversation(store, "grace", "ada", TODAY, "missed", FixedClock().now())
    export(store, workbook)
    assert workbook.column(CONVERSATIONS_TABLE, "Status") == ["Missed"]
    assert workbook.column(CONVERSATIONS_TABLE, "Org unit") == ["Sales"]
    with pytest.raises(ValueError):
        record_conversation(store, "grace", "ada", TODAY, "postponed", FixedClock().now())


def test_telemetry_and_logs_carry_no_free_text(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    events, exporter = in_memory_telemetry()
    seed_pair(store, "grace", "ada")
    agenda_store.add_micro_need(store, "ada", PRIVATE_CANARY, FixedClock().now())
    log_and_confirm(store, FixedClock(), "grace", "ada", [action(ACTION_CANARY)])
    export(store, workbook, events=events)
    records = exporter.get_finished_logs()
    names = [r.log_record.body for r in records]
    assert "wegrow.outcome_logged" in names and "wegrow.action_logged" in names
    dumped = json.dumps([dict(r.log_record.attributes or {}) for r in records] + names)
    assert ACTION_CANARY not in dumped and PRIVATE_CANARY not in dumped
    assert ACTION_CANARY not in caplog.text and PRIVATE_CANARY not in caplog.text
    assert PRIVATE_CANARY not in json.dumps(workbook.tables)
