"""Outlook calendars through Graph: free/busy and the tagged conversation series."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from shared.domain.calendar import Busy, Occurrence, SeriesEvent, SeriesSpec
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
