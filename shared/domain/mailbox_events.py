"""One event as one mailbox sees it: the organiser's event, or an attendee's own copy of it (``Calendar.get_event``).

Change notifications name an event by its id in the watched mailbox. The organiser's series master, each of its
occurrences and each attendee's copy all have different ids; the series master and every copy of it share one
``iCalUId`` (an occurrence has its own), and an occurrence points at its master by ``series_master_id``. Every
copy of one occurrence keeps the ``original_start`` the pattern gave it, wherever it was moved to.

Silent declines: a decline sent without a response (``sendResponse: false``), or an attendee deleting an
occurrence, changes only the attendee's copy. Their list of the series' instances then leaves the occurrence out
(Outlook moves it to Deleted Items), or shows it with their own ``declined`` answer; the organiser's view does not
change. :func:`silent_declines` compares the two lists.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    original_start: datetime | None = None  # an occurrence's start as the pattern planned it (UTC), in every copy

    @property
    def is_instance(self) -> bool:
        """One occurrence of a series (moved or not)."""
        return self.kind in (EventKind.OCCURRENCE, EventKind.EXCEPTION)


def silent_declines(
    organiser: Sequence[MailboxEvent], copy: Sequence[MailboxEvent], settling: frozenset[str] = frozenset()
) -> frozenset[tuple[datetime, datetime]]:
    """(start, end) of the organiser's occurrences the attendee's copy declined without telling the organiser.

    Occurrences are paired by ``original_start``. One the copy shows declined counts only while the copy is at the
    organiser's times (a copy not yet updated after a move is stale). One missing from the copy counts, moved or
    not (the year plan moves many weeks, and a report may decline any of them), except while it is ``settling``:
    the ids of occurrences WeGrow itself moved moments ago, whose update Exchange may not have delivered to the
    attendee yet. Counting those would move them again and again.
    """
    by_original = {c.original_start: c for c in copy if c.original_start is not None}
    return frozenset(
        (occurrence.start, occurrence.end)
        for occurrence in organiser
        if occurrence.original_start is not None
        and not occurrence.is_cancelled
        and _declined_in(by_original.get(occurrence.original_start), occurrence, settling)
    )


def _declined_in(own: MailboxEvent | None, occurrence: MailboxEvent, settling: frozenset[str]) -> bool:
    if own is None:
        return occurrence.kind is EventKind.OCCURRENCE or occurrence.event_id not in settling
    same_times = (own.start, own.end) == (occurrence.start, occurrence.end)
    return own.own_response is Response.DECLINED and same_times
