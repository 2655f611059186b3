"""What the series table says about every pair: state counts, the next conversations and the pairs without a
series, with their reason and closest options. Read-only, no Graph call (the dry run, health and HR use it).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.ports.storage import Record, Store
from shared.services.scheduling_records import SERIES
from shared.services.scheduling_records_plan import CLOSEST, extras_from_row, plan_from_row

UNSCHEDULED = frozenset(
    {"no-slot", "no-overlap", "no-mailbox", "zone-unknown", "free-busy-unknown", "mailbox-unavailable"}
)


@dataclass(frozen=True, slots=True)
class Upcoming:
    manager_id: str
    report_id: str
    start: datetime
    serves: str  # the milestone label, or "regular check-in"
    moved: str | None  # why this week left the pattern (outside hours, busy, milestone...), if it did
    extra: bool  # a single planning conversation outside the series


@dataclass(frozen=True, slots=True)
class Unscheduled:
    manager_id: str
    report_id: str
    state: str
    reason: str
    closest: tuple[tuple[datetime, tuple[str, ...]], ...]  # start, whose hours it is outside


def state_counts(store: Store) -> Counter[str]:
    """Pairs per series state (active, no-slot, removed-by-organiser, ...)."""
    return Counter(str(record.data.get("state") or "unknown") for record in store.query(SERIES))


def upcoming(store: Store, now: datetime, per_pair: int = 3) -> list[Upcoming]:
    """Each active pair's next ``per_pair`` conversations from the plan recorded with its series, in time order."""
    found: list[Upcoming] = []
    for record in _active(store.query(SERIES)):
        plan = plan_from_row(record.data)
        if plan is None:
            continue
        extras = {start for _, start, _ in extras_from_row(record.data)}
        ahead = [c for c in plan.conversations if c.start >= now][:per_pair]
        for c in ahead:
            serves = c.milestone_label or "regular check-in"
            extra = c.is_extra or c.start in extras
            found.append(Upcoming(record.partition, record.row, c.start, serves, c.moved_because, extra))
    return sorted(found, key=lambda u: (u.manager_id, u.report_id, u.start))


def unscheduled(store: Store) -> list[Unscheduled]:
    """Pairs recorded without a series, with why and the closest options (for no-slot and no-overlap)."""
    found = []
    for record in store.query(SERIES):
        state = str(record.data.get("state") or "")
        if state in UNSCHEDULED:
            found.append(
                Unscheduled(record.partition, record.row, state, str(record.data.get("reason") or ""), _closest(record))
            )
    return sorted(found, key=lambda u: (u.state, u.manager_id, u.report_id))


def _active(records: Iterable[Record]) -> Iterable[Record]:
    return (r for r in records if r.data.get("state") == "active")


def _closest(record: Record) -> tuple[tuple[datetime, tuple[str, ...]], ...]:
    raw = record.data.get(CLOSEST)
    if not raw:
        return ()
    return tuple((datetime.fromisoformat(o["start"]), tuple(o.get("outside", []))) for o in json.loads(str(raw)))


def pairs_summary(store: Store, limit: int = 20) -> dict[str, Any]:
    """For the health detail: pairs per state, and the first ``limit`` pairs without a series (ids, state, why,
    closest options as UTC starts). Counts include ``removed-by-organiser``: series managers deleted in Outlook."""
    rows = unscheduled(store)
    return {
        "by_state": dict(sorted(state_counts(store).items())),
        "without_series": [
            {
                "manager_id": u.manager_id,
                "report_id": u.report_id,
                "state": u.state,
                "reason": u.reason,
                "closest": [{"start": start.isoformat(), "outside_hours_of": list(who)} for start, who in u.closest],
            }
            for u in rows[:limit]
        ],
    }
