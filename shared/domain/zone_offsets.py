"""A zone's UTC offset as a step function of UTC time, so local time is UTC plus a constant between changes.

``zoneinfo`` answers one instant at a time; the slot maths asks about thousands of instants per pair. The
offset only changes at a zone's transitions (DST, or a change of standard time), so the changes of a UTC year
are found once per process (sampled every few hours, then bisected to the second) and cached. Between two
changes, local wall time is ``utc + offset``: plain integer arithmetic, in microseconds since the Unix epoch.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
DAY_US = 24 * 60 * MINUTE_US
_SAMPLE = timedelta(hours=3)  # no zone changes its offset twice within three hours


def to_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch (exact, for an aware datetime)."""
    return (moment - EPOCH) // MICROSECOND


def from_us(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


def _offset_us(zone: ZoneInfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    return (offset or timedelta(0)) // MICROSECOND


def _change_between(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first whole second in ``(before, after]`` whose offset differs from the offset at ``before``."""
    low, high, offset = 0, int((after - before).total_seconds()), _offset_us(zone, before)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_us(zone, before + timedelta(seconds=middle)) == offset:
            low = middle
        else:
            high = middle
    return before + timedelta(seconds=high)


@cache
def year_changes(zone: ZoneInfo, year: int) -> tuple[tuple[int, int], ...]:
    """(utc_us, offset_us) pairs: the offset from the start of the UTC ``year``, then at each change in it."""
    moment, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    changes = [(to_us(moment), _offset_us(zone, moment))]
    while moment < end:
        following = min(moment + _SAMPLE, end)
        if _offset_us(zone, following) != changes[-1][1]:
            change = _change_between(zone, moment, following)
            changes.append((to_us(change), _offset_us(zone, change)))
        moment = following
    return tuple(changes)


@dataclass(frozen=True, slots=True)
class ZoneClock:
    """A zone's offsets between two UTC instants: ``starts[i]`` is where ``offsets[i]`` begins to hold."""

    starts: tuple[int, ...]
    offsets: tuple[int, ...]

    @classmethod
    def between(cls, zone: ZoneInfo, first_us: int, last_us: int) -> ZoneClock:
        """The offsets of ``zone`` for every instant from ``first_us`` to ``last_us`` (any earlier ones too)."""
        starts: list[int] = []
        offsets: list[int] = []
        for year in range(from_us(first_us).year, from_us(last_us).year + 1):
            for start, offset in year_changes(zone, year):
                if not offsets or offset != offsets[-1]:
                    starts.append(start)
                    offsets.append(offset)
        starts[0] = -(1 << 62)  # the first offset also holds before the first year (callers stay inside)
        return cls(tuple(starts), tuple(offsets))

    def offset(self, utc_us: int) -> int:
        return self.offsets[bisect_right(self.starts, utc_us) - 1]

    def local(self, utc_us: int) -> int:
        """Local wall time as microseconds since the local epoch (1970-01-01 00:00 wall time)."""
        return utc_us + self.offset(utc_us)

    def pieces(self, first_us: int, last_us: int) -> list[tuple[int, int, int]]:
        """(start, end, offset) runs of constant offset covering ``[first_us, last_us)``."""
        index = bisect_right(self.starts, first_us) - 1
        runs, start = [], first_us
        while start < last_us:
            end = self.starts[index + 1] if index + 1 < len(self.starts) else last_us
            runs.append((start, min(end, last_us), self.offsets[index]))
            start, index = min(end, last_us), index + 1
        return runs
