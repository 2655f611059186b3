"""The cadence policy: which conversations a pair should have, tied to the business calendar.

Each planning milestone gets a conversation in the window of ``milestone_window_days`` before it; between
milestones, regular check-ins follow every ``rhythm_weeks``. A regular check-in is only placed when it
ends ``min_gap_days`` before the next milestone window, otherwise the milestone conversation takes its place.

Guarantee (property-tested): for two consecutive conversations ``a`` then ``b``,
``b.earliest - a.latest >= min_gap_days``, so any day the scheduler picks inside each window keeps the gap.
With ``last_conversation`` given, the first one is also at least the gap after it.

Pure: dates are inputs, nothing reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.domain.company import CompanyConfig
from shared.domain.fiscal import Milestone
from shared.domain.people import Pair


class ConversationKind(StrEnum):
    MILESTONE = "milestone"
    REGULAR = "regular"


class PlannedConversation(BaseModel):
    """A conversation a pair should have somewhere in ``[earliest, latest]`` (both inclusive, local dates)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    earliest: date
    latest: date
    kind: ConversationKind
    reason: str
    milestone_id: str | None = None
    milestone_date: date | None = None

    @property
    def target(self) -> date:
        """The preferred day: the start of the window."""
        return self.earliest


def scope_start(config: CompanyConfig, org_unit: str, group_ids: Iterable[str] = ()) -> date | None:
    """From when the cadence applies to a pair in this unit/groups; None when no pilot covers it.

    ``org_unit`` may be a unit name or a department the org agenda maps to a unit. Without pilots everyone
    is in scope from ``cadence.start`` (or always, when unset).
    """
    if not config.pilots:
        return config.cadence.start or date.min
    groups = set(group_ids)
    unit = config.org_agenda.unit_for(org_unit, groups)
    names = {org_unit.casefold()} | ({unit.name.casefold()} if unit else set())
    starts = [p.start for p in config.pilots if names & {u.casefold() for u in p.org_units} or groups & set(p.groups)]
    return min(starts) if starts else None


@dataclass(slots=True)
class _Cursor:
    floor: date  # nothing may start before this
    next_regular: date  # where the rhythm puts the next check-in


def plan_conversations(
    config: CompanyConfig,
    pair: Pair,
    start: date,
    horizon_end: date,
    group_ids: Iterable[str] = (),
    last_conversation: date | None = None,
) -> list[PlannedConversation]:
    """The conversations ``pair`` should have whose window opens between ``start`` and ``horizon_end``."""
    in_scope_from = scope_start(config, pair.org_unit, group_ids)
    if in_scope_from is None:
        return []
    begin = max(start, in_scope_from)
    if horizon_end < begin:
        return []
    cadence = config.cadence
    gap, rhythm = timedelta(days=cadence.min_gap_days), timedelta(weeks=cadence.rhythm_weeks)
    cursor = _Cursor(begin, begin)
    if last_conversation is not None:
        cursor = _Cursor(max(begin, last_conversation + gap), max(begin, last_conversation + rhythm))
    window = timedelta(days=cadence.milestone_window_days)
    pending = config.fiscal_calendar.milestones_between(begin, horizon_end + window)
    planned: list[PlannedConversation] = []
    while True:
        pending = [m for m in pending if m.day - timedelta(days=1) >= cursor.floor]
        regular = _regular(config, cursor)
        if pending and regular.latest + gap > pending[0].day - window:
            conversation = _before_milestone(pending.pop(0), cursor, window)
        else:
            conversation = regular
        if conversation.earliest > horizon_end:
            return planned
        planned.append(conversation)
        cursor = _Cursor(conversation.latest + gap, conversation.earliest + rhythm)


def _regular(config: CompanyConfig, cursor: _Cursor) -> PlannedConversation:
    earliest = max(cursor.next_regular, cursor.floor)
    return PlannedConversation(
        earliest=earliest,
        latest=earliest + timedelta(days=config.cadence.regular_window_days - 1),
        kind=ConversationKind.REGULAR,
        reason=f"regular check-in, every {config.cadence.rhythm_weeks} weeks",
    )


def _before_milestone(milestone: Milestone, cursor: _Cursor, window: timedelta) -> PlannedConversation:
    return PlannedConversation(
        earliest=max(milestone.day - window, cursor.floor),
        latest=milestone.day - timedelta(days=1),
        kind=ConversationKind.MILESTONE,
        reason=f"before {milestone.label} ({milestone.day.isoformat()})",
        milestone_id=milestone.id,
        milestone_date=milestone.day,
    )
