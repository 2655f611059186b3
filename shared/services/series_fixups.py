"""After a series is created: put its year plan on the calendar without touching the master again.

The weekly pattern holds for most weeks; the plan's other conversations are instance exceptions (a week that
drifts out of someone's hours at a DST change, hits busy time or a cap, or moves into a milestone window), a
cancelled instance (a week with no valid time nearby), or an extra single "planning conversation" for a
milestone no occurrence can reach. For a group of new series this costs one ``$batch`` of instances reads
per 20 series, one of PATCHes per 20 moves, one of cancels per 20 skipped weeks, and one create request per
20 extras. Every step can be repeated:
a move to where the instance already is changes nothing, and an extra's id is deterministic.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.domain.calendar import Occurrence, OccurrenceCancel, OccurrenceMove, SeriesEvent, SeriesSpec
from shared.domain.planning import Conversation, YearPlan
from shared.domain.series import SERIES_NAMESPACE, milestone_body
from shared.ports.calendar import Calendar
from shared.ports.directory import MailboxUnavailable
from shared.ports.storage import Record
from shared.services.conversation_lifecycle import PairFacts

SKIP_COMMENT = "No time inside both working days was free this week, so this conversation is skipped."
PLANNING_SUBJECT = "Planning conversation"


@dataclass(frozen=True, slots=True)
class NewSeries:
    """A series just created (or found again), with the plan it was created for and its single-event spec."""

    event: SeriesEvent
    plan: YearPlan
    spec: SeriesSpec
    report_id: str
    record: Record | None = None  # the series record as this worker last wrote or read it (with its ETag)
    facts: PairFacts | None = None  # the pair's org unit and the report's hire date, as the run read them


@dataclass(slots=True)
class FixupResult:
    moved: int = 0
    cancelled: int = 0
    extras: int = 0
    problems: list[str] = field(default_factory=list)
    extra_events: dict[str, list[tuple[str, datetime, datetime]]] = field(default_factory=dict)  # by series id


def extra_id(series: str, conversation: Conversation) -> str:
    """The deterministic tag of a milestone's extra conversation (same pair, same milestone, same id)."""
    return str(uuid.uuid5(SERIES_NAMESPACE, f"{series}|extra|{conversation.milestone_id or conversation.start}"))


def needs_fixups(plan: YearPlan) -> bool:
    return bool(plan.skipped) or any(c.is_moved or c.is_extra for c in plan.conversations)


def extra_spec(base: SeriesSpec, conversation: Conversation) -> SeriesSpec:
    """A single conversation that names the milestone it serves (subject and body)."""
    label = conversation.milestone_label or "a planning milestone"
    body = milestone_body(base.attendee_name, label)
    minutes = int((conversation.end - conversation.start) / timedelta(minutes=1))
    subject = f"{PLANNING_SUBJECT} ({label}): {base.subject.split(': ', 1)[-1]}"[:255]
    return SeriesSpec(
        series_id=extra_id(base.series_id, conversation),
        organizer_id=base.organizer_id,
        attendee_upn=base.attendee_upn,
        attendee_name=base.attendee_name,
        subject=subject,
        body_html=body,
        first_start=conversation.start,
        duration_minutes=minutes,
        recurrence=None,
        online=base.online,
    )


async def apply_fixups(calendar: Calendar, created: Sequence[NewSeries], end: datetime) -> FixupResult:
    """Moves, cancelled weeks and extras for every new series whose plan needs them."""
    result, todo = FixupResult(), [item for item in created if needs_fixups(item.plan)]
    if not todo:
        return result
    start = min(item.event.first_start for item in todo)
    queries = [(item.spec.organizer_id, item.event.event_id) for item in todo if _changes_instances(item.plan)]
    found = await calendar.occurrences_many(queries, start, end) if queries else {}
    moves: list[OccurrenceMove] = []
    cancels: list[OccurrenceCancel] = []
    for item in todo:
        instances = found.get(item.event.event_id, [])
        if isinstance(instances, MailboxUnavailable):
            result.problems.append(f"{item.spec.series_id}: {instances}")
            continue
        by_start = {o.start: o for o in instances}
        moves += _moves(item, by_start, result)
        cancels += [
            OccurrenceCancel(item.spec.organizer_id, by_start[start].event_id, f"{SKIP_COMMENT} ({why})")
            for start, why in item.plan.skipped
            if start in by_start
        ]
    answers = await calendar.move_occurrences_many(moves) if moves else {}
    result.problems += [f"{oid}: {answer}" for oid, answer in answers.items() if answer is not None]
    result.moved += sum(answer is None for answer in answers.values())
    cancelled = await calendar.cancel_occurrences_many(cancels) if cancels else {}
    result.problems += [f"{oid}: {answer}" for oid, answer in cancelled.items() if answer is not None]
    result.cancelled += sum(answer is None for answer in cancelled.values())
    extras = [(item, extra_spec(item.spec, c)) for item in todo for c in item.plan.conversations if c.is_extra]
    made = await calendar.create_series_many([spec for _, spec in extras]) if extras else {}
    for item, spec in extras:
        event = made.get(spec.series_id)
        if event is None or isinstance(event, MailboxUnavailable):
            result.problems.append(f"{spec.series_id}: extra conversation not created ({event})")
            continue
        end = event.first_start + timedelta(minutes=event.duration_minutes)
        result.extra_events.setdefault(item.spec.series_id, []).append((event.event_id, event.first_start, end))
        result.extras += 1
    return result


def _changes_instances(plan: YearPlan) -> bool:
    return bool(plan.skipped) or any(c.is_moved for c in plan.conversations)


def _moves(item: NewSeries, by_start: dict[datetime, Occurrence], result: FixupResult) -> list[OccurrenceMove]:
    moves = []
    for conversation in item.plan.conversations:
        if not conversation.is_moved or conversation.pattern_start is None or conversation.start in by_start:
            continue  # not a move, or already moved (a repeated fix-up)
        occurrence = by_start.get(conversation.pattern_start)
        if occurrence is None:
            result.problems.append(f"{item.spec.series_id}: no instance at {conversation.pattern_start.isoformat()}")
            continue
        label = conversation.milestone_label
        body = milestone_body(item.spec.attendee_name, label) if label else None
        moves.append(
            OccurrenceMove(item.spec.organizer_id, occurrence.event_id, conversation.start, conversation.end, body)
        )
    return moves
