"""HR views computed from ids, dates and counts: the plateau-risk list and the Learning needs roll-up.

Learning needs are counted per org unit, never listed: shared micro-needs (private ones are never
counted), Uphill gaps and Gift topics. A unit with fewer than ``MIN_GROUP`` people shows "fewer than 5"
in every figure, its head count included, so that nobody in a small team can be singled out.
Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from shared.domain.tenure import TenureStage, TenureThresholds, tenure_stage

MIN_GROUP = 5
FEWER_THAN_5 = "fewer than 5"
NEVER = "none yet"
Figure = int | str


@dataclass(frozen=True, slots=True)
class Member:
    """A report in an active pair: who, where, under whom, hired when (labels only, no agenda content)."""

    person_id: str
    upn: str
    org_unit: str
    manager_upn: str
    hire_date: date | None


@dataclass(frozen=True, slots=True)
class UnitNeeds:
    org_unit: str
    people: int = 0
    shared_micro_needs: int = 0
    uphill_gaps: int = 0
    gift_topics: int = 0

    def shown(self) -> tuple[str, Figure, Figure, Figure, Figure]:
        """The row HR sees: numbers, or "fewer than 5" everywhere for a small unit."""
        if self.people < MIN_GROUP:
            return (self.org_unit, FEWER_THAN_5, FEWER_THAN_5, FEWER_THAN_5, FEWER_THAN_5)
        return (self.org_unit, self.people, self.shared_micro_needs, self.uphill_gaps, self.gift_topics)


def roll_up(
    members: Iterable[Member],
    shared_micro_needs: Mapping[str, int],
    action_quadrants: Iterable[tuple[str, str]],
) -> list[UnitNeeds]:
    """Per org unit (sorted): head count, shared micro-needs of its people (by person id), and its actions
    in the uphill and gift quadrants (``(org unit, quadrant)`` pairs)."""
    people: Counter[str] = Counter()
    needs: Counter[str] = Counter()
    for member in members:
        people[member.org_unit] += 1
        needs[member.org_unit] += shared_micro_needs.get(member.person_id, 0)
    quadrants = Counter(action_quadrants)
    units = set(people) | {unit for unit, _ in quadrants}
    return [
        UnitNeeds(unit, people[unit], needs[unit], quadrants[(unit, "uphill")], quadrants[(unit, "gift")])
        for unit in sorted(units)
    ]


def plateau_risk(
    members: Iterable[Member],
    last_held: Mapping[str, date],
    today: date,
    thresholds: TenureThresholds | None = None,
) -> list[tuple[str, str, str, str, str]]:
    """People in the plateau-risk band today, longest without a held conversation first (never held first):
    (employee, org unit, manager, hire date, date of the last held conversation or "none yet")."""
    at_risk = [
        m
        for m in members
        if m.hire_date is not None and tenure_stage(m.hire_date, today, thresholds) is TenureStage.PLATEAU_RISK
    ]
    at_risk.sort(key=lambda m: (last_held.get(m.person_id, date.min), m.upn))
    return [
        (
            m.upn,
            m.org_unit,
            m.manager_upn,
            m.hire_date.isoformat() if m.hire_date else "",
            last_held[m.person_id].isoformat() if m.person_id in last_held else NEVER,
        )
        for m in at_risk
    ]
