"""The knobs scheduling runs with, built from the company's cadence, fiscal calendar and the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from shared.domain.slots_rules import SlotRules

if TYPE_CHECKING:
    from shared.domain.fiscal import FiscalCalendar
    from shared.domain.planning import MilestoneWindow


@dataclass(frozen=True, slots=True)
class SchedulingPolicy:
    tenant_id: str = "local"
    policy_version: str = "v1"
    rhythm_weeks: int = 6
    horizon_days: int = 120
    search_days: int = 14
    default_zone: str = "UTC"
    lease_seconds: int = 300
    repair_check_days: int = 7
    no_mailbox_retry_days: int = 30  # a pair without a mailbox is retried sooner when the directory changes
    min_gap_days: int = 21
    regular_window_days: int = 7
    milestone_window_days: int = 21
    fiscal: FiscalCalendar | None = None  # no milestones without one
    rules: SlotRules = field(default_factory=lambda: SlotRules(duration_minutes=45))

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)

    @property
    def max_gap_days(self) -> int:
        """The longest two conversations of a pair may be apart: the rhythm plus the regular window."""
        return self.rhythm_weeks * 7 + self.regular_window_days

    def milestone_windows(self, start: date, end: date) -> tuple[MilestoneWindow, ...]:
        """The windows (``milestone_window_days`` before each milestone) that open on or before ``end`` and
        close on or after ``start``, as manager-local dates."""
        from shared.domain.planning import MilestoneWindow

        if self.fiscal is None:
            return ()
        days = timedelta(days=self.milestone_window_days)
        found = self.fiscal.milestones_between(start + timedelta(days=1), end + days)
        windows = (MilestoneWindow(m.id, m.label, m.day - days, m.day - timedelta(days=1)) for m in found)
        return tuple(w for w in windows if w.earliest <= end and w.latest >= start)

    @classmethod
    def from_cadence(cls, cadence: Any, fiscal: FiscalCalendar | None = None, **overrides: Any) -> SchedulingPolicy:
        """From a ``CadenceConfig`` (rhythm, windows, gap, conversation length, limits) and a fiscal calendar."""
        rules = SlotRules(
            duration_minutes=cadence.conversation_minutes,
            max_per_day=cadence.max_per_manager_per_day,
            max_per_week=cadence.max_per_manager_per_week,
        )
        windows = {
            "min_gap_days": cadence.min_gap_days,
            "regular_window_days": cadence.regular_window_days,
            "milestone_window_days": cadence.milestone_window_days,
        }
        return cls(rhythm_weeks=cadence.rhythm_weeks, rules=rules, fiscal=fiscal, **(windows | overrides))
