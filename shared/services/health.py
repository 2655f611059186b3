"""Health: for each timer and queue function, the last success, the backlog, and whether it is stale.

A timer is stale when a scheduled fire time more than ``grace`` ago passed after its last success
(it missed its schedule: scheduled jobs that stop silently are the failure this catches). A queue
function is stale when messages wait and its last success is older than ``grace``. A function that
has never recorded a run is reported as ``never-run`` and is not stale (a fresh deployment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.ports.clock import Clock
from shared.ports.storage import Queues, Store
from shared.services.runs import Run, last_run
from shared.services.triggers import QueueTrigger, TimerTrigger, Triggers

GRACE = timedelta(minutes=10)


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

    @property
    def ok(self) -> bool:
        return all(f.state != "stale" for f in self.functions)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "stale",
            "checked_at": self.checked_at.isoformat(),
            "stale": [f.name for f in self.functions if f.state == "stale"],
            "functions": [f.as_json() for f in self.functions],
        }


def check_health(
    store: Store, queues: Queues, clock: Clock, triggers: Triggers, grace: timedelta = GRACE
) -> HealthReport:
    now = clock.now()
    timers = [timer_health(store, t, now, grace) for t in triggers.timers]
    queued = [queue_health(store, queues, q, now, grace) for q in triggers.queues]
    return HealthReport(now, (*timers, *queued))


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
