"""Calendar contract, year-round additions: noEnd series, single conversations, occurrences and moves in batches,
cancelling one occurrence, proposed new times and removing an attendee's copy.

Runs against FakeCalendar and GraphCalendar on the Graph emulator (the ``subject`` fixture of
test_calendar_contract); the request counts are checked on the emulator only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from shared.domain.calendar import Busy, Occurrence, OccurrenceCancel, OccurrenceMove, Response, SeriesEvent, SeriesSpec
from shared.domain.series import series_id
from shared.ports.directory import MailboxUnavailable
from tests.contract.test_calendar_contract import FIRST, WINDOW, Subject, spec_for, subject
from tests.fixtures.graph import GraphEmulator

__all__ = ["subject"]  # the fixture, shared with test_calendar_contract

pytestmark = pytest.mark.contract
BERLIN = ZoneInfo("Europe/Berlin")
MINUTES_45 = timedelta(minutes=45)


def no_end_spec(subject: Subject, tag: str, other: bool = False) -> SeriesSpec:
    spec = spec_for(subject, series_id("contract", subject.manager_id, subject.report_upn, tag), other)
    assert spec.recurrence is not None
    return replace(spec, recurrence=replace(spec.recurrence, end_date=None, occurrences=None))


def single_spec(subject: Subject, tag: str) -> SeriesSpec:
    spec = spec_for(subject, series_id("contract", subject.manager_id, subject.report_upn, tag))
    return replace(spec, recurrence=None, subject="Planning conversation")


def occurrences_of(answer: object) -> list[Occurrence]:
    assert isinstance(answer, list), answer
    return answer


async def busy_at(subject: Subject, address: str, start: datetime) -> list[Busy]:
    found = await subject.calendar.busy_times(subject.manager_id, [address], start, start + timedelta(hours=1))
    return [b for b in found[address.lower()] if b.start <= start < b.end]


async def test_a_series_without_end_is_created_as_no_end_and_expands_in_any_window(subject: Subject) -> None:
    spec = no_end_spec(subject, "no-end")
    created = await subject.calendar.create_series(spec)
    found = await subject.calendar.find_series(subject.manager_id, spec.series_id)
    assert found is not None and found.recurrence is not None
    assert (found.recurrence.end_date, found.recurrence.occurrences) == (None, None)
    year = (datetime(2027, 3, 1, tzinfo=UTC), datetime(2028, 3, 1, tzinfo=UTC))  # 27 occurrences: several pages
    listed = await subject.calendar.occurrences(subject.manager_id, created.event_id, *year)
    expected = [date(2027, 3, 2) + timedelta(weeks=2 * k) for k in range(27)]
    assert [o.start.astimezone(BERLIN).date() for o in listed] == expected
    assert {o.start.astimezone(BERLIN).strftime("%H:%M") for o in listed} == {"10:00"}
    many = await subject.calendar.occurrences_many([(subject.manager_id, created.event_id)], *year)
    assert occurrences_of(many[created.event_id]) == listed
    late = (datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 2, 1, tzinfo=UTC))  # long after any default horizon
    far = await subject.calendar.occurrences(subject.manager_id, created.event_id, *late)
    every_other_tuesday = [d for d in (date(2027, 3, 2) + timedelta(weeks=2 * k) for k in range(200))]
    assert [o.start.date() for o in far] == [d for d in every_other_tuesday if date(2030, 1, 1) <= d < date(2030, 2, 1)]


async def test_a_single_conversation_is_created_and_found_like_a_series(subject: Subject) -> None:
    single = single_spec(subject, "planning")
    series = spec_for(subject, series_id("contract", subject.manager_id, subject.report_upn, "beside-planning"))
    created = await subject.calendar.create_series_many([single, series])
    made = created[single.series_id]
    assert isinstance(made, SeriesEvent) and made.recurrence is None and made.first_start == FIRST
    assert isinstance(created[series.series_id], SeriesEvent)
    found = await subject.calendar.find_series(subject.manager_id, single.series_id)
    assert found is not None and (found.event_id, found.series_id, found.recurrence) == (
        made.event_id,
        single.series_id,
        None,
    )
    assert found.duration_minutes == 45 and found.subject == "Planning conversation"
    many = await subject.calendar.find_series_many([(subject.manager_id, single.series_id)])
    assert isinstance(many[single.series_id], SeriesEvent)
    assert [b.status for b in await busy_at(subject, subject.manager_upn, FIRST)] == ["busy"]  # one item per interval
    assert [b.status for b in await busy_at(subject, subject.report_upn, FIRST)] == ["tentative"]
    repeat = await subject.calendar.create_series_many([single])
    assert _event_id(repeat[single.series_id]) == made.event_id


async def test_occurrences_many_over_several_series_and_mailboxes(subject: Subject) -> None:
    specs = [spec_for(subject, series_id("contract", subject.manager_id, "occ-many", f"v{k}")) for k in range(2)]
    specs.append(spec_for(subject, series_id("contract", subject.other_manager_id, "occ-many", "v0"), other=True))
    created = await subject.calendar.create_series_many(specs)
    queries = [(s.organizer_id, _event_id(created[s.series_id])) for s in specs]
    many = await subject.calendar.occurrences_many(queries, *WINDOW)
    assert set(many) == {event_id for _, event_id in queries}
    for organizer, event_id in queries:
        one = await subject.calendar.occurrences(organizer, event_id, *WINDOW)
        assert occurrences_of(many[event_id]) == one and len(one) == 5
        assert {o.series_master_id for o in one} == {event_id}
    assert await subject.calendar.occurrences_many([], *WINDOW) == {}
    assert subject.deny is not None
    await subject.deny(subject.other_manager_id)
    again = await subject.calendar.occurrences_many(queries, *WINDOW)
    assert isinstance(again[queries[2][1]], MailboxUnavailable)
    assert [occurrences_of(again[e]) for _, e in queries[:2]] == [many[e] for _, e in queries[:2]]


async def test_move_occurrences_many_moves_instances_and_their_busy_time(subject: Subject) -> None:
    mine = spec_for(subject, series_id("contract", subject.manager_id, subject.report_upn, "move-many"))
    theirs = spec_for(subject, series_id("contract", subject.other_manager_id, "move-many", "v0"), other=True)
    created = await subject.calendar.create_series_many([mine, theirs])
    master, other_master = _event_id(created[mine.series_id]), _event_id(created[theirs.series_id])
    before = await subject.calendar.occurrences(subject.manager_id, master, *WINDOW)
    other_before = await subject.calendar.occurrences(subject.other_manager_id, other_master, *WINDOW)
    targets = [before[k].start + timedelta(days=1, hours=3) for k in (1, 3)]
    moves = [
        OccurrenceMove(subject.manager_id, before[1].event_id, targets[0], targets[0] + MINUTES_45),
        OccurrenceMove(subject.manager_id, before[3].event_id, targets[1], targets[1] + MINUTES_45),
        OccurrenceMove(subject.other_manager_id, other_before[0].event_id, targets[0], targets[0] + MINUTES_45),
    ]
    assert await subject.calendar.move_occurrences_many(moves) == {m.occurrence_id: None for m in moves}
    after = await subject.calendar.occurrences(subject.manager_id, master, *WINDOW)
    assert [o.start for o in after] == [before[0].start, targets[0], before[2].start, targets[1], before[4].start]
    assert [o.end for o in after][1] == targets[0] + MINUTES_45
    other_after = await subject.calendar.occurrences(subject.other_manager_id, other_master, *WINDOW)
    assert {o.event_id: o.start for o in other_after}[other_before[0].event_id] == targets[0]
    assert [o.event_id for o in other_after[:2]] == [other_before[1].event_id, other_before[0].event_id]  # by start
    assert [b.status for b in await busy_at(subject, subject.manager_upn, targets[0])] == ["busy"]
    assert await busy_at(subject, subject.manager_upn, before[1].start) == []
    assert subject.deny is not None
    await subject.deny(subject.other_manager_id)
    denied = await subject.calendar.move_occurrences_many([replace(moves[2], start=targets[1], end=targets[1])])
    assert isinstance(denied[moves[2].occurrence_id], MailboxUnavailable)


async def test_cancel_occurrence_removes_it_for_the_organiser_and_the_attendee(subject: Subject) -> None:
    spec = spec_for(subject, series_id("contract", subject.manager_id, subject.report_upn, "cancel-one"))
    created = await subject.calendar.create_series(spec)
    before = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    gone = before[2]
    assert [b.status for b in await busy_at(subject, subject.report_upn, gone.start)] == ["tentative"]
    await subject.calendar.cancel_occurrence(subject.manager_id, gone.event_id, "Holiday week")
    after = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    assert [o.event_id for o in after] == [o.event_id for o in before if o.event_id != gone.event_id]
    assert await busy_at(subject, subject.report_upn, gone.start) == []
    assert await busy_at(subject, subject.manager_upn, gone.start) == []
    assert [b.status for b in await busy_at(subject, subject.report_upn, before[3].start)] == ["tentative"]
    assert await subject.calendar.find_series(subject.manager_id, spec.series_id) is not None


async def test_cancel_occurrences_many_cancels_each_instance_once_and_a_repeat_changes_nothing(
    subject: Subject,
) -> None:
    spec = spec_for(subject, series_id("contract", subject.manager_id, subject.report_upn, "cancel-many"))
    created = await subject.calendar.create_series(spec)
    before = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    cancels = [OccurrenceCancel(subject.manager_id, o.event_id, "Busy week") for o in (before[1], before[3])]
    assert await subject.calendar.cancel_occurrences_many(cancels) == {c.occurrence_id: None for c in cancels}
    assert await subject.calendar.cancel_occurrences_many(cancels[:1]) == {cancels[0].occurrence_id: None}
    after = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    assert [o.event_id for o in after] == [o.event_id for o in before if o not in (before[1], before[3])]
    assert await busy_at(subject, subject.report_upn, before[1].start) == []


async def test_a_proposed_new_time_reaches_the_organisers_occurrence(subject: Subject) -> None:
    spec = spec_for(subject, series_id("contract", subject.manager_id, subject.report_upn, "propose"))
    created = await subject.calendar.create_series(spec)
    before = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    assert all(o.proposed_new_times == {} for o in before)
    proposal = (before[1].start + timedelta(days=2), before[1].start + timedelta(days=2) + MINUTES_45)
    assert subject.decline is not None
    await subject.decline(before[1].event_id, proposal)
    await subject.decline(before[2].event_id, None)
    many = await subject.calendar.occurrences_many([(subject.manager_id, created.event_id)], *WINDOW)
    after = occurrences_of(many[created.event_id])
    report = subject.report_upn.lower()
    assert after[1].proposed_new_times == {report: proposal}
    assert after[1].attendee_responses[report] is Response.DECLINED
    assert after[2].proposed_new_times == {} and after[2].attendee_responses[report] is Response.DECLINED
    assert [o.proposed_new_times for o in (after[0], after[3], after[4])] == [{}, {}, {}]
    moved = proposal[0] + timedelta(hours=1)
    await subject.calendar.move_occurrences_many(
        [OccurrenceMove(subject.manager_id, after[1].event_id, moved, moved + MINUTES_45)]
    )
    retimed = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    assert retimed[1].proposed_new_times == {}  # moving the occurrence answers the proposal


async def test_remove_attendee_copy_once_then_nothing_left(subject: Subject) -> None:
    spec = spec_for(subject, series_id("contract", subject.manager_id, subject.report_upn, "copy"))
    created = await subject.calendar.create_series(spec)
    assert created.ical_uid
    found = await subject.calendar.find_series(subject.manager_id, spec.series_id)
    assert found is not None and found.ical_uid == created.ical_uid
    assert [b.status for b in await busy_at(subject, subject.report_upn, FIRST)] == ["tentative"]
    assert await subject.calendar.remove_attendee_copy(subject.report_id, created.ical_uid) is True
    assert await busy_at(subject, subject.report_upn, FIRST) == []
    assert [b.status for b in await busy_at(subject, subject.manager_upn, FIRST)] == ["busy"]
    assert await subject.calendar.remove_attendee_copy(subject.report_id, created.ical_uid) is False
    assert await subject.calendar.find_series(subject.manager_id, spec.series_id) is not None


# ---------------------------------------------------------------- the emulator and the Graph adapter only


async def test_graph_batches_twenty_instances_and_moves_per_round_trip(graph: GraphEmulator) -> None:
    from tests.contract.test_graph_adapter_support import adapters_for, count, pairs

    manager, report = pairs(graph.tenant())[0]
    subject = Subject(None, manager["id"], manager["mail"], report["mail"])  # type: ignore[arg-type]
    specs = [spec_for(subject, series_id("contract", manager["id"], "occ-count", f"v{k}")) for k in range(25)]
    async with adapters_for(graph.base_url) as adapters:
        created = await adapters.calendar.create_series_many(specs)
        queries = [(manager["id"], _event_id(created[s.series_id])) for s in specs]
        graph.clear_log()
        many = await adapters.calendar.occurrences_many(queries, *WINDOW)
        log = graph.log()
        assert (log["http_round_trips"], count(log, "GET /users/{id}/events/{event_id}/instances")) == (2, 25)
        assert log["max_concurrency"].get(manager["id"], 0) <= 4
        firsts = [occurrences_of(many[event_id])[0] for _, event_id in queries]
        moves = [OccurrenceMove(manager["id"], o.event_id, o.start + MINUTES_45, o.end + MINUTES_45) for o in firsts]
        graph.clear_log()
        moved = await adapters.calendar.move_occurrences_many(moves)
        log = graph.log()
        assert (log["http_round_trips"], count(log, "PATCH /users/{id}/events/{event_id}")) == (2, 25)
        assert moved == {m.occurrence_id: None for m in moves}
        year = (datetime(2027, 3, 1, tzinfo=UTC), datetime(2028, 3, 1, tzinfo=UTC))
        no_end = no_end_spec(subject, "occ-count-pages")
        series = await adapters.calendar.create_series(no_end)
        graph.clear_log()
        pages = await adapters.calendar.occurrences_many([(manager["id"], series.event_id)], *year)
        assert len(occurrences_of(pages[series.event_id])) == 27
        assert count(graph.log(), "GET /users/{id}/events/{event_id}/instances") == 3  # pages of 10
    async with httpx.AsyncClient(base_url=graph.base_url, timeout=30) as http:
        master = (await http.get(f"/users/{manager['id']}/events/{series.event_id}")).json()
    assert master["recurrence"]["range"]["type"] == "noEnd"  # sent as noEnd, not as a range without a type
    assert graph.violations() == []  # every request matched the OpenAPI description


def _event_id(value: object) -> str:
    assert isinstance(value, SeriesEvent), value
    return value.event_id
