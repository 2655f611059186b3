"""The planner's input and output types: a year request, its conversations and the resulting plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.domain.calendar import Busy
from shared.domain.slots import Explanation, Slot
from shared.domain.slots_rules import Attendee, SlotRules


@dataclass(frozen=True, slots=True)
class MilestoneWindow:
    """Days (manager-local, inclusive) in which the pair should have a conversation before a milestone."""

    id: str
    label: str
    earliest: date
    latest: date


@dataclass(frozen=True, slots=True)
class YearRequest:
    """Everything ``plan_year`` needs. ``people[0]`` is the manager (the organiser of the series)."""

    people: tuple[Attendee, ...]
    busy: Mapping[str, Sequence[Busy]]
    window_start: datetime
    window_end: datetime
    horizon_end: datetime
    rhythm_weeks: int
    rules: SlotRules = field(default_factory=SlotRules)
    booked_days: Mapping[date, int] = field(default_factory=dict)
    milestones: Sequence[MilestoneWindow] = ()
    min_gap_days: int = 21
    max_gap_days: int = 49
    spread_key: str = ""


@dataclass(frozen=True, slots=True)
class Conversation:
    """One planned conversation: where it goes, and where the weekly pattern would have put it."""

    start: datetime
    end: datetime
    pattern_start: datetime | None
    moved_because: str | None = None
    milestone_id: str | None = None
    milestone_label: str | None = None

    @property
    def is_extra(self) -> bool:
        """A single conversation outside the series (added to serve a milestone)."""
        return self.pattern_start is None

    @property
    def is_moved(self) -> bool:
        """An instance exception: the pattern puts it elsewhere."""
        return self.pattern_start is not None and self.pattern_start != self.start


@dataclass(frozen=True, slots=True)
class YearPlan:
    """The series' weekly time and every conversation over the horizon, with what could not be placed."""

    first_start: datetime | None
    conversations: tuple[Conversation, ...]
    skipped: tuple[tuple[datetime, str], ...]
    explanation: Explanation
    closest: tuple[Slot, ...] = ()
    unmet_milestones: tuple[tuple[str, str], ...] = ()
