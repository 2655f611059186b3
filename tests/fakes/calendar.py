"""An in-memory Calendar: tagged series with weekly recurrence, instances, declines, moves and busy time.

Like Graph, deleted and cancelled occurrences are left out of ``occurrences``, a series' own instances show up as busy
time for the organiser and the attendees, and ``busy_times`` takes up to 20 mailboxes per call. The batch
operations count one call per 20 items (a ``$batch``), and a mailbox in ``out_of_scope`` answers with
``MailboxUnavailable`` per item, as Graph's application access policy does. A spec without recurrence is a
single event: found and busy like a series, with no instances (Graph lists none for a singleInstance event).
A series without end date or count (``noEnd``) is expanded up to the end of the asked window. The attendee's
copy shares the organiser's ``iCalUId`` until ``remove_attendee_copy`` deletes it (then it is no longer busy).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.domain.calendar import Busy, Occurrence, OccurrenceCancel, OccurrenceMove, Response, SeriesEvent, SeriesSpec
from shared.domain.mailbox_events import MailboxEvent
from shared.ports.calendar import (
    BusyAnswer,
    CreatedSeries,
    FoundSeries,
    OccurrenceQuery,
    OccurrencesAnswer,
    ScheduleQuery,
    SeriesLookup,
)
from shared.ports.directory import MailboxUnavailable, NoMailbox
from tests.fakes.calendar_mailbox import COPY_PREFIX, mailbox_event, mailbox_occurrences

BATCH_LIMIT = 20


class SimulatedCrash(RuntimeError):
    """Raised after a write took effect, as if the process died before the caller saw the answer."""


@dataclass
class _Event:
    event_id: str
    spec: SeriesSpec
    cancelled: bool = False
    cancel_comment: str = ""
    moved: dict[date, tuple[datetime, datetime]] = field(default_factory=dict)
    declined: dict[date, set[str]] = field(default_factory=dict)
    deleted: set[date] = field(default_factory=set)
    proposals: dict[date, dict[str, tuple[datetime, datetime]]] = field(default_factory=dict)
    attendee_copy: bool = True
    silently_declined: dict[date, set[str]] = field(default_factory=dict)  # shown in the attendee's copy only

    @property
    def ical_uid(self) -> str:
        return f"ical-{self.event_id}"


class FakeCalendar:
    def __init__(self, upns: dict[str, str] | None = None) -> None:
        self.upns = upns or {}
        self.busy: dict[str, list[Busy]] = {}
        self.events: dict[str, _Event] = {}
        self.calls: list[str] = []
        self.crash_after_create = False
        self.out_of_scope: set[str] = set()
        self.no_mailbox: set[str] = set()
        self.unresolvable: set[str] = set()  # addresses that are no mailbox's SMTP address
        self.instance_bodies: dict[str, str] = {}  # occurrence id -> its own body, when a move set one
        self._ids = itertools.count(1)

    # ------------------------------------------------------------------ test helpers
    def add_busy(self, upn: str, start: datetime, end: datetime, status: str = "busy") -> None:
        self.busy.setdefault(upn.lower(), []).append(Busy(start, end, status))

    def decline(self, occurrence_id: str, upn: str, proposed: tuple[datetime, datetime] | None = None) -> None:
        """The attendee declines one occurrence, optionally proposing another time (``proposedNewTime``)."""
        event, day = self._instance(occurrence_id)
        event.declined.setdefault(day, set()).add(upn.lower())
        if proposed is not None:
            event.proposals.setdefault(day, {})[upn.lower()] = proposed

    def decline_silently(self, occurrence_id: str, upn: str) -> None:
        """The attendee declines one occurrence with ``sendResponse: false``: only their own copy shows it."""
        event, day = self._instance(occurrence_id)
        event.silently_declined.setdefault(day, set()).add(upn.lower())

    def copy_id(self, event_id: str) -> str:
        """The attendee's id for the organiser's series (``evt-1``) or occurrence (``evt-1@2026-06-02``)."""
        return f"{COPY_PREFIX}{event_id}"

    def delete_occurrence(self, occurrence_id: str) -> None:
        event, day = self._instance(occurrence_id)
        event.deleted.add(day)

    def hand_edit_series(self, event_id: str, first_start: datetime) -> None:
        """The manager drags the whole series to another time in Outlook."""
        event = self.events[event_id]
        event.spec = replace(event.spec, first_start=first_start)

    def live_series(self, organizer_id: str) -> list[SeriesEvent]:
        return [self._view(e) for e in self.events.values() if e.spec.organizer_id == organizer_id and not e.cancelled]

    # ------------------------------------------------------------------ the port
    async def busy_times(
        self, organizer_id: str, addresses: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Busy]]:
        """Like getSchedule through the adapter: calls of 20 addresses and 62 days; the attendee's copy of an
        unanswered invitation is tentative, a declined occurrence is gone, an unknown address is unknown time."""
        wanted = [a.lower() for a in addresses]
        spans = max(1, -(-(end - start) // timedelta(days=62)))
        self.calls.extend(["busy_times"] * max(1, -(-len(wanted) // 20)) * spans)
        result = {u: [b for b in self.busy.get(u, []) if b.start < end and start < b.end] for u in wanted}
        for event in self.events.values():
            if event.cancelled:
                continue
            organizer = self.upns.get(event.spec.organizer_id, event.spec.organizer_id).lower()
            attendee = event.spec.attendee_upn.lower() if event.attendee_copy else None
            for occurrence in self._expand(event, start, end, with_single=True):
                declined = event.declined.get(date.fromisoformat(occurrence.event_id.rpartition("@")[2]), set())
                if organizer in result:
                    result[organizer].append(Busy(occurrence.start, occurrence.end, "busy"))
                if attendee in result and attendee not in declined:
                    result[attendee].append(Busy(occurrence.start, occurrence.end, "tentative"))
        for address in self.unresolvable & set(wanted):
            result[address] = [Busy(start, end, "unknown")]
        # like the adapter (calendar_requests.merge_busy): identical intervals are one item
        return {a: sorted(set(items), key=lambda b: (b.start, b.end, b.status)) for a, items in result.items()}

    async def busy_times_many(
        self, queries: Sequence[ScheduleQuery], start: datetime, end: datetime
    ) -> dict[str, BusyAnswer]:
        """Each organiser's getSchedule calls count as ``busy_times``; the ``$batch``es carrying them as well."""
        answers: dict[str, BusyAnswer] = {}
        before = self.calls.count("busy_times")
        for organizer_id, addresses in queries:
            try:
                self._check_scope(organizer_id)
                answers[organizer_id] = await self.busy_times(organizer_id, addresses, start, end)
            except MailboxUnavailable as error:
                answers[organizer_id] = error
        self.calls.extend(["busy_times_many"] * _batches(self.calls.count("busy_times") - before))
        return answers

    async def find_series(self, organizer_id: str, series_id: str) -> SeriesEvent | None:
        self.calls.append("find_series")
        self._check_scope(organizer_id)
        return self._live(organizer_id, series_id)

    async def find_series_many(self, lookups: Sequence[SeriesLookup]) -> dict[str, FoundSeries]:
        self.calls.extend(["find_series_many"] * _batches(len(lookups)))
        found: dict[str, FoundSeries] = {}
        for organizer_id, series_id in lookups:
            try:
                self._check_scope(organizer_id)
                found[series_id] = self._live(organizer_id, series_id)
            except MailboxUnavailable as error:
                found[series_id] = error
        return found

    async def create_series(self, spec: SeriesSpec) -> SeriesEvent:
        self.calls.append("create_series")
        self._check_scope(spec.organizer_id)
        return self._create(spec)

    async def create_series_many(self, specs: Sequence[SeriesSpec]) -> dict[str, CreatedSeries]:
        """Like Graph with a ``transactionId``: a second create of the same series returns the first one."""
        self.calls.extend(["create_series_many"] * _batches(len(specs)))
        created: dict[str, CreatedSeries] = {}
        for spec in specs:
            try:
                self._check_scope(spec.organizer_id)
            except MailboxUnavailable as error:
                created[spec.series_id] = error
                continue
            existing = self._live(spec.organizer_id, spec.series_id)
            created[spec.series_id] = existing if existing is not None else self._create(spec)
        return created

    def _check_scope(self, organizer_id: str) -> None:
        if organizer_id in self.out_of_scope:
            raise MailboxUnavailable(f"mailbox {organizer_id} is outside the access policy")
        if organizer_id in self.no_mailbox:
            raise NoMailbox(f"mailbox {organizer_id} is not available (MailboxNotEnabledForRESTAPI)")

    def _live(self, organizer_id: str, series_id: str) -> SeriesEvent | None:
        for event in self.events.values():
            if event.spec.organizer_id == organizer_id and event.spec.series_id == series_id and not event.cancelled:
                return self._view(event)
        return None

    def _create(self, spec: SeriesSpec) -> SeriesEvent:
        event = _Event(f"evt-{next(self._ids)}", spec)
        self.events[event.event_id] = event
        if self.crash_after_create:
            raise SimulatedCrash("process died after the event was created")
        return self._view(event)

    async def update_series(self, event_id: str, spec: SeriesSpec) -> SeriesEvent:
        """Like Outlook: a new recurrence, start or length drops the series' moved and deleted occurrences
        and every answer (the attendee is asked again)."""
        self.calls.append("update_series")
        event = self.events[event_id]
        old = event.spec
        if (old.recurrence, old.first_start, old.duration_minutes) != (
            spec.recurrence,
            spec.first_start,
            spec.duration_minutes,
        ):
            event.moved.clear()
            event.deleted.clear()
            event.declined.clear()
        event.spec = spec
        return self._view(event)

    async def cancel(self, organizer_id: str, event_id: str, comment: str) -> None:
        self.calls.append("cancel")
        self.events[event_id].cancelled = True
        self.events[event_id].cancel_comment = comment

    async def occurrences(self, organizer_id: str, event_id: str, start: datetime, end: datetime) -> list[Occurrence]:
        self.calls.append("occurrences")
        return self._expand(self.events[event_id], start, end)

    async def move_occurrence(self, organizer_id: str, occurrence_id: str, start: datetime, end: datetime) -> None:
        self.calls.append("move_occurrence")
        self._move(occurrence_id, start, end)

    def _move(self, occurrence_id: str, start: datetime, end: datetime) -> None:
        event, day = self._instance(occurrence_id)
        event.moved[day] = (start, end)
        event.declined.pop(day, None)
        event.proposals.pop(day, None)
        event.silently_declined.pop(day, None)

    async def occurrences_many(
        self, queries: Sequence[OccurrenceQuery], start: datetime, end: datetime
    ) -> dict[str, OccurrencesAnswer]:
        unique = list(dict.fromkeys(queries))
        self.calls.extend(["occurrences_many"] * _batches(len(unique)))
        found: dict[str, OccurrencesAnswer] = {}
        for organizer_id, event_id in unique:
            try:
                self._check_scope(organizer_id)
            except MailboxUnavailable as error:
                found[event_id] = error
                continue
            event = self.events.get(event_id)
            found[event_id] = self._expand(event, start, end) if event is not None and not event.cancelled else []
        return found

    async def move_occurrences_many(self, moves: Sequence[OccurrenceMove]) -> dict[str, MailboxUnavailable | None]:
        unique = list({move.occurrence_id: move for move in moves}.values())
        self.calls.extend(["move_occurrences_many"] * _batches(len(unique)))
        moved: dict[str, MailboxUnavailable | None] = {}
        for move in unique:
            try:
                self._check_scope(move.organizer_id)
            except MailboxUnavailable as error:
                moved[move.occurrence_id] = error
                continue
            self._move(move.occurrence_id, move.start, move.end)
            if move.body_html is not None:
                self.instance_bodies[move.occurrence_id] = move.body_html
            moved[move.occurrence_id] = None
        return moved

    async def cancel_occurrences_many(
        self, cancels: Sequence[OccurrenceCancel]
    ) -> dict[str, MailboxUnavailable | None]:
        unique = list({cancel.occurrence_id: cancel for cancel in cancels}.values())
        self.calls.extend(["cancel_occurrences_many"] * _batches(len(unique)))
        answers: dict[str, MailboxUnavailable | None] = {}
        for cancel in unique:
            try:
                self._check_scope(cancel.organizer_id)
            except MailboxUnavailable as error:
                answers[cancel.occurrence_id] = error
                continue
            self._cancel_instance(cancel.occurrence_id)
            answers[cancel.occurrence_id] = None
        return answers

    async def cancel_occurrence(self, organizer_id: str, occurrence_id: str, comment: str) -> None:
        """Like Graph's cancel of an instance: gone for the organiser and the attendee; an instance already gone
        counts as cancelled."""
        self.calls.append("cancel_occurrence")
        self._check_scope(organizer_id)
        self._cancel_instance(occurrence_id)

    def _cancel_instance(self, occurrence_id: str) -> None:
        if occurrence_id.partition("@")[0] in self.events:
            event, day = self._instance(occurrence_id)
            event.deleted.add(day)

    async def remove_attendee_copy(self, attendee_id: str, ical_uid: str) -> bool:
        self.calls.append("remove_attendee_copy")
        self._check_scope(attendee_id)
        attendee = self.upns.get(attendee_id, attendee_id).lower()
        for event in self.events.values():
            if event.ical_uid == ical_uid and event.attendee_copy and event.spec.attendee_upn.lower() == attendee:
                event.attendee_copy = False
                return True
        return False

    async def get_event(self, user_id: str, event_id: str) -> MailboxEvent | None:
        """The organiser's series or occurrence, or the attendee's copy (ids prefixed ``copy-``), as that mailbox
        sees it; None when gone. The attendee's own answer includes a decline sent without a response."""
        self.calls.append("get_event")
        self._check_scope(user_id)
        return mailbox_event(self, user_id, event_id)

    async def mailbox_occurrences(
        self, user_id: str, event_id: str, start: datetime, end: datetime
    ) -> list[MailboxEvent]:
        """The instances in one mailbox; the attendee's list leaves out what they declined (as Outlook does)."""
        self.calls.append("mailbox_occurrences")
        self._check_scope(user_id)
        return mailbox_occurrences(self, user_id, event_id, start, end)

    # ------------------------------------------------------------------ internals
    def _instance(self, occurrence_id: str) -> tuple[_Event, date]:
        event_id, _, day = occurrence_id.partition("@")
        return self.events[event_id], date.fromisoformat(day)

    def _view(self, event: _Event) -> SeriesEvent:
        spec = event.spec
        return SeriesEvent(
            event_id=event.event_id,
            series_id=spec.series_id,
            subject=spec.subject,
            first_start=spec.first_start,
            duration_minutes=spec.duration_minutes,
            recurrence=(
                replace(spec.recurrence, start_date=spec.first_start.astimezone(self._zone(event)).date())
                if spec.recurrence is not None
                else None
            ),
            attendee_upns=(spec.attendee_upn.lower(),),
            is_cancelled=event.cancelled,
            join_url=f"https://teams.example/join/{event.event_id}",
            ical_uid=event.ical_uid,
        )

    def _zone(self, event: _Event) -> ZoneInfo:
        recurrence = event.spec.recurrence
        return ZoneInfo(recurrence.time_zone if recurrence is not None else "UTC")

    def _expand(self, event: _Event, start: datetime, end: datetime, with_single: bool = False) -> list[Occurrence]:
        """Weekly instances overlapping [start, end); a single event has none unless ``with_single`` (busy time)."""
        spec, zone = event.spec, self._zone(event)
        if spec.recurrence is None and not with_single:
            return []
        local_first = spec.first_start.astimezone(zone)
        step = timedelta(weeks=spec.recurrence.interval if spec.recurrence is not None else 1)
        if spec.recurrence is None:
            until = local_first.date()
        elif spec.recurrence.end_date is not None:
            until = spec.recurrence.end_date
        elif spec.recurrence.occurrences is not None:
            until = local_first.date() + step * (spec.recurrence.occurrences - 1)
        else:  # noEnd: as far as the window reaches
            until = max(local_first.date(), end.astimezone(zone).date() + timedelta(days=1))
        duration = timedelta(minutes=spec.duration_minutes)
        found: list[Occurrence] = []
        day = local_first.date()
        while day <= until:
            if day not in event.deleted:
                begin = datetime.combine(day, local_first.time(), zone).astimezone(UTC)
                begin, finish = event.moved.get(day, (begin, begin + duration))
                if begin < end and start < finish:
                    responses = {spec.attendee_upn.lower(): Response.NONE}  # unanswered until they respond
                    responses |= {upn: Response.DECLINED for upn in event.declined.get(day, set())}
                    proposals = dict(event.proposals.get(day, {}))
                    found.append(
                        Occurrence(
                            f"{event.event_id}@{day.isoformat()}",
                            event.event_id,
                            begin,
                            finish,
                            responses,
                            proposed_new_times=proposals,
                        )
                    )
            day += step
        return sorted(found, key=lambda o: (o.start, o.end, o.event_id))  # like the emulator: by where they are now


def _batches(items: int) -> int:
    return -(-items // BATCH_LIMIT)
