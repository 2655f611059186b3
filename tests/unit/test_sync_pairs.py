"""SyncedPairs against the whole-table scan it replaces: the same events and the same rows, one query per sync."""

from __future__ import annotations

from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.ports.storage import Store
from shared.services.scheduling_records import PAIRS
from shared.services.sync_pairs import SyncedPairs
from tests.bench.round_trips import Counted
from tests.fakes.storage import InMemoryStore

pytestmark = pytest.mark.unit

PEOPLE = ["a", "b", "c", "d", "e"]
person = st.sampled_from(PEOPLE)
write = st.tuples(st.just("write"), person, person, st.booleans())
close = st.tuples(st.just("close"), person, st.sampled_from(["leaver", "disabled"]), st.just(False))
steps = st.lists(st.one_of(write, close), max_size=30)
stored = st.lists(st.tuples(person, person, st.booleans()), max_size=10)


def scanned_close(store: Store, person_id: str, kind: str) -> list[dict[str, Any]]:
    """What sync did before: scan the whole table for the person's active pairs."""
    events = []
    for record in store.query(PAIRS):
        if person_id in {record.partition, record.row} and record.data.get("active"):
            store.upsert(PAIRS, record.partition, record.row, {**record.data, "active": False, "closed": kind})
            events.append({"kind": kind, "manager_id": record.partition, "report_id": record.row})
    return events


def seeded(rows: list[tuple[str, str, bool]]) -> InMemoryStore:
    store = InMemoryStore()
    for manager_id, report_id, active in rows:
        store.upsert(PAIRS, manager_id, report_id, {"active": active, "org_unit": "Ops"})
    return store


def table(store: InMemoryStore) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r.partition, r.row): r.data for r in store.query(PAIRS)}


@settings(max_examples=150, deadline=None)
@given(rows=stored, plan=steps)
def test_it_closes_what_a_whole_table_scan_closes(rows: list[tuple[str, str, bool]], plan: list[Any]) -> None:
    """Any stored pairs, then any mix of writes (opening or closing a pair) and closes: the same events, in the same
    order, and the same table as scanning it for each close."""
    mine, theirs = seeded(rows), seeded(rows)
    counted = Counted(mine)
    pairs = SyncedPairs(cast(Store, counted))
    for step, first, second, active in plan:
        if step == "write":
            pairs.write(first, second, {"active": active, "org_unit": "Ops"})
            theirs.upsert(PAIRS, first, second, {"active": active, "org_unit": "Ops"})
        else:
            assert pairs.close_all(first, second) == scanned_close(theirs, first, second)
    pairs.flush()
    assert table(mine) == table(theirs)
    calls = counted.take_counts()
    assert calls.get(f"query {PAIRS}", 0) == (1 if any(s[0] == "close" for s in plan) else 0)
    managers = {first for step, first, _, _ in plan if step == "write"} | {m for m, _, _ in rows}
    assert calls.get(f"transact {PAIRS}", 0) <= len(managers)  # a manager's rows in one transaction, at the end
    assert calls.get(f"upsert {PAIRS}", 0) == 0
