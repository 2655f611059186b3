"""The first choice's checks over runs of grid starts give what ``MicroCheck.classify`` gives start by start."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.intervals import merged
from shared.domain.planning import YearRequest
from shared.domain.planning.micro_checks import MicroCheck
from shared.domain.planning.micro_days import DayLoad
from shared.domain.planning.micro_runs import Candidate, RunVerdicts, index_spans
from shared.domain.planning.planner import SPAN_MARGIN
from shared.domain.slots_rules import Rule
from shared.domain.zone_offsets import to_us
from tests.unit.test_planning_oracle import requests_in_odd_zones
from tests.unit.test_planning_properties import PROPERTIES, year_requests

pytestmark = pytest.mark.unit


def start_by_start(check: MicroCheck, request: YearRequest, load: DayLoad) -> tuple[Counter[Rule], list[Candidate]]:
    """The first choice's loop as it ran before runs: ``classify`` on every start of the grid."""
    rejected, valid = Counter[Rule](), list[Candidate]()
    starts, days = check.grid_days(to_us(request.window_start), to_us(request.window_end))
    for start, day, verdict in zip(starts, days, check.classify(starts, days, load), strict=True):
        if isinstance(verdict, Rule):
            rejected[verdict] += 1
            continue
        if verdict:
            rejected[verdict[0]] += 1
            if not request.rules.allow_fallback:
                continue
        valid.append((start, verdict, day))
    return rejected, valid


def by_runs(check: MicroCheck, request: YearRequest, load: DayLoad) -> tuple[Counter[Rule], list[Candidate]]:
    verdicts = RunVerdicts(check, load, request.rules.allow_fallback)
    for run in check.grid_runs(to_us(request.window_start), to_us(request.window_end)):
        verdicts.add(run)
    return verdicts.rejected, verdicts.valid


def _check_and_load(request: YearRequest, extra_days: list[int]) -> tuple[MicroCheck, DayLoad]:
    span = (to_us(request.window_start - SPAN_MARGIN), to_us(request.horizon_end + SPAN_MARGIN))
    check = MicroCheck(request.people, request.busy, request.rules, span)
    load = DayLoad(request.booked_days)
    first_day = check.clock.day(to_us(request.window_start))
    for offset in extra_days:  # some days and weeks at their limits
        load.add(first_day + offset, 2)
    return check, load


@PROPERTIES
@given(requests_in_odd_zones(), st.lists(st.integers(0, 15), max_size=6))
def test_runs_give_the_verdicts_of_every_start_in_odd_zones(request: YearRequest, extra_days: list[int]) -> None:
    check, load = _check_and_load(request, extra_days)
    assert by_runs(check, request, load) == start_by_start(check, request, load)


@PROPERTIES
@given(year_requests(), st.lists(st.integers(0, 15), max_size=6))
def test_runs_give_the_verdicts_of_every_start(request: YearRequest, extra_days: list[int]) -> None:
    check, load = _check_and_load(request, extra_days)
    assert by_runs(check, request, load) == start_by_start(check, request, load)


@given(
    st.lists(st.tuples(st.integers(-200, 200), st.integers(1, 60)), max_size=8),
    st.integers(-100, 100),
    st.integers(1, 17),
    st.integers(1, 40),
    st.integers(-50, 50),
)
def test_index_spans_are_the_indices_of_the_starts_inside(
    raw: list[tuple[int, int]], first: int, step: int, count: int, shift: int
) -> None:
    spans = merged((start, start + length) for start, length in raw)
    bounds = ([s for s, _ in spans], [e for _, e in spans])
    run = range(first, first + count * step, step)
    inside = {i for i, start in enumerate(run) if any(s + shift <= start < e + shift for s, e in spans)}
    found = index_spans(bounds, run, shift)
    assert {i for low, high in found for i in range(low, high)} == inside
    assert all(0 <= low < high <= count for low, high in found)
