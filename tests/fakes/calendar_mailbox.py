"""``FakeCalendar.get_event`` and ``mailbox_occurrences``: events as one mailbox sees them (organiser or attendee).

Ids follow the fake's scheme: ``evt-1`` is the organiser's series master, ``evt-1@2026-06-02`` one occurrence
(the date it was planned on), and the attendee's copies are the same ids prefixed ``copy-``. Like Graph, the master
and its copies share an ``iCalUId`` while each occurrence has its own; an occurrence names its master in the same
mailbox and keeps its ``original_start``. The attendee's own answer shows a decline, including one sent without a
response (which the organiser's view never shows), and their list of instances leaves out what they declined, as
Outlook does; a deleted occurrence, a cancelled series and a removed copy are not there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from shared.domain.calendar import Occurrence, Response
from shared.domain.mailbox_events import EventKind, MailboxEvent

if TYPE_CHECKING:
    from tests.fakes.calendar import FakeCalendar, _Event

COPY_PREFIX = "copy-"
MOVE_REACH = timedelta(days=60)  # an occurrence is looked for this far around the day it was planned on


def mailbox_event(fake: FakeCalendar, user_id: str, event_id: str) -> MailboxEvent | None:
    is_copy = event_id.startswith(COPY_PREFIX)
    master_id, _, day_text = event_id.removeprefix(COPY_PREFIX).partition("@")
    event = _series(fake, user_id, master_id, is_copy)
    if event is None:
        return None
    if not day_text:
        kind = EventKind.SERIES_MASTER if event.spec.recurrence is not None else EventKind.SINGLE
        first, length = event.spec.first_start, timedelta(minutes=event.spec.duration_minutes)
        answer = _answer(fake, event, user_id, None) if is_copy else Response.ORGANIZER
        return MailboxEvent(event_id, kind, first, first + length, event.ical_uid, None, not is_copy, answer)
    day = _day(day_text)
    occurrence = _occurrence(fake, event, f"{master_id}@{day_text}", day) if day is not None else None
    return _view(fake, event, occurrence, user_id, is_copy) if occurrence is not None else None


def mailbox_occurrences(
    fake: FakeCalendar, user_id: str, event_id: str, start: datetime, end: datetime
) -> list[MailboxEvent]:
    is_copy = event_id.startswith(COPY_PREFIX)
    event = _series(fake, user_id, event_id.removeprefix(COPY_PREFIX), is_copy)
    if event is None:
        return []
    views = [_view(fake, event, o, user_id, is_copy) for o in fake._expand(event, start, end)]
    return [v for v in views if not is_copy or v.own_response is not Response.DECLINED]


def _series(fake: FakeCalendar, user_id: str, master_id: str, is_copy: bool) -> _Event | None:
    event = fake.events.get(master_id)
    if event is None or event.cancelled:
        return None
    if not is_copy:
        return event if event.spec.organizer_id == user_id else None
    address = fake.upns.get(user_id, user_id).lower()
    return event if event.attendee_copy and event.spec.attendee_upn.lower() == address else None


def _view(fake: FakeCalendar, event: _Event, occurrence: Occurrence, user_id: str, is_copy: bool) -> MailboxEvent:
    day = date.fromisoformat(occurrence.event_id.rpartition("@")[2])
    prefix = COPY_PREFIX if is_copy else ""
    first = event.spec.first_start.astimezone(fake._zone(event))
    return MailboxEvent(
        event_id=prefix + occurrence.event_id,
        kind=EventKind.EXCEPTION if day in event.moved else EventKind.OCCURRENCE,
        start=occurrence.start,
        end=occurrence.end,
        ical_uid=f"{event.ical_uid}-{day.isoformat()}",  # an occurrence has its own iCalUId
        series_master_id=prefix + event.event_id,
        is_organizer=not is_copy,
        own_response=_answer(fake, event, user_id, day) if is_copy else Response.ORGANIZER,
        original_start=datetime.combine(day, first.time(), first.tzinfo).astimezone(UTC),
    )


def _occurrence(fake: FakeCalendar, event: _Event, occurrence_id: str, day: date) -> Occurrence | None:
    anchor = datetime.combine(day, datetime.min.time(), UTC)
    found = [o for o in fake._expand(event, anchor - MOVE_REACH, anchor + MOVE_REACH) if o.event_id == occurrence_id]
    return found[0] if found else None


def _answer(fake: FakeCalendar, event: _Event, user_id: str, day: date | None) -> Response:
    address = fake.upns.get(user_id, user_id).lower()
    if day is not None and address in event.declined.get(day, set()) | event.silently_declined.get(day, set()):
        return Response.DECLINED
    return Response.NONE


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
