"""One event as one mailbox sees it: the organiser's event, or an attendee's own copy of it (``Calendar.get_event``).

Change notifications name an event by its id in the watched mailbox. The organiser's series master, each of its
occurrences and each attendee's copy all have different ids; the series master and every copy of it share one
``iCalUId`` (an occurrence has its own), and an occurrence points at its master by ``series_master_id``. The
mailbox owner's own answer (``own_response``) is the only place a decline sent without a response shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.domain.calendar import Response


class EventKind(StrEnum):
    SINGLE = "singleInstance"
    OCCURRENCE = "occurrence"
    EXCEPTION = "exception"  # an occurrence that was moved or edited
    SERIES_MASTER = "seriesMaster"


@dataclass(frozen=True, slots=True)
class MailboxEvent:
    event_id: str
    kind: EventKind
    start: datetime  # UTC
    end: datetime  # UTC
    ical_uid: str | None
    series_master_id: str | None  # set on an occurrence or exception: its master in the same mailbox
    is_organizer: bool
    own_response: Response  # the mailbox owner's answer (``organizer`` on the organiser's own event)
    is_cancelled: bool = False

    @property
    def is_instance(self) -> bool:
        """One occurrence of a series (moved or not)."""
        return self.kind in (EventKind.OCCURRENCE, EventKind.EXCEPTION)
