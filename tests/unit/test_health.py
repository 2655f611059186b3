"""Health and run records, with the in-memory fakes and a fixed clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from shared.services.health import check_health
from shared.services.runs import last_run, record_run, tracked_run
from shared.services.triggers import QueueTrigger, TimerTrigger, Triggers
from tests.fakes.storage import InMemoryQueues, InMemoryStore

pytestmark = pytest.mark.unit

NOON = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)  # a Monday
DAILY_2AM = TimerTrigger("sync", "0 0 2 * * *", "%WEGROW_SYNC_SCHEDULE%", "timer", None)
EXPORT = QueueTrigger("export_rows", "export", "msg", None)
TRIGGERS = Triggers(http=(), timers=(DAILY_2AM,), queues=(EXPORT,))


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


def report_at(store: InMemoryStore, queues: InMemoryQueues, when: datetime) -> dict[str, dict[str, object]]:
    report = check_health(store, queues, FixedClock(when), TRIGGERS)
    return {f["name"]: f for f in report.as_json()["functions"]}


def test_record_run_keeps_latest_and_latest_success() -> None:
    store = InMemoryStore()
    record_run(store, FixedClock(NOON), "sync", ok=True, detail="12 people")
    record_run(store, FixedClock(NOON + timedelta(hours=1)), "sync", ok=False, detail="HttpError")
    success, latest = last_run(store, "sync", ok_only=True), last_run(store, "sync")
    assert success is not None and latest is not None
    assert (success.at, success.ok, success.detail) == (NOON, True, "12 people")
    assert (latest.at, latest.ok, latest.detail) == (NOON + timedelta(hours=1), False, "HttpError")
    assert last_run(store, "never") is None


def test_tracked_run_records_success_detail_and_failure_type() -> None:
    store = InMemoryStore()
    with tracked_run(store, FixedClock(NOON), "sync") as note:
        note.detail = "3 pairs"
    with pytest.raises(KeyError), tracked_run(store, FixedClock(NOON + timedelta(minutes=5)), "sync"):
        raise KeyError("boom")
    success, latest = last_run(store, "sync", ok_only=True), last_run(store, "sync")
    assert success is not None and success.detail == "3 pairs"
    assert latest is not None and (latest.ok, latest.detail) == (False, "KeyError")


def test_nothing_recorded_is_never_run_and_healthy() -> None:
    report = check_health(InMemoryStore(), InMemoryQueues(), FixedClock(NOON), TRIGGERS)
    assert report.ok
    assert [f.state for f in report.functions] == ["never-run", "never-run"]


def test_timer_that_ran_after_its_last_fire_time_is_ok() -> None:
    store, queues = InMemoryStore(), InMemoryQueues()
    record_run(store, FixedClock(NOON.replace(hour=2, minute=1)), "sync", ok=True)
    sync = report_at(store, queues, NOON)["sync"]
    assert sync["state"] == "ok"
    assert sync["last_success"] == "2025-06-02T02:01:00+00:00"
    assert sync["schedule"] == "0 0 2 * * *"


def test_timer_that_missed_its_schedule_is_stale_after_grace() -> None:
    store, queues = InMemoryStore(), InMemoryQueues()
    record_run(store, FixedClock(NOON - timedelta(days=1)), "sync", ok=True)  # yesterday noon
    before_grace = report_at(store, queues, NOON.replace(hour=2, minute=5))["sync"]
    after_grace = check_health(store, queues, FixedClock(NOON.replace(hour=2, minute=11)), TRIGGERS)
    assert before_grace["state"] == "ok"
    assert not after_grace.ok
    assert after_grace.as_json()["stale"] == ["sync"]
    assert after_grace.functions[0].missed == NOON.replace(hour=2, minute=0)


def test_timer_that_only_fails_is_stale() -> None:
    store, queues = InMemoryStore(), InMemoryQueues()
    record_run(store, FixedClock(NOON.replace(hour=2)), "sync", ok=False, detail="ODataError")
    sync = report_at(store, queues, NOON)["sync"]
    assert sync["state"] == "stale"
    assert sync["last_success"] is None
    assert sync["last_run"] == {"at": "2025-06-02T02:00:00+00:00", "ok": False, "detail": "ODataError"}


def test_queue_reports_backlog_and_poison() -> None:
    store, queues = InMemoryStore(), InMemoryQueues()
    record_run(store, FixedClock(NOON - timedelta(minutes=1)), "export_rows", ok=True)
    for n in range(3):
        queues.send("export", {"n": n})
    queues.send("export-poison", {"n": 99})
    export = report_at(store, queues, NOON)["export_rows"]
    assert (export["state"], export["backlog"], export["poison"], export["queue"]) == ("ok", 3, 1, "export")


def test_queue_with_waiting_messages_and_old_success_is_stale() -> None:
    store, queues = InMemoryStore(), InMemoryQueues()
    record_run(store, FixedClock(NOON - timedelta(hours=1)), "export_rows", ok=True)
    assert report_at(store, queues, NOON)["export_rows"]["state"] == "ok"  # idle, nothing waiting
    queues.send("export", {"n": 1})
    report = check_health(store, queues, FixedClock(NOON), TRIGGERS)
    assert not report.ok
    assert report.as_json()["status"] == "stale"
