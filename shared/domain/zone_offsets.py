"""A zone's UTC offset as a step function of UTC time, so local time is UTC plus a constant between changes.

``zoneinfo`` answers one instant at a time; the slot maths asks about thousands of instants per pair. The
offset only changes at a zone's transitions (DST, or a change of standard time), so the changes of a UTC year
are found once per process (sampled every few hours, then bisected to the second) and cached. Between two
changes, local wall time is ``utc + offset``: plain integer arithmetic, in microseconds since the Unix epoch.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
DAY_US = 24 * 60 * MINUTE_US
_ZERO = timedelta(0)
_SAMPLE = timedelta(hours=3)  # no zone changes its offset twice within three hours
_DAY = timedelta(days=1)  # nor changes it and back within a day


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
    """(utc_us, offset_us) pairs: the offset from the start of the UTC ``year``, then at each change in it.

    Once per zone and year. The year is read a day at a time (~370 ``utcoffset()`` samples, compared as the
    ``timedelta``s ``zoneinfo`` gives), and a day whose end reads another offset is read again every three
    hours as the whole year once was, so the changes are the ones that scan found (no zone changes its offset
    and back within a day: tests/unit/test_zone_offsets_changes.py compares both scans over every zone)."""
    moment, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    last = _offset(zone, moment)
    changes = [(to_us(moment), last // MICROSECOND)]
    while moment < end:
        day_end = min(moment + _DAY, end)
        if _offset(zone, day_end) != last:
            last = _scan(zone, moment, day_end, last, changes)
        moment = day_end
    return tuple(changes)


def _scan(
    zone: ZoneInfo, moment: datetime, end: datetime, last: timedelta, changes: list[tuple[int, int]]
) -> timedelta:
    """The changes in ``(moment, end]`` read every three hours (appended to ``changes``); the offset after them."""
    while moment < end:
        following = min(moment + _SAMPLE, end)
        if _offset(zone, following) != last:
            change = _change_between(zone, moment, following)
            last = _offset(zone, change)
            changes.append((to_us(change), last // MICROSECOND))
        moment = following
    return last


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or _ZERO


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


@lru_cache(maxsize=1024)
def clock_of_years(zone: ZoneInfo, first_year: int, last_year: int) -> ZoneClock:
    """``ZoneClock.between`` for whole UTC years ``first_year`` to ``last_year`` (cached: pairs share zones)."""
    first, last = datetime(first_year, 1, 1, tzinfo=UTC), datetime(last_year, 12, 31, tzinfo=UTC)
    return ZoneClock.between(zone, to_us(first), to_us(last))


_EPOCH_ORDINAL = EPOCH.date().toordinal()
_NAIVE_EPOCH = EPOCH.replace(tzinfo=None)


def day_number(day: date) -> int:
    """Days since 1970-01-01 (the local day number of ``LocalClock.day``)."""
    return day.toordinal() - _EPOCH_ORDINAL


def from_day_number(number: int) -> date:
    return date.fromordinal(number + _EPOCH_ORDINAL)


class LocalClock:
    """One zone's local time on integer microseconds, exactly as ``zoneinfo`` reads it.

    ``day``: the local date of a UTC instant, as days since 1970-01-01 (``astimezone(zone).date()``).
    ``utc``: the UTC instant of a local wall time (microseconds since 1970-01-01 00:00 wall time), with
    ``fold=0`` as ``datetime.replace(tzinfo=zone)`` and ``datetime.combine(..., zone)`` take it (PEP 495): a
    wall time in a gap or a fold uses the offset before the change. Inside the change table's years both are
    bisects; outside them ``zoneinfo`` answers (for ``utc``, also within a day of their ends: a wall time read
    near a change the table does not hold would land within a day of it).
    """

    __slots__ = ("_high", "_low", "_offsets", "_starts", "_wall_high", "_wall_low", "_walls", "zone")

    def __init__(self, zone: ZoneInfo, first_year: int, last_year: int) -> None:
        clock = clock_of_years(zone, first_year, last_year)
        self.zone = zone
        self._starts, self._offsets = clock.starts, clock.offsets
        # fold=0: a wall time belongs to the period before a change until it reads past both offsets' walls
        self._walls = tuple(
            start + max(before, after)
            for start, before, after in zip(clock.starts[1:], clock.offsets, clock.offsets[1:], strict=False)
        )
        self._low = to_us(datetime(first_year, 1, 1, tzinfo=UTC))
        self._high = to_us(datetime(last_year + 1, 1, 1, tzinfo=UTC))
        self._wall_low, self._wall_high = self._low + DAY_US, self._high - DAY_US

    def offset(self, utc_us: int) -> int:
        if self._low <= utc_us < self._high:
            return self._offsets[bisect_right(self._starts, utc_us) - 1]
        return _offset_us(self.zone, from_us(utc_us))

    def day(self, utc_us: int) -> int:
        """The local day number of a UTC instant."""
        if self._low <= utc_us < self._high:
            return (utc_us + self._offsets[bisect_right(self._starts, utc_us) - 1]) // DAY_US
        return day_number(from_us(utc_us).astimezone(self.zone).date())

    def one_day(self, first_us: int, last_us: int) -> int | None:
        """The local day number of every instant in ``[first_us, last_us]`` when it is one and the same (no
        change of offset between them, one local date), else None."""
        if not (self._low <= first_us <= last_us < self._high):
            return None
        index = bisect_right(self._starts, first_us)
        if index != bisect_right(self._starts, last_us):
            return None
        offset = self._offsets[index - 1]
        day = (first_us + offset) // DAY_US
        return day if (last_us + offset) // DAY_US == day else None

    def wall(self, utc_us: int) -> int:
        """Local wall time of a UTC instant (microseconds since the local epoch)."""
        return utc_us + self.offset(utc_us)

    def utc(self, wall_us: int) -> int:
        """The UTC instant of a local wall time (``fold=0``)."""
        utc_us = wall_us - self._offsets[bisect_right(self._walls, wall_us)]
        if self._wall_low <= utc_us < self._wall_high:
            return utc_us
        return to_us((_NAIVE_EPOCH + timedelta(microseconds=wall_us)).replace(tzinfo=self.zone))


def local_clock(zone: ZoneInfo, first_us: int, last_us: int) -> LocalClock:
    """A ``LocalClock`` with the change tables of the UTC years from ``first_us`` to ``last_us`` (cached)."""
    return _local_clock(zone, max(from_us(first_us).year, 2), min(from_us(last_us).year, 9997))


@lru_cache(maxsize=256)
def _local_clock(zone: ZoneInfo, first_year: int, last_year: int) -> LocalClock:
    return LocalClock(zone, first_year, last_year)
