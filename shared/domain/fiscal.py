"""The fiscal calendar: fiscal years and their planning milestones.

A fiscal year is named after the calendar year it ends in: with a July start, 1 July 2026 to 30 June 2027
is FY27. Milestones are either yearly rules (month and day, repeated every fiscal year) or one-off dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.domain.org_agenda import SLUG_PATTERN


class MilestoneRule(BaseModel):
    """A milestone that comes back every fiscal year on the same month and day (29 February is refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=80)
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)

    @model_validator(mode="after")
    def _real_day(self) -> Self:
        try:
            date(2001, self.month, self.day)
        except ValueError:
            raise ValueError(f"{self.month}/{self.day} is not a day of every year") from None
        return self


class DatedMilestone(BaseModel):
    """A one-off milestone on a fixed date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=80)
    date: date


@dataclass(frozen=True, slots=True)
class Milestone:
    id: str
    name: str
    day: date
    fiscal_year: int

    @property
    def label(self) -> str:
        """E.g. ``FY27 Q3 planning``."""
        return f"FY{self.fiscal_year % 100:02d} {self.name}"


class FiscalCalendar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start_month: int = Field(7, ge=1, le=12, description="month the fiscal year starts (day 1)")
    milestones: tuple[MilestoneRule, ...] = ()
    dated_milestones: tuple[DatedMilestone, ...] = ()

    @model_validator(mode="after")
    def _some_milestone(self) -> Self:
        if not self.milestones and not self.dated_milestones:
            raise ValueError("define at least one milestone (milestones or dated_milestones)")
        return self

    def fiscal_year(self, day: date) -> int:
        """The fiscal year ``day`` falls in, named by the calendar year it ends in."""
        if self.start_month == 1:
            return day.year
        return day.year + 1 if day.month >= self.start_month else day.year

    def fiscal_year_start(self, fiscal_year: int) -> date:
        return date(fiscal_year if self.start_month == 1 else fiscal_year - 1, self.start_month, 1)

    def milestone_ids(self) -> set[str]:
        return {m.id for m in self.milestones} | {m.id for m in self.dated_milestones}

    def milestones_between(self, start: date, end: date) -> list[Milestone]:
        """Every milestone with ``start <= day <= end``, in date order (works across fiscal years)."""
        found = [m for fy in range(self.fiscal_year(start), self.fiscal_year(end) + 1) for m in self._in_year(fy)]
        found += [Milestone(m.id, m.name, m.date, self.fiscal_year(m.date)) for m in self.dated_milestones]
        return sorted((m for m in found if start <= m.day <= end), key=lambda m: (m.day, m.id))

    def next_milestone(self, milestone_id: str, after: date) -> Milestone | None:
        """The first occurrence of ``milestone_id`` on or after ``after`` (looking two years ahead)."""
        upcoming = self.milestones_between(after, date(after.year + 2, after.month, 1))
        return next((m for m in upcoming if m.id == milestone_id), None)

    def _in_year(self, fiscal_year: int) -> list[Milestone]:
        first = self.fiscal_year_start(fiscal_year)
        result = []
        for rule in self.milestones:
            year = first.year if rule.month >= self.start_month else first.year + 1
            result.append(Milestone(rule.id, rule.name, date(year, rule.month, rule.day), fiscal_year))
        return result
