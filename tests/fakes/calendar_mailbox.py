"""``FakeCalendar.get_event``: one event as one mailbox sees it (the organiser's, or the attendee's copy).

Ids follow the fake's scheme: ``evt-1`` is the organiser's series master, ``evt-1@2026-06-02`` one occurrence
(the date it was planned on), and the attendee's copies are the same ids prefixed ``copy-``. Like Graph, the master
and its copies share an ``iCalUId`` while each occurrence has its own; an occurrence names its master in the same
mailbox. The attendee's own answer shows a decline, including one sent without a response (which the organiser's
view never shows); a deleted occurrence, a cancelled series and a removed copy are not there.
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
    organiser_id = event_id.removeprefix(COPY_PREFIX)
    master_id, _, day_text = organiser_id.partition("@")
    event = fake.events.get(master_id)
    if event is None or event.cancelled or not _shown_to(fake, event, user_id, is_copy):
        return None
    prefix = COPY_PREFIX if is_copy else ""
    if not day_text:
        kind = EventKind.SERIES_MASTER if event.spec.recurrence is not None else EventKind.SINGLE
        first, length = event.spec.first_start, timedelta(minutes=event.spec.duration_minutes)
        answer = _answer(fake, event, user_id, None) if is_copy else Response.ORGANIZER
        return MailboxEvent(prefix + master_id, kind, first, first + length, event.ical_uid, None, not is_copy, answer)
    day = _day(day_text)
    occurrence = _occurrence(fake, event, organiser_id, day) if day is not None else None
    if day is None or occurrence is None:
        return None
    return MailboxEvent(
        event_id=prefix + organiser_id,
        kind=EventKind.EXCEPTION if day in event.moved else EventKind.OCCURRENCE,
        start=occurrence.start,
        end=occurrence.end,
        ical_uid=f"{event.ical_uid}-{day.isoformat()}",  # an occurrence has its own iCalUId
        series_master_id=prefix + master_id,
        is_organizer=not is_copy,
        own_response=_answer(fake, event, user_id, day) if is_copy else Response.ORGANIZER,
    )


def _occurrence(fake: FakeCalendar, event: _Event, occurrence_id: str, day: date) -> Occurrence | None:
    anchor = datetime.combine(day, datetime.min.time(), UTC)
    found = [o for o in fake._expand(event, anchor - MOVE_REACH, anchor + MOVE_REACH) if o.event_id == occurrence_id]
    return found[0] if found else None


def _shown_to(fake: FakeCalendar, event: _Event, user_id: str, is_copy: bool) -> bool:
    if not is_copy:
        return event.spec.organizer_id == user_id
    address = fake.upns.get(user_id, user_id).lower()
    return event.attendee_copy and event.spec.attendee_upn.lower() == address


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
