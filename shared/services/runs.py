"""Run records: each timer and queue function notes its outcome, so health can tell when one stops.

Table ``runs``: partition = function name; row ``last`` is the latest run, ``last-ok`` the latest
success. ``detail`` is a short operational note (counts, an error type): never personal data.

A success writes both rows in one transaction. A queue function runs once per message, up to the connector's 30
cards a second, so it passes ``quiet``: a success within ``quiet`` of the last one this process recorded for the same
store is not written again (health looks for successes ``health.GRACE`` apart, ten times ``QUEUE_QUIET``). A failure
is always written, and the success after it too.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.ports.clock import Clock
from shared.ports.storage import Store, TransactionOp

TABLE = "runs"
LAST = "last"
LAST_OK = "last-ok"
_DETAIL_MAX = 500
QUEUE_QUIET = timedelta(minutes=1)  # a queue function's successes are recorded at most this often per process

# per store: each function's latest success this process wrote (a failure removes it, so the next success writes)
_recorded: weakref.WeakKeyDictionary[Store, dict[str, datetime]] = weakref.WeakKeyDictionary()


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
    if ok:
        store.transact(TABLE, name, [TransactionOp("upsert", LAST, data), TransactionOp("upsert", LAST_OK, data)])
    else:
        store.upsert(TABLE, name, LAST, data)
    return run


@contextmanager
def tracked_run(store: Store, clock: Clock, name: str, quiet: timedelta | None = None) -> Iterator[RunNote]:
    """Record success when the block completes, failure (the exception type) when it raises; re-raise.

    With ``quiet`` a success is not written when this process wrote one for ``name`` less than ``quiet`` ago (and
    no failure since): for queue functions, which run once per message.
    """
    note = RunNote()
    try:
        yield note
    except Exception as error:
        _recorded.get(store, {}).pop(name, None)
        record_run(store, clock, name, ok=False, detail=type(error).__name__)
        raise
    now = clock.now()
    if quiet is not None and _recently_recorded(store, name, now, quiet):
        return
    record_run(store, clock, name, ok=True, detail=note.detail)
    _recorded.setdefault(store, {})[name] = now


def _recently_recorded(store: Store, name: str, now: datetime, quiet: timedelta) -> bool:
    last = _recorded.get(store, {}).get(name)
    return last is not None and timedelta(0) <= now - last < quiet


def last_run(store: Store, name: str, ok_only: bool = False) -> Run | None:
    record = store.find(TABLE, name, LAST_OK if ok_only else LAST)
    if record is None:
        return None
    data = record.data
    return Run(datetime.fromisoformat(str(data["at"])), bool(data["ok"]), str(data.get("detail", "")))
