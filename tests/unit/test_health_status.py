"""The anonymous health status: only ``{"status": ...}``, at most one storage read per request (counted)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import azure.functions as func
import pytest

from shared.ports.storage import Record, Where
from shared.services.health import StatusCache, summary_status
from shared.services.runs import record_run
from shared.services.triggers import QueueTrigger, TimerTrigger, Triggers
from tests.fakes.storage import InMemoryQueues, InMemoryStore

pytestmark = pytest.mark.unit

NOON = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
DAILY_2AM = TimerTrigger("sync", "0 0 2 * * *", "%WEGROW_SYNC_SCHEDULE%", "timer", None)
EXPORT = QueueTrigger("export_rows", "export", "msg", None)
TRIGGERS = Triggers(http=(), timers=(DAILY_2AM,), queues=(EXPORT,))


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class CountingStore:
    """A Store that counts every read (get, find, query) made through it; the data lives in an InMemoryStore."""

    def __init__(self) -> None:
        self.inner, self.reads = InMemoryStore(), 0

    def get(self, table: str, partition: str, row: str) -> Record:
        self.reads += 1
        return self.inner.get(table, partition, row)

    def find(self, table: str, partition: str, row: str) -> Record | None:
        self.reads += 1
        return self.inner.find(table, partition, row)

    def query(self, table: str, partition: str | None = None, where: Where | None = None) -> list[Record]:
        self.reads += 1
        return self.inner.query(table, partition, where)

    def __getattr__(self, name: str) -> Any:  # writes go straight through, uncounted
        return getattr(self.inner, name)


class CountingQueues(InMemoryQueues):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def length(self, queue: str) -> int:
        self.reads += 1
        return super().length(queue)


def test_status_is_ok_then_stale_from_run_rows_alone() -> None:
    store = InMemoryStore()
    assert summary_status(store.query("runs"), TRIGGERS, NOON) == "ok"  # never run: a fresh deployment
    record_run(store, Clock(NOON - timedelta(hours=9)), "sync", ok=True)  # 03:00, after the 02:00 fire
    assert summary_status(store.query("runs"), TRIGGERS, NOON) == "ok"
    assert summary_status(store.query("runs"), TRIGGERS, NOON + timedelta(days=1)) == "stale"  # missed 02:00
    record_run(store, Clock(NOON), "export_rows", ok=False, detail="HttpError")
    assert summary_status(store.query("runs"), TRIGGERS, NOON + timedelta(minutes=20)) == "stale"


def test_cache_reads_storage_once_per_ttl_and_never_reads_queues() -> None:
    store, queues = CountingStore(), CountingQueues()
    record_run(store, Clock(NOON), "sync", ok=True)
    cache, clock = StatusCache(ttl=timedelta(seconds=30)), Clock(NOON)
    assert [cache.status(store, clock, TRIGGERS) for _ in range(50)] == ["ok"] * 50
    assert store.reads == 1 and queues.reads == 0
    clock.at += timedelta(seconds=31)
    cache.status(store, clock, TRIGGERS)
    assert store.reads == 2


class Deps:
    def __init__(self, store: CountingStore, queues: CountingQueues, clock: Clock) -> None:
        self.store, self.queues, self.clock = store, queues, clock


def call(function: Any, **params: str) -> func.HttpResponse:
    request = func.HttpRequest("GET", "http://localhost/api/health", params=dict(params), body=b"")
    response = function.build().get_user_function()(request)
    assert isinstance(response, func.HttpResponse)
    return response


def route(name: str) -> Any:
    import importlib

    bp = importlib.import_module("functions.health").bp
    return next(f for f in bp._function_builders if f._function.get_function_name() == name)


def test_anonymous_route_answers_only_the_status_with_at_most_one_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import shared.container

    health = importlib.import_module("functions.health")

    store, queues = CountingStore(), CountingQueues()
    record_run(store, Clock(NOON), "export_outbox", ok=True, detail="3 rows")
    queues.send("export", {"row": 1})
    monkeypatch.setattr(shared.container, "container", lambda: Deps(store, queues, Clock(NOON)))
    health.status_cache.cache_clear()
    bodies: list[Mapping[str, Any]] = []
    for _ in range(5):
        before = store.reads
        response = call(route("health"))
        assert store.reads - before <= 1
        bodies.append(json.loads(response.get_body()))
    assert bodies == [{"status": "ok"}] * 5
    assert store.reads == 1 and queues.reads == 0
    detail = json.loads(call(route("health_detail")).get_body())
    by_name = {f["name"]: f for f in detail["functions"]}
    assert by_name["export_outbox"]["backlog"] == 1 and by_name["export_outbox"]["last_run"]["detail"] == "3 rows"
    health.status_cache.cache_clear()


def test_detail_route_needs_a_function_key_and_the_status_route_does_not() -> None:
    levels = {name: route(name)._function.get_trigger().auth_level for name in ("health", "health_detail")}
    assert levels == {"health": func.AuthLevel.ANONYMOUS, "health_detail": func.AuthLevel.FUNCTION}
    assert route("health_detail")._function.get_trigger().route == "health/detail"
