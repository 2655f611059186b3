"""Run records: each timer and queue function notes its outcome, so health can tell when one stops.

Table ``runs``: partition = function name; row ``last`` is the latest run, ``last-ok`` the latest
success. ``detail`` is a short operational note (counts, an error type): never personal data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from shared.ports.clock import Clock
from shared.ports.storage import Store

TABLE = "runs"
LAST = "last"
LAST_OK = "last-ok"
_DETAIL_MAX = 500


@dataclass(frozen=True, slots=True)
class Run:
    at: datetime
    ok: bool
    detail: str


@dataclass
class RunNote:
    """What ``tracked_run`` records on success; set ``detail`` inside the block."""

    detail: str = ""


def record_run(store: Store, clock: Clock, name: str, ok: bool, detail: str = "") -> Run:
    run = Run(clock.now(), ok, detail[:_DETAIL_MAX])
    data = {"at": run.at.isoformat(), "ok": run.ok, "detail": run.detail}
    store.upsert(TABLE, name, LAST, data)
    if ok:
        store.upsert(TABLE, name, LAST_OK, data)
    return run


@contextmanager
def tracked_run(store: Store, clock: Clock, name: str) -> Iterator[RunNote]:
    """Record success when the block completes, failure (the exception type) when it raises; re-raise."""
    note = RunNote()
    try:
        yield note
    except Exception as error:
        record_run(store, clock, name, ok=False, detail=type(error).__name__)
        raise
    record_run(store, clock, name, ok=True, detail=note.detail)


def last_run(store: Store, name: str, ok_only: bool = False) -> Run | None:
    record = store.find(TABLE, name, LAST_OK if ok_only else LAST)
    if record is None:
        return None
    data = record.data
    return Run(datetime.fromisoformat(str(data["at"])), bool(data["ok"]), str(data.get("detail", "")))
