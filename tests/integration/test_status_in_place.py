"""A conversation's status change rewrites its Conversations row in place, through Azurite and the Graph emulator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.storage.tables import TableStore
from shared.services.conversation_changes import sweep_missed
from shared.services.conversation_lifecycle import conversation_id, record_conversation
from shared.services.record_outcome import OUTCOMES
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_outcomes_workbook import export, table_values, xlsx
from tests.unit.test_outcomes_world import TODAY, FixedClock, action, log_and_confirm, seed_pair

pytestmark = pytest.mark.integration


def test_a_missed_conversation_confirmed_late_becomes_held_in_the_same_row(
    azurite_store: TableStore, graph: GraphEmulator
) -> None:
    seed_pair(azurite_store, "grace", "ada", "Sales")
    now = FixedClock().now()
    record_conversation(azurite_store, "grace", "ada", TODAY, "scheduled", now)
    record_conversation(azurite_store, "grace", "ada", TODAY + timedelta(days=7), "scheduled", now)
    assert sweep_missed(azurite_store, TODAY + timedelta(days=7), now=now) == 1
    export(graph, azurite_store)
    assert [row[-1] for row in table_values(xlsx(graph), "Conversations")] == ["Missed"]
    log_and_confirm(azurite_store, FixedClock(), "grace", "ada", [action()])
    report = export(graph, azurite_store)
    assert report.updated == 1 and report.appended["Conversations"] == 0
    rows = table_values(xlsx(graph), "Conversations")
    ident = conversation_id("grace__ada", TODAY)
    assert [(row[0], row[-1]) for row in rows] == [(f"{ident}:held", "Held")]
    assert export(graph, azurite_store).entries == 0
    statuses = {r.data["conversation_date"]: r.data["status"] for r in azurite_store.query(OUTCOMES, "grace__ada")
                if r.row.startswith("conversation:")}  # fmt: skip
    assert statuses == {TODAY.isoformat(): "held", (TODAY + timedelta(days=7)).isoformat(): "scheduled"}
