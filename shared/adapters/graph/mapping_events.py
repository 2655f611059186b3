"""Events: WeGrow series specs to msgraph ``Event`` bodies, and events back to domain types.

The series id lives in one single-value extended property (:data:`SERIES_PROPERTY_ID`), so a
retry or a re-run can find the series before creating it. The POST also carries a
``transactionId`` derived from the series id, so Graph drops a duplicate of a retried create.
Start, end and recurrence are written in the recurrence's IANA zone, which Graph accepts.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from shared.adapters.graph.mapping import to_iana, to_utc
from shared.domain.calendar import Occurrence, Recurrence, RecurrenceKind, Response, SeriesEvent, SeriesSpec
from shared.domain.people import Weekday

if TYPE_CHECKING:
    from msgraph.generated.models.attendee import Attendee
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.models.event import Event
    from msgraph.generated.models.patterned_recurrence import PatternedRecurrence

SERIES_PROPERTY_GUID = "{5e7d3c1a-8b42-4f6e-9a0d-2c61f4b87e35}"
SERIES_PROPERTY_ID = f"String {SERIES_PROPERTY_GUID} Name WeGrowSeriesId"
TRANSACTION_NAMESPACE = uuid.UUID("0b9c6f0e-3f57-4d7a-8e1e-7c2b9a4d5f60")


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


def local_time(instant: datetime, zone: str) -> DateTimeTimeZone:
    """A UTC instant as wall-clock time in ``zone`` (IANA), the way Graph takes it."""
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone

    wall = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return DateTimeTimeZone(date_time=wall.isoformat(timespec="seconds"), time_zone=zone)


def patterned_recurrence(rec: Recurrence) -> PatternedRecurrence:
    from msgraph.generated.models.day_of_week import DayOfWeek
    from msgraph.generated.models.patterned_recurrence import PatternedRecurrence
    from msgraph.generated.models.recurrence_pattern import RecurrencePattern
    from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
    from msgraph.generated.models.recurrence_range import RecurrenceRange
    from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType
    from msgraph.generated.models.week_index import WeekIndex

    pattern = RecurrencePattern(type=RecurrencePatternType(rec.kind.value), interval=rec.interval)
    if rec.days_of_week:
        pattern.days_of_week = [DayOfWeek(day.value) for day in rec.days_of_week]
    if rec.day_of_month is not None:
        pattern.day_of_month = rec.day_of_month
    if rec.index is not None:
        pattern.index = WeekIndex(rec.index)
    range_ = RecurrenceRange(start_date=rec.start_date, recurrence_time_zone=rec.time_zone)
    if rec.end_date is not None:
        range_.type, range_.end_date = RecurrenceRangeType.EndDate, rec.end_date
    elif rec.occurrences is not None:
        range_.type, range_.number_of_occurrences = RecurrenceRangeType.Numbered, rec.occurrences
    else:
        range_.type = RecurrenceRangeType.NoEnd
    return PatternedRecurrence(pattern=pattern, range=range_)


def event_for(spec: SeriesSpec, *, for_create: bool = True) -> Event:
    """The Event body for creating (or, with ``for_create=False``, patching) the series."""
    from msgraph.generated.models.attendee import Attendee
    from msgraph.generated.models.attendee_type import AttendeeType
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.email_address import EmailAddress
    from msgraph.generated.models.event import Event
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.online_meeting_provider_type import OnlineMeetingProviderType
    from msgraph.generated.models.single_value_legacy_extended_property import SingleValueLegacyExtendedProperty

    zone = spec.recurrence.time_zone if spec.recurrence is not None else "UTC"
    event = Event(
        subject=spec.subject,
        body=ItemBody(content_type=BodyType.Html, content=spec.body_html),
        start=local_time(spec.first_start, zone),
        end=local_time(spec.first_start + timedelta(minutes=spec.duration_minutes), zone),
        recurrence=patterned_recurrence(spec.recurrence) if spec.recurrence is not None else None,
        attendees=[
            Attendee(
                email_address=EmailAddress(address=spec.attendee_upn, name=spec.attendee_name),
                type=AttendeeType.Required,
            )
        ],
    )
    if for_create:
        event.transaction_id = transaction_id(spec.series_id)
        event.single_value_extended_properties = [
            SingleValueLegacyExtendedProperty(id=SERIES_PROPERTY_ID, value=spec.series_id)
        ]
        if spec.online:
            event.is_online_meeting = True
            event.online_meeting_provider = OnlineMeetingProviderType.TeamsForBusiness
    return event


def series_id_of(event: Event) -> str | None:
    for prop in event.single_value_extended_properties or []:
        if (prop.id or "").lower() == SERIES_PROPERTY_ID.lower():
            return prop.value
    return None


def _week_index(value: PatternedRecurrence) -> str | None:
    index = value.pattern.index if value.pattern is not None else None
    return str(index.value) if index is not None else None


def recurrence_from(value: PatternedRecurrence | None, fallback_zone: str | None = None) -> Recurrence | None:
    """Our Recurrence for a daily/weekly/monthly pattern; None for none or yearly patterns."""
    if value is None or value.pattern is None or value.range is None or value.pattern.type is None:
        return None
    kinds = {kind.value: kind for kind in RecurrenceKind}
    kind = kinds.get(str(value.pattern.type.value))
    pattern, range_ = value.pattern, value.range
    if kind is None or range_.start_date is None:
        return None
    range_type = str(range_.type.value) if range_.type is not None else "noEnd"
    return Recurrence(
        kind=kind,
        interval=pattern.interval or 1,
        start_date=range_.start_date,
        days_of_week=tuple(Weekday(str(d.value)) for d in pattern.days_of_week or []),
        day_of_month=pattern.day_of_month or None,
        index=_week_index(value) if kind is RecurrenceKind.RELATIVE_MONTHLY else None,
        end_date=range_.end_date if range_type == "endDate" else None,
        occurrences=range_.number_of_occurrences if range_type == "numbered" else None,
        time_zone=to_iana(range_.recurrence_time_zone) or to_iana(fallback_zone) or "UTC",
    )


def _upns(attendees: list[Attendee] | None) -> tuple[str, ...]:
    return tuple(
        a.email_address.address.lower() for a in attendees or [] if a.email_address and a.email_address.address
    )


def series_event_from(event: Event) -> SeriesEvent:
    """A SeriesEvent from a series master (its series id from the extended property, if expanded)."""
    start, end = to_utc(event.start), to_utc(event.end)
    return SeriesEvent(
        event_id=event.id or "",
        series_id=series_id_of(event) or "",
        subject=event.subject or "",
        first_start=start,
        duration_minutes=int((end - start).total_seconds() // 60),
        recurrence=recurrence_from(event.recurrence, event.original_start_time_zone),
        attendee_upns=_upns(event.attendees),
        is_cancelled=bool(event.is_cancelled),
        join_url=event.online_meeting.join_url if event.online_meeting is not None else None,
        ical_uid=event.i_cal_u_id or None,
    )


def occurrence_from(event: Event) -> Occurrence:
    """One instance with each attendee's response and proposed new time (keyed by lower-case address).

    ``attendee.proposedNewTime`` is a timeSlot (start/end dateTimeTimeZone), set when the attendee declined or
    tentatively accepted with a proposal (Graph v1.0 attendee resource; event-decline ``proposedNewTime``)."""
    responses: dict[str, Response] = {}
    proposals: dict[str, tuple[datetime, datetime]] = {}
    for attendee in event.attendees or []:
        address = attendee.email_address.address if attendee.email_address else None
        answer = attendee.status.response if attendee.status is not None else None
        if address:
            responses[address.lower()] = Response(str(answer.value)) if answer is not None else Response.NONE
            slot = attendee.proposed_new_time
            if slot is not None and slot.start is not None and slot.end is not None:
                proposals[address.lower()] = (to_utc(slot.start), to_utc(slot.end))
    return Occurrence(
        event_id=event.id or "",
        series_master_id=event.series_master_id or "",
        start=to_utc(event.start),
        end=to_utc(event.end),
        attendee_responses=responses,
        is_cancelled=bool(event.is_cancelled),
        proposed_new_times=proposals,
    )
