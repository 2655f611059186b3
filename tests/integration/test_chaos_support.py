"""Helpers for the fault suite (no tests here): end-state snapshots, emulator-side duplicate counts, crash hooks.

``WEGROW_CHAOS_FULL=1`` (``make chaos``) runs the full number of trials; ``make test`` runs a few. Each test writes
its counts to ``out/chaos/<name>.json``; ``python -m tests.bench.reliability`` turns them into docs/reliability.md.

Seeds: each test takes its fault seed from the run (random, or ``WEGROW_CHAOS_SEED`` to replay one) and prints it
(``pytest -s`` shows it at once; otherwise pytest shows it with a failure's captured output).
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from shared.adapters.graph.mapping_events import SERIES_PROPERTY_ID, series_expand
from shared.ports.storage import Store
from shared.services.scheduling_records import SERIES

REPO = Path(__file__).resolve().parents[2]
CHAOS_OUT = REPO / "out" / "chaos"
FULL = os.environ.get("WEGROW_CHAOS_FULL") == "1"
FAULT_RATE = 0.10
FULL_TIMEOUT_S = 1200  # a full-mode test runs up to 20 trials, each a whole year-round cycle on the emulator
# Fields of a series record that must match between a clean run and a faulty or crashed one. Event ids differ by
# run, and the first slot may too: a re-run handles pairs in another order, and a manager's series created first
# is busy time for the next one. Both orders give one valid, conflict-free series per pair, except where the
# last free slot of a person is contested: then whichever pair ran first gets it, and the other is "fully booked".
COMPARED = ("state", "series_id", "until", "reason")
CONTESTED = "fully booked in window"
# Reasons a pair found its time taken by pairs handled before it (order-dependent): busy, the caps, or the ledger.
CONTESTED_REASONS = (CONTESTED, "the manager already has", "the best ")


SEED_VARIABLE = "WEGROW_CHAOS_SEED"


def run_seed(name: str) -> int:
    """This run's fault seed for the test ``name``: ``WEGROW_CHAOS_SEED`` when set, else random; printed to replay."""
    raw = os.environ.get(SEED_VARIABLE, "").strip()
    seed = int(raw) if raw else random.SystemRandom().randrange(1, 2**31)
    print(f"\n[chaos] {name}: {SEED_VARIABLE}={seed}  (replay: {SEED_VARIABLE}={seed} make chaos)", flush=True)
    return seed


def seeds(name: str, count: int) -> list[int]:
    """``count`` consecutive fault seeds starting at this run's seed (one per trial)."""
    first = run_seed(name)
    return [first + offset for offset in range(count)]


def trials(small: int, full: int) -> int:
    return full if FULL else small


def frozen_now() -> datetime:
    """One instant for a clean run and the run it is compared with, so both choose the same slots."""
    return datetime.now(UTC).replace(microsecond=0)


def snapshot(store: Store) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The scheduling end state: per pair, the compared fields of its series record."""
    return {(r.partition, r.row): tuple(r.data.get(k) for k in COMPARED) for r in store.query(SERIES)}


def contested(one: tuple[Any, ...] | None, other: tuple[Any, ...] | None) -> bool:
    """One run booked the pair's series and the other found the time it needed already taken (order-dependent)."""
    if one is None or other is None or one[1] != other[1]:
        return False
    reasons = [str(r) for r in (one[3], other[3]) if r]
    return {one[0], other[0]} == {"active", "no-slot"} and any(r.startswith(CONTESTED_REASONS) for r in reasons)


def end_state_diff(clean: dict[Any, Any], other: dict[Any, Any]) -> int:
    """How many pairs differ (missing, extra or changed) between two snapshots, contested slots apart."""
    keys = clean.keys() | other.keys()
    return sum(1 for key in keys if clean.get(key) != other.get(key) and not contested(clean.get(key), other.get(key)))


def contested_pairs(clean: dict[Any, Any], other: dict[Any, Any]) -> int:
    """Pairs one run scheduled and the other found fully booked: counted, not failed."""
    return sum(1 for key in clean.keys() & other.keys() if contested(clean[key], other[key]))


def diff_details(clean: dict[Any, Any], other: dict[Any, Any]) -> list[str]:
    keys = sorted(
        k
        for k in clean.keys() | other.keys()
        if clean.get(k) != other.get(k) and not contested(clean.get(k), other.get(k))
    )
    return [f"{k}: clean {clean.get(k)} vs {other.get(k)}" for k in keys]


def series_tags(root: str, manager_ids: Iterable[str]) -> Counter[str]:
    """Tagged series masters in each manager's calendar, counted by series id, read from the emulator directly."""
    tags: Counter[str] = Counter()
    with httpx.Client(timeout=30) as client:
        for manager in sorted(set(manager_ids)):
            url: str | None = f"{root}/v1.0/users/{manager}/events"
            params: dict[str, str] | None = {"$expand": series_expand(), "$top": "999"}
            while url:
                page = client.get(url, params=params).raise_for_status().json()
                for event in page.get("value", []):
                    for prop in event.get("singleValueExtendedProperties") or []:
                        if prop.get("id") == SERIES_PROPERTY_ID:
                            tags[prop["value"]] += 1
                url, params = page.get("@odata.nextLink"), None
    return tags


def managers_of(tenant: dict[str, Any]) -> set[str]:
    return {str(p["managerId"]) for p in tenant["people"] if p.get("managerId")}


def write_counts(name: str, counts: dict[str, Any]) -> None:
    CHAOS_OUT.mkdir(parents=True, exist_ok=True)
    payload = {**counts, "full": FULL, "date": datetime.now(UTC).date().isoformat()}
    (CHAOS_OUT / f"{name}.json").write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")


class Crash(RuntimeError):
    """The simulated kill of a worker."""


class Dying:
    """Wraps any port: the N-th call to one of its coroutine or plain methods raises Crash after (or before) acting."""

    def __init__(self, inner: Any, die_at: int, after: bool) -> None:
        self.inner, self.die_at, self.after, self.calls = inner, die_at, after, 0

    def __getattr__(self, name: str) -> Any:
        target = getattr(self.inner, name)
        if not callable(target) or name.startswith("_"):
            return target
        return self._wrap(target)

    def _tick(self) -> None:
        self.calls += 1
        if self.calls == self.die_at:
            raise Crash(f"killed at call {self.calls}")

    def _wrap(self, target: Any) -> Any:
        import inspect

        if inspect.iscoroutinefunction(target):

            async def call_async(*args: Any, **kwargs: Any) -> Any:
                if not self.after:
                    self._tick()
                result = await target(*args, **kwargs)
                if self.after:
                    self._tick()
                return result

            return call_async

        def call(*args: Any, **kwargs: Any) -> Any:
            if not self.after:
                self._tick()
            result = target(*args, **kwargs)
            if self.after:
                self._tick()
            return result

        return call


def kill_point(rng: random.Random, calls_in_clean_run: int) -> tuple[int, bool]:
    return rng.randint(1, max(1, calls_in_clean_run)), rng.random() < 0.5
