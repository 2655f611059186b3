"""A manager's WeGrow load: the conversations already planned on their calendar, by local date and ISO week.

Each live series record keeps the UTC starts of its conversations in the horizon (``conversations``, written
when the series is created or repaired). Counting from the records, not from free/busy, tells WeGrow's own
conversations apart from other meetings, for the daily and weekly caps. A record written before the list
existed counts its weekly pattern from ``first_start``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.ports.storage import Store
from shared.services.scheduling_records import SERIES

CONVERSATIONS = "conversations"
LIVE_STATES = frozenset({"active"})


def encode_starts(starts: Iterable[datetime]) -> str:
    """The record field: a JSON list of ISO UTC starts, in time order."""
    return json.dumps(sorted(start.isoformat() for start in starts))


def decode_starts(data: Mapping[str, Any], rhythm_weeks: int, until: datetime) -> list[datetime]:
    """The conversation starts a series record holds (or its weekly pattern up to ``until`` for an old record)."""
    raw = data.get(CONVERSATIONS)
    if raw:
        return [datetime.fromisoformat(value) for value in json.loads(str(raw))]
    first = data.get("first_start")
    if not first:
        return []
    start, step, starts = datetime.fromisoformat(str(first)), timedelta(weeks=rhythm_weeks), list[datetime]()
    while start < until:
        starts.append(start)
        start += step
    return starts


def manager_starts(
    store: Store, manager_id: str, rhythm_weeks: int, until: datetime, skip_report: str | None = None
) -> list[datetime]:
    """Every planned conversation start of the manager's live series (one partition query)."""
    starts: list[datetime] = []
    for record in store.query(SERIES, manager_id):
        if record.row != skip_report and record.data.get("state") in LIVE_STATES:
            starts.extend(decode_starts(record.data, rhythm_weeks, until))
    return starts


def load_by_day(starts: Sequence[datetime], zone: ZoneInfo) -> Counter[date]:
    """How many conversations fall on each of the manager's local dates."""
    return Counter(start.astimezone(zone).date() for start in starts)
