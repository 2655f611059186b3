"""Placing the pattern: each occurrence stays where the weekly time puts it, or moves, or is skipped.

An occurrence that breaks a hard rule becomes an instance exception at the nearest valid time: the same
manager-local time on the nearest days first (±1, ±2, ... ±7), then any other time within ±7 days, nearest
first (a week either way is as far as the gaps allow: the rhythm plus the regular window); a strict time
(no soft rule broken) beats a relaxed one. The new time keeps the gaps to the previous placed conversation
and to the next pattern occurrence. With no such time, the occurrence is
skipped (the product cancels that instance) with the reason: it is never left outside anyone's hours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta

from shared.domain.planning.checks import MOVE_REASONS, Gaps, Load, PairCheck
from shared.domain.planning.grid import working_starts
from shared.domain.planning.model import Conversation, YearRequest

MOVE_DAYS = 7
# how far a move for a reason (busy, limits, hours) may take a conversation from its pattern start: an hour more
# than the days, for a DST change in between; a milestone may take it further (``cascade``, ``micro_cascade``)
MOVE_REACH = timedelta(days=MOVE_DAYS, hours=1)


def nearby_starts(pattern_start: datetime, request: YearRequest) -> Iterator[datetime]:
    """Where a failing occurrence may go, in order of preference (never the pattern start itself)."""
    zone, rules = request.people[0].zone, request.rules
    wall = pattern_start.astimezone(zone).replace(tzinfo=None)
    for days in (d * sign for d in range(1, MOVE_DAYS + 1) for sign in (1, -1)):
        yield (wall + timedelta(days=days)).replace(tzinfo=zone).astimezone(UTC)
    reach = timedelta(days=MOVE_DAYS)
    others = working_starts(request.people[0], pattern_start - reach, pattern_start + reach + rules.duration, rules)
    yield from sorted((s for s in others if s != pattern_start), key=lambda s: (abs(s - pattern_start), s))


def first_fit(
    check: PairCheck,
    load: Load,
    starts: Iterable[datetime],
    fits: Callable[[datetime], bool],
) -> datetime | None:
    """The first strict start that passes the hard rules and ``fits``; else the first relaxed one."""
    relaxed: datetime | None = None
    for start in starts:
        if not fits(start) or check.hard(start, load) is not None:
            continue
        if not check.soft(start):
            return start
        if relaxed is None and check.rules.allow_fallback:
            relaxed = start
    return relaxed


def keeps_gaps(
    check: PairCheck,
    gaps: Gaps,
    bounds: tuple[datetime, datetime],
    neighbours: tuple[date | None, date | None],
    stretch_before: bool,
) -> Callable[[datetime], bool]:
    """A test for a candidate start: inside ``bounds`` and keeping the gaps to both neighbours' days."""
    lowest, highest = bounds
    before, after = neighbours

    def fits(candidate: datetime) -> bool:
        day = check.manager_day(candidate)
        return lowest <= candidate <= highest and gaps.allows(before, day, after, stretch_before=stretch_before)

    return fits


def place_pattern(
    request: YearRequest, check: PairCheck, load: Load, pattern: Sequence[datetime], gaps: Gaps
) -> tuple[list[Conversation], list[tuple[datetime, str]]]:
    """Every pattern occurrence placed (kept or moved) or skipped; ``load`` counts the placed ones."""
    duration, placed, skipped = request.rules.duration, list[Conversation](), list[tuple[datetime, str]]()
    lowest, highest = request.window_start, request.horizon_end - duration
    previous: date | None = None
    skipped_since_previous = False
    for index, start in enumerate(pattern):
        failure = check.hard(start, load)
        if failure is None:
            placed.append(Conversation(start, start + duration, start))
        else:
            following = check.manager_day(pattern[index + 1]) if index + 1 < len(pattern) else None
            fits = keeps_gaps(check, gaps, (lowest, highest), (previous, following), skipped_since_previous)
            moved = first_fit(check, load, nearby_starts(start, request), fits)
            why = MOVE_REASONS[failure]
            if moved is None:
                skipped.append((start, f"{why}, and no time within {MOVE_DAYS} days fits both people and the gaps"))
                skipped_since_previous = True
                continue
            placed.append(Conversation(moved, moved + duration, start, moved_because=why))
        previous = check.manager_day(placed[-1].start)
        skipped_since_previous = False
        load.add(previous)
    return placed, skipped
