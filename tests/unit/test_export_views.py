"""The export's view tables from the Store: Learning needs counts only shared micro-needs, never their text;
Plateau risk dates the last held conversation; Coaching counts requests and time to first contact."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from shared.domain.agenda import ItemKind, Visibility
from shared.ports.workbook import COACHING_TABLE, LEARNING_TABLE, PLATEAU_TABLE
from shared.services.agenda_store import load_agenda, save_agenda
from shared.services.coach_requests import current_request, open_request, take
from shared.services.conversation_lifecycle import record_conversation
from shared.services.export_outcomes import export_outcomes
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.fakes.workbook import InMemoryWorkbook
from tests.unit.test_outcomes_world import seed_pair

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
CANARY = "PRIVATE-CANARY-micro-need-7f3a"


def add_needs(store: InMemoryStore, person: str, shared: int, private: int) -> None:
    agenda = load_agenda(store, person)
    for n in range(shared):
        agenda = agenda.add_item(ItemKind.MICRO_NEED, f"shared need {n}", NOW.date(), Visibility.SHARED)
    for n in range(private):
        agenda = agenda.add_item(ItemKind.MICRO_NEED, f"{CANARY} {n}", NOW.date(), Visibility.PRIVATE)
    save_agenda(store, agenda, NOW)


def world() -> InMemoryStore:
    store = InMemoryStore()
    for n in range(5):
        seed_pair(store, "grace", f"sales{n}", "Sales", hired=date(2020, 1, 1))
    seed_pair(store, "alan", "eng0", "Engineering", hired=date(2024, 1, 1))  # plateau risk on NOW
    for n in range(5):
        add_needs(store, f"sales{n}", shared=1, private=2)
    add_needs(store, "eng0", shared=3, private=1)
    return store


def export(store: InMemoryStore, workbook: InMemoryWorkbook) -> None:
    asyncio.run(export_outcomes(store, workbook, NOW))


def test_learning_needs_count_shared_micro_needs_only_and_hide_small_units() -> None:
    store, workbook = world(), InMemoryWorkbook()
    export(store, workbook)
    rows = {row["Org unit"]: row for row in workbook.view(LEARNING_TABLE)}
    assert rows["Sales"] == {"Org unit": "Sales", "People": 5, "Shared micro-needs": 5, "Uphill gaps": 0,
                             "Gift topics": 0}  # fmt: skip
    assert set(rows["Engineering"].values()) == {"Engineering", "fewer than 5"}
    assert CANARY not in str(workbook.views) and "shared need" not in str(workbook.views)


def test_plateau_risk_shows_the_last_held_conversation() -> None:
    store, workbook = world(), InMemoryWorkbook()
    record_conversation(store, "alan", "eng0", date(2026, 2, 2), "held", NOW)
    record_conversation(store, "alan", "eng0", date(2026, 1, 5), "held", NOW)
    record_conversation(store, "alan", "eng0", date(2026, 3, 2), "missed", NOW)
    export(store, workbook)
    assert workbook.view(PLATEAU_TABLE) == [
        {"Employee": "eng0@contoso.test", "Org unit": "Engineering", "Manager": "alan@contoso.test",
         "Hire date": "2024-01-01", "Last held conversation": "2026-02-02"}
    ]  # fmt: skip


def test_coaching_counts_requests_and_median_hours_to_first_contact() -> None:
    store, queues, workbook = world(), InMemoryQueues(), InMemoryWorkbook()
    for n, hours in enumerate((2, 4, None)):
        open_request(store, queues, f"sales{n}", NOW)
        if hours is not None:
            stored = current_request(store, f"sales{n}")
            assert stored is not None
            take(store, stored, "coach-1", NOW + timedelta(hours=hours))
    export(store, workbook)
    assert workbook.views[COACHING_TABLE] == [
        ["Requests", 3], ["Taken", 2], ["Closed", 0], ["Median hours to first contact", 3.0]
    ]  # fmt: skip
    flushes = workbook.flushes
    export(store, workbook)  # nothing changed: nothing saved again
    assert workbook.flushes == flushes
