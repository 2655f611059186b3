"""One person's hard busy time as merged microsecond spans, kept up to date while their busy list grows.

``PairSets`` turns busy items into the starts they block: a start ``s`` overlaps an item ``[b, e)`` when
``b - lead <= s < e`` (``lead`` is the duration less one microsecond), and is back-to-back with it when it is
within ``pad`` of such a span. A run plans a manager's pairs one after another from one cached view whose busy
lists only grow (each plan's conversations are appended to both people's lists), and converting and merging
a manager's whole list again for every pair cost more than the rest of the plan. So the spans of the items
already seen are kept per list object, and only the items appended since are added (a bisect each).

Exact whatever the caller does with its lists: the items seen before must still be the list's first items,
object for object (``Busy`` is frozen), or the list is read again from scratch. A merged list of disjoint,
non-touching spans is the only one for its union, so adding spans one by one gives what merging them all does.
"""

from __future__ import annotations

import operator
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import UTC, datetime

from shared.domain.calendar import Busy
from shared.domain.intervals import SpanSet, merged
from shared.domain.zone_offsets import to_us

_LIMIT = 4096  # lists remembered at once (a run's views hold a few per person); beyond it, start afresh
_INSTANTS_LIMIT = 1 << 17


class _Spans:
    """Merged blocked spans and merged padded (buffer) spans of the items ``seen`` so far."""

    __slots__ = ("blocked", "buffer", "seen")

    def __init__(self) -> None:
        self.seen: list[Busy] = []
        self.blocked: tuple[list[int], list[int]] = ([], [])
        self.buffer: tuple[list[int], list[int]] = ([], [])


Key = tuple[int, frozenset[str], int, int]
_cache: dict[Key, tuple[Sequence[Busy], _Spans]] = {}
_lock = threading.Lock()


def person_spans(
    items: Sequence[Busy], statuses: frozenset[str], lead: int, pad: int
) -> tuple[SpanSet[int], SpanSet[int]]:
    """The starts one person's items block (status in ``statuses``) and those within ``pad`` of them."""
    key = (id(items), statuses, lead, pad)
    with _lock:
        entry = _cache.get(key)
        if entry is not None and entry[0] is items and _still_prefix(entry[1].seen, items):
            spans = entry[1]
            _add_items(spans, items[len(spans.seen) :], statuses, lead, pad)
        else:
            spans = _build(items, statuses, lead, pad)
            if len(_cache) >= _LIMIT:
                _cache.clear()
            _cache[key] = (items, spans)
        return _copy(spans.blocked), _copy(spans.buffer)


def _still_prefix(seen: list[Busy], items: Sequence[Busy]) -> bool:
    return len(items) >= len(seen) and all(map(operator.is_, seen, items))


def _build(items: Sequence[Busy], statuses: frozenset[str], lead: int, pad: int) -> _Spans:
    spans = _Spans()
    spans.seen = list(items)
    blocked = merged([(_us(item.start) - lead, _us(item.end)) for item in items if item.status in statuses])
    spans.blocked = ([start for start, _ in blocked], [end for _, end in blocked])
    buffer = merged([(start - pad, end + pad) for start, end in blocked])
    spans.buffer = ([start for start, _ in buffer], [end for _, end in buffer])
    return spans


def _add_items(spans: _Spans, new: Sequence[Busy], statuses: frozenset[str], lead: int, pad: int) -> None:
    for item in new:
        spans.seen.append(item)
        if item.status in statuses:
            start, end = _us(item.start) - lead, _us(item.end)
            if start < end:
                _add(spans.blocked, start, end)
                _add(spans.buffer, start - pad, end + pad)


def _add(spans: tuple[list[int], list[int]], start: int, end: int) -> None:
    """Add ``[start, end)`` to merged spans, merging those it overlaps or touches."""
    starts, ends = spans
    first = bisect_left(ends, start)  # the first span that ends at or after ``start``
    stop = bisect_right(starts, end)  # past the last span that starts at or before ``end``
    if first == stop:
        starts.insert(first, start)
        ends.insert(first, end)
    else:
        starts[first:stop] = [min(start, starts[first])]
        ends[first:stop] = [max(end, ends[stop - 1])]


_instants: dict[datetime, int] = {}  # UTC instants of busy items already read (people share half hours)


def _us(moment: datetime) -> int:
    """``to_us``, remembered for UTC instants (the ones Graph's answers give; a UTC time has no fold, so equal
    keys are one instant)."""
    if moment.tzinfo is not UTC:
        return to_us(moment)
    found = _instants.get(moment)
    if found is None:
        if len(_instants) >= _INSTANTS_LIMIT:
            _instants.clear()
        found = _instants[moment] = to_us(moment)
    return found


def _copy(spans: tuple[list[int], list[int]]) -> SpanSet[int]:
    return SpanSet.of_lists(list(spans[0]), list(spans[1]))
