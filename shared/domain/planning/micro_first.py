"""``first_choice`` on microseconds: the series' weekly time, the candidate whose pattern holds for the most weeks.

The same search as ``first_choice.choose_first`` (grid, hard and soft rules, ranking with the spread, the top
``POOL`` evaluated lazily over the horizon, missed milestone windows as the tie-break), on ``MicroCheck``.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from shared.domain.planning.first_choice import POOL, spread_offset
from shared.domain.planning.micro_checks import MicroCheck
from shared.domain.planning.micro_days import THURSDAY, DayLoad
from shared.domain.planning.micro_runs import RunVerdicts
from shared.domain.planning.model import YearRequest
from shared.domain.slots_rules import Rule
from shared.domain.zone_offsets import day_number, to_us

Candidate = tuple[int, tuple[Rule, ...], int]  # start, relaxed rules, manager-local day


@dataclass(frozen=True, slots=True)
class MicroChoice:
    """The chosen first start (None when nothing passes the hard rules) and what the search saw."""

    start: int | None
    relaxed: tuple[Rule, ...]
    starts: list[int]
    rejected: dict[str, int]
    failing_weeks: int = 0


def ranked(valid: list[Candidate], check: MicroCheck, load: DayLoad, spread_key: str) -> list[Candidate]:
    """``first_choice.ranked``: fewer relaxed rules, lighter day and week, then spread round-robin (the day's
    load and week's load are the day's, so the round-robin counts per relaxed rules and day)."""
    offset = spread_offset(spread_key, len(valid))
    rotated = valid[offset:] + valid[:offset]
    seen_per_day: dict[tuple[int, int], int] = {}
    loads: dict[int, tuple[int, int]] = {}
    days, weeks = load.days, load.weeks
    keyed = []
    for position, candidate in enumerate(rotated):
        relaxed, day = len(candidate[1]), candidate[2]
        on_day = loads.get(day)
        if on_day is None:
            on_day = loads[day] = (days.get(day, 0), weeks.get((day + THURSDAY) // 7, 0))
        turn = seen_per_day.get((relaxed, day), 0)
        seen_per_day[relaxed, day] = turn + 1
        keyed.append((relaxed, *on_day, turn, position, candidate))  # positions differ: candidates never compared
    keyed.sort()
    return [item[-1] for item in keyed]


class _Verdicts:
    """Whether a start breaks a hard rule, remembered: the load does not change while the first is chosen."""

    __slots__ = ("_check", "_failed", "_load")

    def __init__(self, check: MicroCheck, load: DayLoad) -> None:
        self._check, self._load, self._failed = check, load, dict[int, bool]()

    def fails(self, start: int) -> bool:
        failed = self._failed.get(start)
        if failed is None:
            failed = self._failed[start] = self._check.hard(start, self._load) is not None
        return failed


def _missed_windows(
    request: YearRequest, check: MicroCheck, weeks: list[int], verdicts: _Verdicts, windows: list[tuple[int, int]]
) -> int:
    """``first_choice.missed_windows`` over the pattern's ``weeks``."""
    if not windows:
        return 0
    reach = max(0, request.max_gap_days - 7 * request.rhythm_weeks)
    day_of = check.clock.day
    days = sorted({day_of(start) for start in weeks if not verdicts.fails(start)})
    return sum(1 for earliest, latest in windows if not _any_between(days, earliest - reach, latest + reach))


def _any_between(days: list[int], low: int, high: int) -> bool:
    """Whether a day of the sorted ``days`` is in ``[low, high]``."""
    index = bisect_left(days, low)
    return index < len(days) and days[index] <= high


def choose_first(request: YearRequest, check: MicroCheck, load: DayLoad) -> MicroChoice:
    """``first_choice.choose_first`` on microseconds."""
    runs = check.grid_runs(to_us(request.window_start), to_us(request.window_end))
    verdicts_of_runs = RunVerdicts(check, load, request.rules.allow_fallback)
    for run in runs:
        verdicts_of_runs.add(run)
    starts = [start for run, _ in runs for start in run]
    valid = verdicts_of_runs.valid
    counts = {rule.value: count for rule, count in sorted(verdicts_of_runs.rejected.items())}
    windows = [(day_number(w.earliest), day_number(w.latest)) for w in request.milestones]
    best: Candidate | None = None
    best_score, verdicts = (1 << 30, 1 << 30), _Verdicts(check, load)
    horizon_end = to_us(request.horizon_end)
    for candidate in ranked(valid, check, load, request.spread_key)[:POOL]:
        weeks = list(check.pattern(candidate[0], request.rhythm_weeks, horizon_end))
        failures, give_up_at = 0, best_score[0] + 1  # ``first_choice.failing_weeks``: counting no further
        for start in weeks:
            if verdicts.fails(start):
                failures += 1
                if failures >= give_up_at:
                    break
        if failures > best_score[0]:
            continue
        score = (failures, _missed_windows(request, check, weeks, verdicts, windows))
        if score < best_score:
            best, best_score = candidate, score
        if best_score == (0, 0):
            break
    if best is None:
        return MicroChoice(None, (), starts, counts)
    return MicroChoice(best[0], best[1], starts, counts, best_score[0])
