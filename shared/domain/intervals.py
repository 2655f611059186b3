"""Sets of instants (datetimes, or integers such as microseconds) as sorted, disjoint intervals ``[start, end)``.

Built once per pair, then every question about a candidate start is one bisect.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

type Span[T: (int, datetime)] = tuple[T, T]


def merged[T: (int, datetime)](spans: Iterable[Span[T]]) -> list[Span[T]]:
    """The union of ``spans`` as sorted, disjoint, non-touching intervals (empty ones dropped)."""
    result: list[Span[T]] = []
    for start, end in sorted(span for span in spans if span[0] < span[1]):
        if result and start <= result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
        else:
            result.append((start, end))
    return result


def intersection[T: (int, datetime)](left: list[Span[T]], right: list[Span[T]]) -> list[Span[T]]:
    """The intersection of two merged interval lists (a linear sweep)."""
    result: list[Span[T]] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start, end = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if start < end:
            result.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return result


class SpanSet[T: (int, datetime)]:
    """A union of half-open intervals with O(log n) membership."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[Span[T]] = ()) -> None:
        spans = merged(spans)
        self._starts: list[T] = [start for start, _ in spans]
        self._ends: list[T] = [end for _, end in spans]

    @classmethod
    def of_merged(cls, spans: list[Span[T]]) -> SpanSet[T]:
        """A set of spans already sorted, disjoint and non-touching (``merged``'s output), without merging again."""
        return cls.of_lists([start for start, _ in spans], [end for _, end in spans])

    @classmethod
    def of_lists(cls, starts: list[T], ends: list[T]) -> SpanSet[T]:
        """``of_merged`` from the starts and the ends (the set keeps both lists: the caller hands them over)."""
        made = cls.__new__(cls)
        made._starts, made._ends = starts, ends
        return made

    def bounds(self) -> tuple[list[T], list[T]]:
        """The sorted starts and ends (for callers that bisect them inline; never to be changed)."""
        return self._starts, self._ends

    @classmethod
    def all_of(cls, sets: Iterable[SpanSet[T]]) -> SpanSet[T]:
        """The intersection of ``sets`` (at least one)."""
        common: list[Span[T]] | None = None
        for other in sets:
            common = other.spans() if common is None else intersection(common, other.spans())
        if common is None:
            raise ValueError("the intersection of no sets is not defined")
        return cls(common)

    @classmethod
    def any_of(cls, sets: Iterable[SpanSet[T]]) -> SpanSet[T]:
        return cls(span for other in sets for span in other.spans())

    def spans(self) -> list[Span[T]]:
        return list(zip(self._starts, self._ends, strict=True))

    def __contains__(self, point: T) -> bool:
        index = bisect_right(self._starts, point) - 1
        return index >= 0 and point < self._ends[index]


def nearest_first(points: Sequence[int], around: int) -> Iterator[int]:
    """``points`` (ascending, distinct) nearest to ``around`` first, the earlier of two as near first: the order
    ``sorted(points, key=lambda p: (abs(p - around), p))`` gives, merged lazily from both sides of ``around``
    (a caller that stops at the first point that fits reads only a few)."""
    right = bisect_left(points, around)
    left, count = right - 1, len(points)
    while left >= 0 or right < count:
        if right >= count or (left >= 0 and around - points[left] <= points[right] - around):
            yield points[left]
            left -= 1
        else:
            yield points[right]
            right += 1
