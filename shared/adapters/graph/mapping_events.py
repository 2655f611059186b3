"""Events: WeGrow series specs to Graph ``event`` JSON bodies, and Graph's event JSON back to domain types.

Bodies are plain JSON and answers are read as plain JSON (see :mod:`wire`): no msgraph-sdk model is built on
either side. The series id lives in one single-value extended property (:data:`SERIES_PROPERTY_ID`), so a
retry or a re-run can find the series before creating it. The POST also carries a ``transactionId`` derived
from the series id, so Graph drops a duplicate of a retried create. Start, end and recurrence are written in
the recurrence's IANA zone, which Graph accepts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from shared.adapters.graph.mapping import to_iana
from shared.adapters.graph.wire import day, flag, number, obj, objects, text, utc_from, utc_of, wall_and_zone
from shared.domain.calendar import Busy, Occurrence, Recurrence, RecurrenceKind, Response, SeriesEvent, SeriesSpec
from shared.domain.people import Weekday

SERIES_PROPERTY_GUID = "{5e7d3c1a-8b42-4f6e-9a0d-2c61f4b87e35}"
SERIES_PROPERTY_ID = f"String {SERIES_PROPERTY_GUID} Name WeGrowSeriesId"
TRANSACTION_NAMESPACE = uuid.UUID("0b9c6f0e-3f57-4d7a-8e1e-7c2b9a4d5f60")
UNKNOWN = "unknown"  # free/busy Graph could not tell: treated as busy
BUSY_STATUSES = frozenset({"tentative", "busy", "oof", "workingElsewhere", UNKNOWN})
RESPONSES = {response.value: response for response in Response}
KINDS = {kind.value: kind for kind in RecurrenceKind}
WEEKDAYS = {weekday.value: weekday for weekday in Weekday}

JSON = dict[str, Any]


def transaction_id(series_id: str) -> str:
    """The deterministic ``transactionId`` for creating the series ``series_id``."""
    return str(uuid.uuid5(TRANSACTION_NAMESPACE, series_id))


def series_filter(series_id: str) -> str:
    """OData ``$filter`` that finds events tagged with ``series_id``."""
    value = series_id.replace("'", "''")
    return f"singleValueExtendedProperties/Any(ep: ep/id eq '{SERIES_PROPERTY_ID}' and ep/value eq '{value}')"


def series_expand() -> str:
    """OData ``$expand`` that returns the series property with each event."""
    return f"singleValueExtendedProperties($filter=id eq '{SERIES_PROPERTY_ID}')"


def local_time(instant: datetime, zone: str) -> JSON:
    """A UTC instant as wall-clock time in ``zone`` (IANA): a Graph dateTimeTimeZone."""
    wall = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return {"dateTime": wall.isoformat(timespec="seconds"), "timeZone": zone}


def patterned_recurrence(rec: Recurrence) -> JSON:
    pattern: JSON = {"type": rec.kind.value, "interval": rec.interval}
    if rec.days_of_week:
        pattern["daysOfWeek"] = [day_.value for day_ in rec.days_of_week]
    if rec.day_of_month is not None:
        pattern["dayOfMonth"] = rec.day_of_month
    if rec.index is not None:
        pattern["index"] = rec.index
    range_: JSON = {"startDate": rec.start_date.isoformat(), "recurrenceTimeZone": rec.time_zone}
    if rec.end_date is not None:
        range_ |= {"type": "endDate", "endDate": rec.end_date.isoformat()}
    elif rec.occurrences is not None:
        range_ |= {"type": "numbered", "numberOfOccurrences": rec.occurrences}
    else:
        range_["type"] = "noEnd"
    return {"pattern": pattern, "range": range_}


def event_for(spec: SeriesSpec, *, for_create: bool = True) -> JSON:
    """The event body for creating (or, with ``for_create=False``, patching) the series."""
    zone = spec.recurrence.time_zone if spec.recurrence is not None else "UTC"
    event: JSON = {
        "subject": spec.subject,
        "body": {"contentType": "html", "content": spec.body_html},
        "start": local_time(spec.first_start, zone),
        "end": local_time(spec.first_start + timedelta(minutes=spec.duration_minutes), zone),
        "attendees": [{"emailAddress": {"address": spec.attendee_upn, "name": spec.attendee_name}, "type": "required"}],
    }
    if spec.recurrence is not None:
        event["recurrence"] = patterned_recurrence(spec.recurrence)
    if for_create:
        event["transactionId"] = transaction_id(spec.series_id)
        event["singleValueExtendedProperties"] = [{"id": SERIES_PROPERTY_ID, "value": spec.series_id}]
        if spec.online:
            event |= {"isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness"}
    return event


def series_id_of(event: Mapping[str, Any]) -> str | None:
    for prop in objects(event, "singleValueExtendedProperties"):
        if (text(prop, "id") or "").lower() == SERIES_PROPERTY_ID.lower():
            return text(prop, "value")
    return None


def recurrence_from(value: Any, fallback_zone: str | None = None) -> Recurrence | None:
    """Our Recurrence for a daily/weekly/monthly patternedRecurrence; None for none or yearly patterns."""
    pattern, range_ = obj(value, "pattern"), obj(value, "range")
    kind = KINDS.get(text(pattern, "type") or "")
    start_date = day(range_, "startDate")
    if kind is None or start_date is None:
        return None
    range_type = text(range_, "type") or "noEnd"
    days = pattern.get("daysOfWeek")
    return Recurrence(
        kind=kind,
        interval=number(pattern, "interval") or 1,
        start_date=start_date,
        days_of_week=tuple(WEEKDAYS[d] for d in days if d in WEEKDAYS) if isinstance(days, list) else (),
        day_of_month=number(pattern, "dayOfMonth") or None,
        index=text(pattern, "index") if kind is RecurrenceKind.RELATIVE_MONTHLY else None,
        end_date=day(range_, "endDate") if range_type == "endDate" else None,
        occurrences=number(range_, "numberOfOccurrences") if range_type == "numbered" else None,
        time_zone=to_iana(text(range_, "recurrenceTimeZone")) or to_iana(fallback_zone) or "UTC",
    )


def _address(attendee: Mapping[str, Any]) -> str | None:
    address = text(obj(attendee, "emailAddress"), "address")
    return address.lower() if address else None


def series_event_from(event: Mapping[str, Any]) -> SeriesEvent:
    """A SeriesEvent from a series master (its series id from the extended property, if expanded)."""
    start, end = utc_from(event.get("start")), utc_from(event.get("end"))
    return SeriesEvent(
        event_id=text(event, "id") or "",
        series_id=series_id_of(event) or "",
        subject=text(event, "subject") or "",
        first_start=start,
        duration_minutes=int((end - start).total_seconds() // 60),
        recurrence=recurrence_from(event.get("recurrence"), text(event, "originalStartTimeZone")),
        attendee_upns=tuple(a for a in map(_address, objects(event, "attendees")) if a),
        is_cancelled=flag(event, "isCancelled"),
        join_url=text(obj(event, "onlineMeeting"), "joinUrl"),
        ical_uid=text(event, "iCalUId"),
    )


def response_of(value: Any) -> Response:
    """A responseStatus's ``response``; anything Graph adds later reads as no response."""
    return RESPONSES.get(text(value, "response") or "", Response.NONE)


def occurrence_from(event: Mapping[str, Any]) -> Occurrence:
    """One instance with each attendee's response and proposed new time (keyed by lower-case address).

    ``attendee.proposedNewTime`` is a timeSlot (start/end dateTimeTimeZone), set when the attendee declined or
    tentatively accepted with a proposal (Graph v1.0 attendee resource; event-decline ``proposedNewTime``)."""
    responses: dict[str, Response] = {}
    proposals: dict[str, tuple[datetime, datetime]] = {}
    for attendee in objects(event, "attendees"):
        address = _address(attendee)
        if address:
            responses[address] = response_of(attendee.get("status"))
            slot = obj(attendee, "proposedNewTime")
            if slot.get("start") is not None and slot.get("end") is not None:
                proposals[address] = (utc_from(slot["start"]), utc_from(slot["end"]))
    return Occurrence(
        event_id=text(event, "id") or "",
        series_master_id=text(event, "seriesMasterId") or "",
        start=utc_from(event.get("start")),
        end=utc_from(event.get("end")),
        attendee_responses=responses,
        is_cancelled=flag(event, "isCancelled"),
        proposed_new_times=proposals,
    )


def busy_from_schedule(info: Mapping[str, Any], window: tuple[datetime, datetime]) -> list[Busy]:
    """Busy intervals (UTC) of one getSchedule scheduleInformation; free items are dropped.

    An entry with an ``error`` (no mailbox at that address, no permission to see it) says nothing about the
    person's time: it is one ``unknown`` interval over the whole window, never free. A status Graph adds later
    (or none) is read as busy. This runs for every busy block of every answer: an item's texts are read once
    and the same block (people share half hours) is the same ``Busy``.
    """
    if info.get("error") is not None:
        return [Busy(start=window[0], end=window[1], status=UNKNOWN)]
    busy: list[Busy] = []
    for item in objects(info, "scheduleItems"):
        status = _busy_status(item.get("status"))
        if status is None:
            continue
        start, end = item.get("start"), item.get("end")
        if isinstance(start, dict) and isinstance(end, dict):  # as Graph sends them: the texts are the key
            start_wall, start_zone = start.get("dateTime"), start.get("timeZone")
            end_wall, end_zone = end.get("dateTime"), end.get("timeZone")
            if _plain(start_wall, start_zone) and _plain(end_wall, end_zone):
                busy.append(_busy_of(start_wall, start_zone, end_wall, end_zone, status))
                continue
        busy.append(_block(item, status))
    busy.sort(key=_START_END)
    return busy


def _plain(wall: Any, zone: Any) -> bool:
    """A ``dateTime`` text and a ``timeZone`` name (or none) that ``wall_and_zone`` would read as they are."""
    return isinstance(wall, str) and wall != "" and (zone is None or isinstance(zone, str))


_START_END = attrgetter("start", "end")


def _busy_status(status: Any) -> str | None:
    """An item's ``status`` as ``text`` reads it: None for free; absent, empty, odd or new ones are busy."""
    if not isinstance(status, str):
        return "busy"  # ``text`` gives None, or the text of a number: neither is "free" nor a busy status
    if status == "free":
        return None
    return status if status in BUSY_STATUSES else "busy"


def _block(item: Mapping[str, Any], status: str) -> Busy:
    """An item whose times are not plain texts: read as ``utc_from`` reads them (or refused as it refuses)."""
    start = wall_and_zone(item.get("start"))
    try:
        end = wall_and_zone(item.get("end"))
    except ValueError:
        utc_of(*start)  # an unreadable start fails first, as it does in ``utc_from`` order
        raise
    return _busy_of(*start, *end, status)


@lru_cache(maxsize=65536)
def _busy_of(start: str, start_zone: str | None, end: str, end_zone: str | None, status: str) -> Busy:
    """One busy block (immutable, so shared by every answer that has it)."""
    return Busy(start=utc_of(start, start_zone), end=utc_of(end, end_zone), status=status)
