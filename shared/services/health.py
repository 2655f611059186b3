"""Health: for each timer and queue function, the last success, the backlog, and whether it is stale.

Two views. The *detail* (:func:`check_health`, behind a function key) reads every run record and queue
length. The anonymous *status* (:class:`StatusCache`) answers ``ok`` or ``stale`` only, from a summary
kept in memory for ``STATUS_TTL``; refreshing it costs one storage read (one query of the ``runs``
table), so no anonymous request can make the app do more than that. The status sees timers that missed
their schedule and functions whose latest run failed; a backlog waiting on a silent queue shows in the detail.

A timer is stale when a scheduled fire time more than ``grace`` ago passed after its last success
(it missed its schedule: scheduled jobs that stop silently are the failure this catches). A queue
function is stale when messages wait and its last success is older than ``grace``. A function that
has never recorded a run is reported as ``never-run`` and is not stale (a fresh deployment).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.ports.clock import Clock
from shared.ports.storage import Queues, Record, Store
from shared.services.health_notices import Notice, notices
from shared.services.runs import LAST, LAST_OK, TABLE, Run, last_run
from shared.services.triggers import QueueTrigger, TimerTrigger, Triggers

GRACE = timedelta(minutes=10)
STATUS_TTL = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class FunctionHealth:
    name: str
    kind: str  # "timer" | "queue"
    state: str  # "ok" | "stale" | "never-run"
    last_success: datetime | None
    last_run: Run | None
    schedule: str | None = None
    missed: datetime | None = None  # the fire time a stale timer missed
    queue: str | None = None
    backlog: int | None = None
    poison: int | None = None

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "state": self.state,
            "last_success": _iso(self.last_success),
            "last_run": None if self.last_run is None else _run_json(self.last_run),
        }
        extra = {"schedule": self.schedule, "missed": _iso(self.missed), "queue": self.queue}
        doc.update({k: v for k, v in extra.items() if v is not None})
        if self.kind == "queue":
            doc.update(backlog=self.backlog, poison=self.poison)
        return doc


@dataclass(frozen=True, slots=True)
class HealthReport:
    checked_at: datetime
    functions: tuple[FunctionHealth, ...]
    notices: tuple[Notice, ...] = ()  # what an admin must fix that no run shows (health_notices.py); not stale

    @property
    def ok(self) -> bool:
        return all(f.state != "stale" for f in self.functions)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "stale",
            "checked_at": self.checked_at.isoformat(),
            "stale": [f.name for f in self.functions if f.state == "stale"],
            "functions": [f.as_json() for f in self.functions],
            "notices": [n.as_json() for n in self.notices],
        }


def check_health(
    store: Store, queues: Queues, clock: Clock, triggers: Triggers, grace: timedelta = GRACE
) -> HealthReport:
    now = clock.now()
    timers = [timer_health(store, t, now, grace) for t in triggers.timers]
    queued = [queue_health(store, queues, q, now, grace) for q in triggers.queues]
    return HealthReport(now, (*timers, *queued), notices(store))


def timer_health(store: Store, timer: TimerTrigger, now: datetime, grace: timedelta) -> FunctionHealth:
    success, latest = last_run(store, timer.name, ok_only=True), last_run(store, timer.name)
    due = timer.cron.previous_at_or_before(now - grace)
    if latest is None:
        state, missed = "never-run", None
    elif success is None or success.at < due:
        state, missed = "stale", due
    else:
        state, missed = "ok", None
    return FunctionHealth(timer.name, "timer", state, _at(success), latest, schedule=timer.schedule, missed=missed)


def queue_health(
    store: Store, queues: Queues, trigger: QueueTrigger, now: datetime, grace: timedelta
) -> FunctionHealth:
    success, latest = last_run(store, trigger.name, ok_only=True), last_run(store, trigger.name)
    backlog = queues.length(trigger.queue)
    poison = queues.length(f"{trigger.queue}-poison")
    if latest is None:
        state = "never-run"
    elif backlog > 0 and (success is None or success.at < now - grace):
        state = "stale"
    else:
        state = "ok"
    return FunctionHealth(
        trigger.name, "queue", state, _at(success), latest, queue=trigger.queue, backlog=backlog, poison=poison
    )


def _at(run: Run | None) -> datetime | None:
    return None if run is None else run.at


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _run_json(run: Run) -> dict[str, Any]:
    return {"at": run.at.isoformat(), "ok": run.ok, "detail": run.detail}


def _run_of(record: Record | None) -> Run | None:
    if record is None:
        return None
    return Run(
        datetime.fromisoformat(str(record.data["at"])), bool(record.data.get("ok")), str(record.data.get("detail", ""))
    )


def summary_status(runs: Sequence[Record], triggers: Triggers, now: datetime, grace: timedelta = GRACE) -> str:
    """``ok`` or ``stale`` from the ``runs`` rows alone (no queue lengths, no other reads)."""
    rows: Mapping[tuple[str, str], Record] = {(r.partition, r.row): r for r in runs}

    def runs_of(name: str) -> tuple[Run | None, Run | None]:
        return _run_of(rows.get((name, LAST_OK))), _run_of(rows.get((name, LAST)))

    for timer in triggers.timers:
        success, latest = runs_of(timer.name)
        if latest is not None and (success is None or success.at < timer.cron.previous_at_or_before(now - grace)):
            return "stale"
    for trigger in triggers.queues:
        success, latest = runs_of(trigger.name)
        if latest is not None and not latest.ok and (success is None or success.at < now - grace):
            return "stale"
    return "ok"


class StatusCache:
    """The anonymous health status, refreshed at most once per ``ttl`` with one query of the ``runs`` table."""

    def __init__(self, ttl: timedelta = STATUS_TTL) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._status: str | None = None
        self._expires: datetime | None = None

    def status(self, store: Store, clock: Clock, triggers: Triggers, grace: timedelta = GRACE) -> str:
        with self._lock:
            now = clock.now()
            if self._status is None or self._expires is None or now >= self._expires:
                self._status = summary_status(store.query(TABLE), triggers, now, grace)
                self._expires = now + self.ttl
            return self._status
