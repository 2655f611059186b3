"""Run records of queue functions: one transaction per success, and at most one success per ``quiet`` per process.

A queue function runs once per message (up to 30 cards a second), and each run wrote two rows of the same
``runs`` entity pair: two Table requests per card the bench never saw, since it called the service directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.ports.storage import Record, TransactionOp
from shared.services.health import GRACE
from shared.services.runs import LAST, LAST_OK, QUEUE_QUIET, TABLE, last_run, tracked_run
from tests.fakes.storage import InMemoryStore
from tests.unit.test_health import FixedClock

pytestmark = pytest.mark.unit

NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


class CountingStore(InMemoryStore):
    """Counts the writes of the runs table: each call is one Table request."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def upsert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        if table == TABLE:
            self.writes.append(f"upsert {row}")
        return super().upsert(table, partition, row, data)

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        if table == TABLE:
            self.writes.append("transact " + ",".join(op.row for op in ops))
        super().transact(table, partition, ops)


def run_once(store: InMemoryStore, at: datetime, ok: bool, detail: str = "", name: str = "send_card") -> None:
    try:
        with tracked_run(store, FixedClock(at), name, quiet=QUEUE_QUIET) as note:
            note.detail = detail
            if not ok:
                raise RuntimeError("failed")
    except RuntimeError:
        pass


def test_a_success_is_one_transaction_of_both_rows() -> None:
    store = CountingStore()
    with tracked_run(store, FixedClock(NOON), "sync") as note:
        note.detail = "12 people"
    assert store.writes == [f"transact {LAST},{LAST_OK}"]
    success, latest = last_run(store, "sync", ok_only=True), last_run(store, "sync")
    assert success == latest and success is not None and (success.at, success.detail) == (NOON, "12 people")


def test_a_failure_writes_the_latest_row_only() -> None:
    store = CountingStore()
    run_once(store, NOON, ok=False)
    assert store.writes == [f"upsert {LAST}"]


def test_quiet_successes_are_written_once_a_minute_per_store() -> None:
    store, other = CountingStore(), CountingStore()
    for second in range(0, 150, 2):  # 75 messages in two and a half minutes
        run_once(store, NOON + timedelta(seconds=second), ok=True, detail=f"{second}")
    assert len(store.writes) == 3  # 0 s, 60 s and 120 s
    success = last_run(store, "send_card", ok_only=True)
    assert success is not None and success.detail == "120"
    run_once(other, NOON + timedelta(seconds=1), ok=True)
    assert len(other.writes) == 1, "another store (another deployment's tables) keeps its own memory"


def test_a_failure_is_always_written_and_the_success_after_it_too() -> None:
    store = CountingStore()
    run_once(store, NOON, ok=True)
    run_once(store, NOON + timedelta(seconds=5), ok=False)
    run_once(store, NOON + timedelta(seconds=6), ok=True, detail="again")
    latest = last_run(store, "send_card")
    assert latest is not None and (latest.ok, latest.detail) == (True, "again")
    assert len(store.writes) == 3


def test_timers_are_never_quiet() -> None:
    store = CountingStore()
    for minute in range(3):
        with tracked_run(store, FixedClock(NOON + timedelta(seconds=minute)), "cards"):
            pass
    assert len(store.writes) == 3


def test_health_waits_far_longer_than_a_quiet_spell() -> None:
    assert QUEUE_QUIET * 5 <= GRACE


@given(st.lists(st.tuples(st.integers(0, 300), st.booleans()), min_size=1, max_size=40))
def test_the_stored_success_is_never_more_than_quiet_behind(steps: list[tuple[int, bool]]) -> None:
    """Whatever the runs, after each one: the latest row fails exactly when the latest run did (and is that run
    then), and the stored success
    is a real success no later than the latest and less than ``QUEUE_QUIET`` before it."""
    store, at = InMemoryStore(), NOON
    latest_ok: datetime | None = None
    for gap, ok in steps:
        at += timedelta(seconds=gap)
        run_once(store, at, ok)
        latest_ok = at if ok else latest_ok
        latest = last_run(store, "send_card")
        assert latest is not None and latest.ok == ok, "the latest row tells whether the latest run failed"
        if not ok:
            assert (latest.at, latest.ok) == (at, False)
        stored = last_run(store, "send_card", ok_only=True)
        if latest_ok is None:
            assert stored is None
        else:
            assert stored is not None and stored.ok
            assert latest_ok - QUEUE_QUIET < stored.at <= latest_ok
