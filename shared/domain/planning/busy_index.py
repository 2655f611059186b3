"""Hard busy time of one person, indexed for O(log n) overlap checks.

Items are sorted by start with a running maximum of their ends: among the items that start before a slot
ends (a prefix, found by bisect), one overlaps the slot exactly when the largest end exceeds its start.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import datetime

from shared.domain.calendar import Busy


class BusyIndex:
    """Busy items whose status is in ``statuses``; ``overlaps`` answers in O(log n)."""

    __slots__ = ("_max_ends", "_starts")

    def __init__(self, items: Iterable[Busy], statuses: frozenset[str]) -> None:
        spans = sorted((item.start, item.end) for item in items if item.status in statuses)
        self._starts = [start for start, _ in spans]
        self._max_ends: list[datetime] = []
        for _, end in spans:
            self._max_ends.append(end if not self._max_ends or end > self._max_ends[-1] else self._max_ends[-1])

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether any indexed item overlaps ``[start, end)``."""
        before_end = bisect_left(self._starts, end)
        return before_end > 0 and self._max_ends[before_end - 1] > start
