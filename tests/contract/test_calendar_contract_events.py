"""Calendar contract, reading events in one mailbox (``get_event``, ``mailbox_occurrences``): what a change
notification names, and the two views of a series a silent decline is found between.

The organiser's series master and occurrences, the report's own copies of both, the report's own answer, what is
no longer there, and both lists of instances paired by ``originalStart``. Runs against FakeCalendar and
GraphCalendar on the Graph emulator (the ``subject`` fixture of test_calendar_contract).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.calendar import OccurrenceCancel, OccurrenceMove, Response, SeriesEvent
from shared.domain.mailbox_events import EventKind, silent_declines
from shared.domain.series import series_id
from tests.contract.test_calendar_contract import FIRST, WINDOW, Subject, spec_for, subject

__all__ = ["subject"]  # the fixture, shared with test_calendar_contract

pytestmark = pytest.mark.contract
MINUTES_45 = timedelta(minutes=45)


async def created(subject: Subject, tag: str) -> SeriesEvent:
    series = await subject.calendar.create_series(
        spec_for(subject, series_id("contract", subject.manager_id, subject.report_upn, tag))
    )
    assert series.ical_uid
    return series


async def test_the_organisers_series_and_occurrence_as_the_organiser_sees_them(subject: Subject) -> None:
    series = await created(subject, "read-organiser")
    master = await subject.calendar.get_event(subject.manager_id, series.event_id)
    assert master is not None
    assert (master.kind, master.start, master.end) == (EventKind.SERIES_MASTER, FIRST, FIRST + MINUTES_45)
    assert (master.ical_uid, master.is_organizer, master.own_response) == (series.ical_uid, True, Response.ORGANIZER)
    second = (await subject.calendar.occurrences(subject.manager_id, series.event_id, *WINDOW))[1]
    occurrence = await subject.calendar.get_event(subject.manager_id, second.event_id)
    assert occurrence is not None and occurrence.is_instance
    assert (occurrence.kind, occurrence.series_master_id) == (EventKind.OCCURRENCE, series.event_id)
    assert (occurrence.start, occurrence.end) == (second.start, second.end)
    assert occurrence.ical_uid != series.ical_uid  # each occurrence has its own iCalUId


async def test_the_reports_copy_shares_the_iCalUId_and_shows_their_own_decline(subject: Subject) -> None:
    assert subject.copy_id is not None and subject.decline is not None
    series = await created(subject, "read-copy")
    assert series.ical_uid is not None
    occurrences = await subject.calendar.occurrences(subject.manager_id, series.event_id, *WINDOW)
    copy_id = await subject.copy_id(series.ical_uid, None)
    copy_occurrence_id = await subject.copy_id(series.ical_uid, occurrences[1].start)
    copy = await subject.calendar.get_event(subject.report_id, copy_id)
    assert copy is not None and copy.event_id != series.event_id
    assert (copy.kind, copy.ical_uid, copy.is_organizer) == (EventKind.SERIES_MASTER, series.ical_uid, False)
    await subject.decline(occurrences[1].event_id, None)
    answered = await subject.calendar.get_event(subject.report_id, copy_occurrence_id)
    assert answered is not None and answered.series_master_id == copy_id
    assert (answered.start, answered.own_response) == (occurrences[1].start, Response.DECLINED)
    other = await subject.calendar.get_event(subject.report_id, await subject.copy_id(series.ical_uid, FIRST))
    assert other is not None and other.own_response is not Response.DECLINED


async def test_moving_a_declined_occurrence_clears_the_reports_decline(subject: Subject) -> None:
    assert subject.copy_id is not None and subject.decline is not None
    series = await created(subject, "read-moved")
    assert series.ical_uid is not None
    occurrences = await subject.calendar.occurrences(subject.manager_id, series.event_id, *WINDOW)
    copy_occurrence_id = await subject.copy_id(series.ical_uid, occurrences[1].start)
    await subject.decline(occurrences[1].event_id, None)
    later = occurrences[1].start + timedelta(days=1)
    await subject.calendar.move_occurrences_many(
        [OccurrenceMove(subject.manager_id, occurrences[1].event_id, later, later + MINUTES_45)]
    )
    moved = await subject.calendar.get_event(subject.manager_id, occurrences[1].event_id)
    assert moved is not None and (moved.kind, moved.start) == (EventKind.EXCEPTION, later)
    copy = await subject.calendar.get_event(subject.report_id, copy_occurrence_id)
    assert copy is not None and (copy.start, copy.end) == (later, later + MINUTES_45)
    assert copy.own_response is not Response.DECLINED  # the organiser's move asks the report again


async def test_what_is_gone_or_elsewhere_is_not_there(subject: Subject) -> None:
    series = await created(subject, "read-gone")
    occurrences = await subject.calendar.occurrences(subject.manager_id, series.event_id, *WINDOW)
    await subject.calendar.cancel_occurrences_many([OccurrenceCancel(subject.manager_id, occurrences[2].event_id, "")])
    assert await subject.calendar.get_event(subject.manager_id, occurrences[2].event_id) is None
    assert await subject.calendar.get_event(subject.report_id, series.event_id) is None  # the organiser's id
    assert await subject.calendar.get_event(subject.manager_id, "no-such-event") is None
    await subject.calendar.cancel(subject.manager_id, series.event_id, "ends")
    assert await subject.calendar.get_event(subject.manager_id, series.event_id) is None


async def test_both_lists_of_instances_pair_up_by_original_start_and_the_copy_drops_a_decline(
    subject: Subject,
) -> None:
    assert subject.copy_id is not None and subject.decline is not None
    series = await created(subject, "list-copy")
    assert series.ical_uid is not None
    copy_id = await subject.copy_id(series.ical_uid, None)
    organiser = await subject.calendar.mailbox_occurrences(subject.manager_id, series.event_id, *WINDOW)
    copy = await subject.calendar.mailbox_occurrences(subject.report_id, copy_id, *WINDOW)
    assert [o.original_start for o in organiser] == [o.start for o in organiser] == [c.start for c in copy]
    assert {o.kind for o in organiser} == {EventKind.OCCURRENCE} and {c.series_master_id for c in copy} == {copy_id}
    assert silent_declines(organiser, copy) == frozenset()
    await subject.decline(organiser[1].event_id, None)
    later = organiser[2].start + timedelta(days=1)
    await subject.calendar.move_occurrences_many(
        [OccurrenceMove(subject.manager_id, organiser[2].event_id, later, later + MINUTES_45)]
    )
    moved = await subject.calendar.mailbox_occurrences(subject.manager_id, series.event_id, *WINDOW)
    assert (moved[2].kind, moved[2].start, moved[2].original_start) == (EventKind.EXCEPTION, later, organiser[2].start)
    copy = await subject.calendar.mailbox_occurrences(subject.report_id, copy_id, *WINDOW)
    assert [c.original_start for c in copy] == [o.start for i, o in enumerate(organiser) if i != 1]
    assert silent_declines(moved, copy) == frozenset({(organiser[1].start, organiser[1].end)})
    assert await subject.calendar.mailbox_occurrences(subject.manager_id, "no-such-event", *WINDOW) == []
