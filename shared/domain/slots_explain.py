"""Why a slot was chosen, why none was, and the closest options when none fits (all pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from shared.domain.calendar import Busy
from shared.domain.intervals import SpanSet
from shared.domain.slots_rules import (
    Attendee,
    Rule,
    SlotRules,
    day_end_minute,
    in_working_hours,
    local_day,
    local_span,
)
from shared.domain.zone_offsets import MICROSECOND, to_us

WHOLE_DAY = 24 * 60


def hours_apart(people: Sequence[Attendee], moment: datetime) -> float:
    """The largest UTC-offset gap between the manager and any other attendee at ``moment``, in hours."""
    offsets = [moment.astimezone(p.zone).utcoffset() for p in people]
    seconds = [o.total_seconds() if o is not None else 0.0 for o in offsets]
    return max((abs(seconds[0] - other) for other in seconds[1:]), default=0.0) / 3600


def no_slot_reason(
    people: Sequence[Attendee],
    window_start: datetime,
    rejected: Mapping[str, int],
    considered: int,
    rules: SlotRules,
    soft_only: bool,
) -> str:
    """A short, human reason code for an empty result."""
    if considered == 0:
        return "the window is shorter than the conversation"
    if rejected.get(Rule.WORKING_HOURS.value, 0) == considered:
        apart = hours_apart(people, window_start)
        return f"no overlap of working hours: {apart:g} hours apart" if apart >= 1 else "no overlap of working hours"
    if soft_only:
        return "only slots that break lunch, day-edge or back-to-back rules, and fallback is off"
    busy, limit = rejected.get(Rule.BUSY.value, 0), rejected.get(Rule.DAY_LIMIT.value, 0)
    weekly = rejected.get(Rule.WEEK_LIMIT.value, 0)
    if weekly and limit == 0:
        return f"the manager already has {rules.max_per_week} conversations in every free week"
    if limit == 0:
        return "fully booked in window"
    if busy == 0:
        return f"the manager already has {rules.max_per_day} conversations on every free day"
    return f"fully booked in window (busy, or at the daily limit of {rules.max_per_day})"


def minutes_outside(person: Attendee, start: datetime, end: datetime) -> int:
    """How far the slot lies outside the person's working hours, in minutes (a whole day if off-day)."""
    span = local_span(person, start, end)
    if span is None or span[3] not in person.hours.days:
        return WHOLE_DAY
    _, first, last, _ = span
    day_start = person.hours.start.hour * 60 + person.hours.start.minute
    return max(0, day_start - first) + max(0, last - day_end_minute(person.hours))


def closest_options(
    people: Sequence[Attendee],
    busy: Mapping[str, Sequence[Busy]],
    booked: Mapping[date, int],
    starts: Sequence[datetime],
    rules: SlotRules,
) -> list[tuple[datetime, tuple[str, ...]]]:
    """Free-for-everyone slots in the manager's hours, nearest to the others' hours, best one per day."""
    manager, others = people[0], people[1:]
    duration, statuses = rules.duration, rules.hard_statuses()
    lead = duration // MICROSECOND - 1  # a start overlaps [b, e) when it is in [b - lead, e): one bisect per start
    blocked = SpanSet(
        (to_us(item.start) - lead, to_us(item.end))
        for p in people
        for item in busy.get(p.key, ())
        if item.status in statuses
    )
    best_per_day: dict[date, tuple[int, datetime, tuple[str, ...]]] = {}
    for start in starts:
        end = start + duration
        if not in_working_hours(manager, start, end):
            continue
        day = local_day(manager, start)
        if booked.get(day, 0) >= rules.max_per_day or to_us(start) in blocked:
            continue
        minutes = [minutes_outside(p, start, end) for p in others]
        distance = sum(minutes)
        outside = tuple(p.name for p, m in zip(others, minutes, strict=True) if m > 0)
        if day not in best_per_day or (distance, start) < best_per_day[day][:2]:
            best_per_day[day] = (distance, start, outside)
    ranked = sorted(best_per_day.values(), key=lambda item: (item[0], item[1]))
    return [(start, outside) for _, start, outside in ranked[: rules.closest_count]]


def _local_label(person: Attendee, start: datetime, end: datetime) -> str:
    local_start, local_end = start.astimezone(person.zone), end.astimezone(person.zone)
    return f"{local_start:%H:%M}–{local_end:%H:%M} {person.zone.key} for {person.name}"


def describe_choice(
    people: Sequence[Attendee], start: datetime, end: datetime, relaxed: Sequence[Rule], rules: SlotRules
) -> str:
    """One sentence a manager can read: when, in each person's zone, and why this slot."""
    manager_local = start.astimezone(people[0].zone)
    when = f"{manager_local:%A %d %B %Y}: " + ", ".join(_local_label(p, start, end) for p in people)
    if relaxed:
        broken = ", ".join(rule.value for rule in relaxed)
        return f"{when}. Inside everyone's working hours and free, but no better slot existed, so it breaks: {broken}."
    return (
        f"{when}. Inside everyone's working hours and free, away from lunch and the first and last hour "
        f"of the day, with {rules.buffer_minutes} minutes clear of other meetings."
    )
