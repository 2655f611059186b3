"""Outlook calendars through Graph: free/busy and the tagged conversation series."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from shared.domain.calendar import Busy, Occurrence, OccurrenceCancel, OccurrenceMove, SeriesEvent, SeriesSpec
from shared.domain.mailbox_events import MailboxEvent
from shared.ports.directory import MailboxUnavailable

SeriesLookup = tuple[str, str]
"""(organiser id, series id): where to look for a tagged series."""

FoundSeries = SeriesEvent | None | MailboxUnavailable
"""One look-up's answer: the live series master, None when there is none, or the mailbox is out of scope."""

CreatedSeries = SeriesEvent | MailboxUnavailable
"""One create's answer: the series (new, or the one a retried create had already made), or out of scope."""

ScheduleQuery = tuple[str, Sequence[str]]
"""(organiser id, SMTP addresses): one manager's getSchedule, for ``busy_times_many``."""

BusyAnswer = dict[str, list[Busy]] | MailboxUnavailable
"""One organiser's free/busy keyed by SMTP address (lower-case), or why their mailbox is unavailable.

An address that resolves to no mailbox is one ``unknown`` interval over the window (never free time)."""

OccurrenceQuery = tuple[str, str]
"""(organiser id, series master event id): whose instances ``occurrences_many`` lists."""

OccurrencesAnswer = list[Occurrence] | MailboxUnavailable
"""One series' instances in the window, or why the organiser's mailbox is unavailable."""


@runtime_checkable
class Calendar(Protocol):
    async def busy_times(
        self, organizer_id: str, addresses: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Busy]]:
        """Free/busy of SMTP addresses over any window, keyed by address (lower-case).

        Graph allows 20 mailboxes and 62 days per getSchedule: the adapter cuts the call to fit.
        """
        ...

    async def busy_times_many(
        self, queries: Sequence[ScheduleQuery], start: datetime, end: datetime
    ) -> dict[str, BusyAnswer]:
        """``busy_times`` for several organisers at once (their getSchedule calls in ``$batch``), by organiser."""
        ...

    async def find_series(self, organizer_id: str, series_id: str) -> SeriesEvent | None:
        """The series master tagged with ``series_id`` (single-value extended property), if any."""
        ...

    async def find_series_many(self, lookups: Sequence[SeriesLookup]) -> dict[str, FoundSeries]:
        """``find_series`` for many (organiser, series id) pairs, in as few requests as possible, keyed by series id.

        Mailboxes may differ. An out-of-scope mailbox is a per-item ``MailboxUnavailable``, not an exception.
        """
        ...

    async def create_series(self, spec: SeriesSpec) -> SeriesEvent: ...

    async def create_series_many(self, specs: Sequence[SeriesSpec]) -> dict[str, CreatedSeries]:
        """``create_series`` for many specs (``$batch`` of up to 20), keyed by series id; idempotent per series.

        Callers look the series up first; a re-sent create looks again before posting, and every create carries
        the deterministic ``transactionId``, so a retry or a crash never makes a second series.
        """
        ...

    async def update_series(self, event_id: str, spec: SeriesSpec) -> SeriesEvent: ...

    async def cancel(self, organizer_id: str, event_id: str, comment: str) -> None: ...

    async def occurrences(
        self, organizer_id: str, event_id: str, start: datetime, end: datetime
    ) -> list[Occurrence]: ...

    async def move_occurrence(self, organizer_id: str, occurrence_id: str, start: datetime, end: datetime) -> None: ...

    async def occurrences_many(
        self, queries: Sequence[OccurrenceQuery], start: datetime, end: datetime
    ) -> dict[str, OccurrencesAnswer]:
        """``occurrences`` of many series masters (``$batch`` of up to 20 instances GETs, each following
        ``@odata.nextLink``), keyed by series master event id. An out-of-scope mailbox is a per-item
        ``MailboxUnavailable``."""
        ...

    async def move_occurrences_many(self, moves: Sequence[OccurrenceMove]) -> dict[str, MailboxUnavailable | None]:
        """``move_occurrence`` for many instances (PATCH start/end, ``$batch`` of 20), keyed by occurrence id:
        None when moved, ``MailboxUnavailable`` when the organiser's mailbox is out of scope."""
        ...

    async def cancel_occurrences_many(
        self, cancels: Sequence[OccurrenceCancel]
    ) -> dict[str, MailboxUnavailable | None]:
        """``cancel_occurrence`` for many instances in ``$batch``es of 20, keyed by occurrence id; None when
        cancelled (or already gone)."""
        ...

    async def cancel_occurrence(self, organizer_id: str, occurrence_id: str, comment: str) -> None:
        """Cancel one instance (POST ``/events/{instance id}/cancel``): it leaves the organiser's instances and the
        attendees' copies; the rest of the series stays."""
        ...

    async def remove_attendee_copy(self, attendee_id: str, ical_uid: str) -> bool:
        """Delete the attendee's own copy of an event (found by ``iCalUId``), e.g. when its organiser has left.

        True when a copy was removed, False when the attendee had none."""
        ...

    async def get_event(self, user_id: str, event_id: str) -> MailboxEvent | None:
        """One event, occurrence or attendee copy in ``user_id``'s mailbox, as that mailbox sees it; None when it
        is not there (404 or a malformed id: deleted, or never there). Raises ``MailboxUnavailable`` (403)."""
        ...

    async def mailbox_occurrences(
        self, user_id: str, event_id: str, start: datetime, end: datetime
    ) -> list[MailboxEvent]:
        """The instances of the series ``event_id`` in ``user_id``'s mailbox over [start, end), as that mailbox sees
        them: an attendee's list leaves out the occurrences they declined or deleted. Empty when the series is not
        there; raises ``MailboxUnavailable`` (403)."""
        ...
