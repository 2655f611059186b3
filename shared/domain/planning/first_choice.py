"""The series' weekly time: the first-occurrence candidate whose pattern holds for the most weeks.

Candidates are ranked by relaxed soft rules, then the manager's load that day and week, then SPREAD: a
stable hash of the series id rotates the order, and the ranking takes one candidate per day in turn, so
one manager's pairs land on different days and hours rather than all on the earliest free hour. Only
the top ``POOL`` candidates get their whole-horizon pattern evaluated, lazily: a candidate is dropped as
soon as it fails more weeks than the best so far. Among those that fail equally few weeks, the one whose
weeks land in (or within a move of) the most milestone windows wins, so fewer planning conversations are
added later; the search stops at one that holds every week and reaches every window.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.planning.checks import Load, PairCheck
from shared.domain.planning.grid import working_starts
from shared.domain.planning.model import YearRequest
from shared.domain.planning.pattern import iter_weekly_starts
from shared.domain.slots_rules import Rule

POOL = 24


@dataclass(frozen=True, slots=True)
class FirstChoice:
    """The chosen first start (None when nothing passes the hard rules) and what the search saw."""

    start: datetime | None
    relaxed: tuple[Rule, ...]
    starts: tuple[datetime, ...]
    rejected: dict[str, int]
    failing_weeks: int = 0


def spread_offset(spread_key: str, size: int) -> int:
    """A stable position in ``[0, size)`` for the series id (hashlib, so equal across processes)."""
    if size == 0:
        return 0
    digest = hashlib.sha256(spread_key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % size


def ranked(
    valid: list[tuple[datetime, tuple[Rule, ...]]], check: PairCheck, load: Load, spread_key: str
) -> list[tuple[datetime, tuple[Rule, ...]]]:
    """Valid candidates, best first: fewer relaxed rules, lighter day and week, then spread round-robin."""
    offset, size = spread_offset(spread_key, len(valid)), len(valid)
    rotated = [valid[(offset + position) % size] for position in range(size)]
    seen_per_day: Counter[tuple[int, int, int, object]] = Counter()
    keyed = []
    for position, (start, relaxed) in enumerate(rotated):
        day = check.manager_day(start)
        tier = (len(relaxed), load.on_day(day), load.in_week(day))
        turn = seen_per_day[(*tier, day)]
        seen_per_day[(*tier, day)] += 1
        keyed.append(((*tier, turn, position), (start, relaxed)))
    keyed.sort(key=lambda item: item[0])
    return [candidate for _, candidate in keyed]


Verdicts = dict[datetime, bool]


def _fails(check: PairCheck, load: Load, start: datetime, verdicts: Verdicts) -> bool:
    """Whether ``start`` breaks a hard rule, remembered: the load does not change while the first is chosen."""
    failed = verdicts.get(start)
    if failed is None:
        failed = verdicts[start] = check.hard(start, load) is not None
    return failed


def failing_weeks(
    request: YearRequest, check: PairCheck, load: Load, first: datetime, give_up_at: int, verdicts: Verdicts
) -> int:
    """How many pattern occurrences break a hard rule, counting no further than ``give_up_at``."""
    failures = 0
    zone = request.people[0].zone
    for start in iter_weekly_starts(first, zone, request.rhythm_weeks, request.horizon_end):
        if _fails(check, load, start, verdicts):
            failures += 1
            if failures >= give_up_at:
                break
    return failures


def missed_windows(request: YearRequest, check: PairCheck, load: Load, first: datetime, verdicts: Verdicts) -> int:
    """How many milestone windows no valid week of the pattern falls in or can move into (manager-local dates;
    a week may move as far as the longest gap allows beyond the rhythm, so later it needs no extra)."""
    if not request.milestones:
        return 0
    reach = timedelta(days=max(0, request.max_gap_days - 7 * request.rhythm_weeks))
    zone = request.people[0].zone
    days = {
        check.manager_day(start)
        for start in iter_weekly_starts(first, zone, request.rhythm_weeks, request.horizon_end)
        if not _fails(check, load, start, verdicts)
    }
    return sum(1 for w in request.milestones if not any(w.earliest - reach <= day <= w.latest + reach for day in days))


def choose_first(request: YearRequest, check: PairCheck, load: Load) -> FirstChoice:
    """The first occurrence whose pattern holds for the most weeks among the best-ranked candidates."""
    rules, rejected = request.rules, Counter[str]()
    starts = tuple(working_starts(request.people[0], request.window_start, request.window_end, rules))
    valid: list[tuple[datetime, tuple[Rule, ...]]] = []
    for start in starts:
        failure = check.hard(start, load)
        if failure is not None:
            rejected[failure.value] += 1
            continue
        broken = check.soft(start)
        if broken:
            rejected[broken[0].value] += 1
            if not rules.allow_fallback:
                continue
        valid.append((start, broken))
    counts = dict(sorted(rejected.items()))
    best: tuple[datetime, tuple[Rule, ...]] | None = None
    best_score, verdicts = (1 << 30, 1 << 30), Verdicts()
    for candidate in ranked(valid, check, load, request.spread_key)[:POOL]:
        failures = failing_weeks(request, check, load, candidate[0], best_score[0] + 1, verdicts)
        if failures > best_score[0]:
            continue
        score = (failures, missed_windows(request, check, load, candidate[0], verdicts))
        if score < best_score:
            best, best_score = candidate, score
        if best_score == (0, 0):
            break
    best_failures = best_score[0]
    if best is None:
        return FirstChoice(None, (), starts, counts)
    return FirstChoice(best[0], best[1], starts, counts, best_failures)
