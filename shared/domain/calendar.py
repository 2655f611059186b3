"""Calendar types: busy time, recurring conversation series and their occurrences.

Every instant is a timezone-aware UTC ``datetime``; local wall-clock times carry their IANA zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from shared.domain.people import Weekday


@dataclass(frozen=True, slots=True)
class Busy:
    start: datetime
    end: datetime
    status: str = "busy"  # busy | tentative | oof | workingElsewhere | unknown (Graph could not tell)


class RecurrenceKind(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    ABSOLUTE_MONTHLY = "absoluteMonthly"
    RELATIVE_MONTHLY = "relativeMonthly"


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A Graph patternedRecurrence, in the organiser's time zone."""

    kind: RecurrenceKind
    interval: int
    start_date: date
    days_of_week: tuple[Weekday, ...] = ()
    day_of_month: int | None = None
    index: str | None = None  # first|second|third|fourth|last for relativeMonthly
    end_date: date | None = None
    occurrences: int | None = None
    time_zone: str = "UTC"


class Response(StrEnum):
    NONE = "none"
    ACCEPTED = "accepted"
    TENTATIVE = "tentativelyAccepted"
    DECLINED = "declined"
    ORGANIZER = "organizer"
    NOT_RESPONDED = "notResponded"


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """What WeGrow wants on the manager's calendar for one pair."""

    series_id: str
    organizer_id: str
    attendee_upn: str
    attendee_name: str
    subject: str
    body_html: str
    first_start: datetime
    duration_minutes: int
    recurrence: Recurrence | None
    """None: a single, non-recurring conversation (e.g. an extra planning conversation), tagged like a series."""
    online: bool = True


@dataclass(frozen=True, slots=True)
class SeriesEvent:
    """A series master as found on the calendar."""

    event_id: str
    series_id: str
    subject: str
    first_start: datetime
    duration_minutes: int
    recurrence: Recurrence | None
    attendee_upns: tuple[str, ...] = ()
    is_cancelled: bool = False
    join_url: str | None = None
    ical_uid: str | None = None
    """Shared by the organiser's event and every attendee's copy (``remove_attendee_copy`` finds the copy by it)."""


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One instance of a series (possibly moved, i.e. an exception)."""

    event_id: str
    series_master_id: str
    start: datetime
    end: datetime
    attendee_responses: dict[str, Response] = field(default_factory=dict)
    is_cancelled: bool = False
    proposed_new_times: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    """Attendee address (lower-case) -> the (start, end) in UTC they proposed when declining or tentatively
    accepting (Graph ``attendee.proposedNewTime``); empty when nobody proposed."""


@dataclass(frozen=True, slots=True)
class OccurrenceMove:
    """Move one instance of a series (it becomes an exception) to a new start/end (UTC)."""

    organizer_id: str
    occurrence_id: str
    start: datetime
    end: datetime
    body_html: str | None = None  # this instance's own body (e.g. naming the milestone it now serves)


@dataclass(frozen=True, slots=True)
class OccurrenceCancel:
    """Cancel one instance of a series (the attendee gets ``comment``)."""

    organizer_id: str
    occurrence_id: str
    comment: str
