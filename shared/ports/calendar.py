"""Outlook calendars through Graph: free/busy and the tagged conversation series."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from shared.domain.calendar import Busy, Occurrence, SeriesEvent, SeriesSpec


@runtime_checkable
class Calendar(Protocol):
    async def busy_times(
        self, organizer_id: str, upns: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Busy]]:
        """getSchedule for up to 20 mailboxes per call (the adapter chunks), keyed by UPN (lower-case)."""
        ...

    async def find_series(self, organizer_id: str, series_id: str) -> SeriesEvent | None:
        """The series master tagged with ``series_id`` (single-value extended property), if any."""
        ...

    async def create_series(self, spec: SeriesSpec) -> SeriesEvent: ...

    async def update_series(self, event_id: str, spec: SeriesSpec) -> SeriesEvent: ...

    async def cancel(self, organizer_id: str, event_id: str, comment: str) -> None: ...

    async def occurrences(
        self, organizer_id: str, event_id: str, start: datetime, end: datetime
    ) -> list[Occurrence]: ...

    async def move_occurrence(self, organizer_id: str, occurrence_id: str, start: datetime, end: datetime) -> None: ...
