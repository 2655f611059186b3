"""Slot finding: the best conversation time for a manager and a report, explained.

Candidates step through the window in UTC; each is checked against the hard rules (working hours
of both people in their own zones, hard busy time, the manager's per-day limit) and the soft rules
(lunch, day edges, back-to-back). The best strict candidate wins; if none, the best one that only
breaks soft rules is a marked fallback; if none either, the result says why and lists the closest
options (free for everyone, but outside someone's working hours), which are never booked automatically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from shared.domain.calendar import Busy
from shared.domain.people import Weekday, WorkingHours
from shared.domain.slots_explain import closest_options, describe_choice, no_slot_reason
from shared.domain.slots_rules import Attendee, Rule, SlotRules, hard_failure, overlaps, soft_failures
from shared.domain.timezones import resolve_zone


@dataclass(frozen=True, slots=True)
class Preference:
    """The weekday and manager-local time the series already uses (keep it if possible)."""

    weekday: Weekday
    local_time: time


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime
    relaxed: tuple[Rule, ...] = ()
    outside_hours: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    reason: str
    sentence: str
    considered: int
    rejected: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SlotResult:
    slot: Slot | None
    explanation: Explanation
    closest: tuple[Slot, ...] = ()

    @property
    def is_fallback(self) -> bool:
        return self.slot is not None and bool(self.slot.relaxed)


@dataclass(frozen=True, slots=True)
class SlotRequest:
    """Everything ``choose`` needs. ``people[0]`` is the manager; ``booked`` counts by manager-local date."""

    people: tuple[Attendee, ...]
    window_start: datetime
    window_end: datetime
    busy: Mapping[str, Sequence[Busy]] = field(default_factory=dict)
    booked: Mapping[date, int] = field(default_factory=dict)
    preferred: Preference | None = None
    repeat_every_weeks: int = 0
    repeats: int = 0
    rules: SlotRules = field(default_factory=SlotRules)


def attendee(key: str, name: str, hours: WorkingHours) -> Attendee:
    """An attendee with a resolved zone (Windows or IANA name; raises UnknownTimeZone)."""
    return Attendee(key=key.lower(), name=name, hours=hours, zone=resolve_zone(hours.time_zone))


def candidate_starts(start: datetime, end: datetime, rules: SlotRules) -> Iterator[datetime]:
    """Starts on the UTC ``step`` grid from ``start`` so that the whole slot ends by ``end``."""
    step = timedelta(minutes=rules.step_minutes)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    current = epoch + -((epoch - start.astimezone(UTC)) // step) * step
    last = end - rules.duration
    while current <= last:
        yield current
        current += step


def _preference_penalty(request: SlotRequest, start: datetime) -> int:
    """0 for the preferred weekday and time; minutes away from it; a day's worth more on another weekday."""
    if request.preferred is None:
        return 0
    local = start.astimezone(request.people[0].zone)
    wanted = request.preferred.local_time
    minutes = abs((local.hour * 60 + local.minute) - (wanted.hour * 60 + wanted.minute))
    same_day = list(Weekday)[local.weekday()] == request.preferred.weekday
    return minutes if same_day else 24 * 60 + minutes


def repeat_clashes(request: SlotRequest, start: datetime) -> int:
    """How many later occurrences (same manager-local wall time) clash with hard busy time."""
    zone, clashes = request.people[0].zone, 0
    wall = start.astimezone(zone).replace(tzinfo=None)
    for k in range(1, request.repeats + 1):
        later = (wall + timedelta(weeks=k * request.repeat_every_weeks)).replace(tzinfo=zone).astimezone(UTC)
        end = later + request.rules.duration
        statuses = request.rules.hard_statuses()
        clashes += any(overlaps(request.busy.get(p.key, ()), later, end, statuses) for p in request.people)
    return clashes


def _score(request: SlotRequest, start: datetime, relaxed: tuple[Rule, ...]) -> tuple[int, int, int, int, datetime]:
    load = request.booked.get(start.astimezone(request.people[0].zone).date(), 0)
    clashes = repeat_clashes(request, start) if request.repeats else 0
    return len(relaxed), _preference_penalty(request, start), clashes, load, start


def choose(request: SlotRequest) -> SlotResult:
    """The best slot for the request, deterministic for equal input, with an explanation."""
    rules, rejected = request.rules, Counter[str]()
    strict: list[datetime] = []
    relaxed: list[tuple[datetime, tuple[Rule, ...]]] = []
    starts = list(candidate_starts(request.window_start, request.window_end, rules))
    for start in starts:
        failure = hard_failure(request.people, request.busy, request.booked, start, rules)
        if failure is not None:
            rejected[failure.value] += 1
            continue
        broken = soft_failures(request.people, request.busy, start, rules)
        if broken:
            rejected[broken[0].value] += 1
            relaxed.append((start, broken))
        else:
            strict.append(start)
    counts = dict(sorted(rejected.items()))
    if strict:
        best = min(strict, key=lambda s: _score(request, s, ()))
        return _chosen(request, Slot(best, best + rules.duration), len(starts), counts)
    if relaxed and rules.allow_fallback:
        best, broken = min(relaxed, key=lambda item: _score(request, item[0], item[1]))
        return _chosen(request, Slot(best, best + rules.duration, relaxed=broken), len(starts), counts)
    reason = no_slot_reason(request.people, request.window_start, counts, len(starts), rules, bool(relaxed))
    options = closest_options(request.people, request.busy, request.booked, starts, rules)
    closest = tuple(Slot(s, s + rules.duration, outside_hours=outside) for s, outside in options)
    sentence = f"No slot in the window: {reason}."
    return SlotResult(None, Explanation(reason, sentence, len(starts), counts), closest)


def _chosen(request: SlotRequest, slot: Slot, considered: int, rejected: dict[str, int]) -> SlotResult:
    reason = "fallback" if slot.relaxed else "all rules met"
    sentence = describe_choice(request.people, slot.start, slot.end, slot.relaxed, request.rules)
    return SlotResult(slot, Explanation(reason, sentence, considered, rejected))
