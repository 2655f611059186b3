"""``plan_year`` (rules answered by interval sets, built once per pair) makes exactly the choices the planner
made when it converted zones for every candidate: the oracle below asks ``slots_rules`` per start."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.calendar import Busy
from shared.domain.planning import YearRequest, plan_year
from shared.domain.planning.checks import Load, PairCheck
from shared.domain.planning.planner import plan_with
from shared.domain.slots import attendee
from shared.domain.slots_rules import Rule, in_working_hours, local_day, overlaps, soft_failures
from tests.unit.test_planning_properties import PROPERTIES, year_requests
from tests.unit.test_slot_sets import ODD_ZONES

pytestmark = pytest.mark.unit


@dataclass(frozen=True, slots=True)
class ReferenceCheck(PairCheck):
    """The rules converted per candidate, as before the sets (``slots_rules``), with the planner's load."""

    busy_of: dict[str, list[Busy]] = field(default_factory=dict)

    @classmethod
    def of(cls, request: YearRequest) -> ReferenceCheck:
        base = PairCheck.build(request.people, {}, request.rules)
        busy = {p.key: list(request.busy.get(p.key, ())) for p in request.people}
        return cls(base.people, base.rules, base.hours, base.duration, base.sets, busy_of=busy)

    def manager_day(self, start: datetime) -> date:
        return local_day(self.people[0], start)

    def hard(self, start: datetime, load: Load) -> Rule | None:
        end, statuses = start + self.duration, self.rules.hard_statuses()
        if not all(in_working_hours(person, start, end) for person in self.people):
            return Rule.WORKING_HOURS
        if any(overlaps(self.busy_of[p.key], start, end, statuses) for p in self.people):
            return Rule.BUSY
        day = self.manager_day(start)
        if load.on_day(day) >= self.rules.max_per_day:
            return Rule.DAY_LIMIT
        if load.in_week(day) >= self.rules.max_per_week:
            return Rule.WEEK_LIMIT
        return None

    def soft(self, start: datetime) -> tuple[Rule, ...]:
        return soft_failures(self.people, self.busy_of, start, self.rules)


@st.composite
def requests_in_odd_zones(draw: st.DrawFn) -> YearRequest:
    """The property tests' requests; half of them with people moved to 30/45-minute and odd-DST zones."""
    request = draw(year_requests())
    if draw(st.booleans()):
        people = tuple(
            attendee(p.key, p.name, replace(p.hours, time_zone=draw(st.sampled_from(ODD_ZONES))))
            for p in request.people
        )
        request = replace(request, people=people)
    return request


@PROPERTIES
@given(requests_in_odd_zones())
def test_plans_match_the_per_candidate_oracle(request: YearRequest) -> None:
    assert plan_year(request) == plan_with(request, ReferenceCheck.of(request))
