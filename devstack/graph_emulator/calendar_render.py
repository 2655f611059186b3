"""Calendar entries as Graph sees them: occurrences in a window, and event JSON for one mailbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from devstack.graph_emulator import calendar_time as ct
from devstack.graph_emulator.calendar_model import Entry, as_seen_by
from devstack.graph_emulator.recurrence import occurrence_dates

People = Callable[[str], Mapping[str, Any] | None]  # user id -> Graph user JSON
DEFAULTS: dict[str, Any] = {
    "categories": [],
    "reminderMinutesBeforeStart": 15,
    "isReminderOn": True,
    "hasAttachments": False,
    "importance": "normal",
    "sensitivity": "normal",
    "isAllDay": False,
    "isCancelled": False,
    "responseRequested": True,
    "showAs": "busy",
    "allowNewTimeProposals": True,
    "isOnlineMeeting": False,
    "onlineMeetingProvider": "unknown",
    "onlineMeeting": None,
    "onlineMeetingUrl": None,
    "body": {"contentType": "text", "content": ""},
    "location": {"displayName": "", "locationType": "default", "uniqueIdType": "unknown"},
    "hideAttendees": False,
    "locations": [],
    "attendees": [],
    "recurrence": None,
    "subject": "",
}
INPUT_ONLY = ("singleValueExtendedProperties",)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One instance of an entry: ``day`` is None for a single event, else the original local date."""

    entry: Entry
    day: date | None
    start: datetime
    end: datetime
    data: dict[str, Any]


def _instance(entry: Entry, day: date) -> Occurrence:
    meeting = entry.meeting
    assert meeting.rule is not None
    data = {**meeting.data, "recurrence": None, **meeting.exceptions.get(day, {})}
    start, end = meeting.occurrence_times(day)
    return Occurrence(entry, day, start, end, as_seen_by(entry, day, data))


def occurrence(entry: Entry, day: date | None) -> Occurrence:
    if day is None:
        meeting = entry.meeting
        data = as_seen_by(entry, None, meeting.data)
        return Occurrence(entry, None, meeting.start, meeting.start + meeting.duration, data)
    return _instance(entry, day)


def visible(entry: Entry, day: date | None) -> bool:
    """Attendees stop seeing what they declined (Outlook moves it to Deleted Items)."""
    return entry.is_organizer or entry.meeting.own_response_of(entry.user_id, day) != "declined"


def instances(entry: Entry, start: datetime, end: datetime) -> Iterator[Occurrence]:
    """Occurrences of a series that overlap [start, end) (exceptions included, where they moved to)."""
    meeting = entry.meeting
    if meeting.rule is None:
        return
    margin = timedelta(days=2)
    days = set(occurrence_dates(meeting.rule, (end + margin).date())) | set(meeting.exceptions)
    for day in sorted(days - meeting.cancelled):
        if day < (start - margin - meeting.duration).date() and day not in meeting.exceptions:
            continue
        found = _instance(entry, day)
        if found.start < end and found.end > start:
            yield found


def window(entry: Entry, start: datetime, end: datetime) -> Iterator[Occurrence]:
    """What a calendar view shows for an entry: the single event, or the series' occurrences, in [start, end)."""
    if entry.meeting.rule is not None:
        yield from (o for o in instances(entry, start, end) if visible(entry, o.day))
        return
    single = occurrence(entry, None)
    if single.start < end and single.end > start and visible(entry, None):
        yield single


def event_id(occ: Occurrence) -> str:
    return occ.entry.event_id if occ.day is None else f"{occ.entry.event_id}_{occ.day:%Y%m%d}"


def event_type(occ: Occurrence) -> str:
    if occ.entry.meeting.rule is None:
        return "singleInstance"
    if occ.day is None:
        return "seriesMaster"
    return "exception" if occ.day in occ.entry.meeting.exceptions else "occurrence"


def _email(people: People, user_id: str) -> dict[str, str]:
    user = people(user_id) or {}
    address = user.get("mail") or user.get("userPrincipalName") or user_id
    return {"name": str(user.get("displayName") or address), "address": str(address)}


def _attendees(
    occ: Occurrence, people: People, ids_by_address: Mapping[str, str], tz_name: str | None
) -> list[dict[str, Any]]:
    """The attendees with their status and, for the organiser, ``proposedNewTime`` when they proposed one (attendee
    resource: a timeSlot of start/end dateTimeTimeZone; absent otherwise)."""
    meeting, result = occ.entry.meeting, []
    for attendee in occ.data.get("attendees") or []:
        address = str((attendee.get("emailAddress") or {}).get("address", "")).lower()
        user_id = ids_by_address.get(address)
        response = meeting.response_of(user_id, occ.day) if user_id else "none"
        status = {"response": response, "time": "0001-01-01T00:00:00Z"}
        shown = {"type": attendee.get("type", "required"), **attendee, "status": status}
        proposal = meeting.proposal_of(user_id, occ.day) if user_id and occ.entry.is_organizer else None
        if proposal is not None:
            shown["proposedNewTime"] = {
                "start": ct.render(ct.to_utc(proposal["start"]), tz_name),
                "end": ct.render(ct.to_utc(proposal["end"]), tz_name),
            }
        result.append(shown)
    return result


def render(occ: Occurrence, tz_name: str | None, people: People, ids_by_address: Mapping[str, str]) -> dict[str, Any]:
    """The Graph event JSON of an entry or occurrence, as the entry's mailbox sees it."""
    entry, meeting = occ.entry, occ.entry.meeting
    data = {k: v for k, v in {**DEFAULTS, **occ.data}.items() if k not in INPUT_ONLY}
    ident = event_id(occ)
    response = "organizer" if entry.is_organizer else meeting.own_response_of(entry.user_id, occ.day)
    body = data["body"] or {}
    data.update(
        {
            "@odata.etag": f'W/"{meeting.meeting_id[:12]}{meeting.version}"',
            "id": ident,
            "changeKey": f"{meeting.meeting_id[:12]}{meeting.version}",
            "createdDateTime": ct.iso_utc(meeting.created),
            "lastModifiedDateTime": ct.iso_utc(meeting.modified),
            "iCalUId": meeting.instance_ical_uid(occ.day),
            "originalStartTimeZone": meeting.zone_name,
            "originalEndTimeZone": str(meeting.data["end"].get("timeZone") or "UTC"),
            "bodyPreview": str(body.get("content", ""))[:255],
            "isOrganizer": entry.is_organizer,
            "type": event_type(occ),
            "seriesMasterId": entry.event_id if occ.day is not None else None,
            "webLink": f"https://outlook.office365.com/owa/?itemid={ident}&exvsurl=1&path=/calendar/item",
            "responseStatus": {"response": response, "time": "0001-01-01T00:00:00Z"},
            "start": ct.render(occ.start, tz_name),
            "end": ct.render(occ.end, tz_name),
            "organizer": {"emailAddress": _email(people, meeting.organizer_id)},
            "attendees": _attendees(occ, people, ids_by_address, tz_name),
        }
    )
    data["location"] = _location(data.get("location"))
    named = [data["location"]] if data["location"]["displayName"] else []
    data["locations"] = [_location(place) for place in data.get("locations") or named]
    if data.get("recurrence"):
        data["recurrence"] = _full_recurrence(data["recurrence"], meeting.zone_name)
    if occ.day is not None:
        data["originalStart"] = ct.iso_utc(meeting.original_start(occ.day))
    if data.get("isOnlineMeeting") and data.get("onlineMeetingProvider") == "teamsForBusiness":
        join = f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{meeting.meeting_id}%40thread.v2/0"
        data["onlineMeeting"] = {"joinUrl": join}
    return data


PATTERN_DEFAULTS = {"interval": 1, "month": 0, "dayOfMonth": 0, "firstDayOfWeek": "sunday", "index": "first"}


def _full_recurrence(recurrence: dict[str, Any], start_zone: str) -> dict[str, Any]:
    """Graph echoes every pattern field, with zero/default values for the ones a pattern does not use.

    Without a recurrenceTimeZone the series follows the start's zone, and Graph echoes that zone (the docs'
    create-recurring-event example).
    """
    pattern = {**PATTERN_DEFAULTS, **(recurrence.get("pattern") or {})}
    given = recurrence.get("range") or {}
    range_ = {"numberOfOccurrences": 0, **given, "recurrenceTimeZone": given.get("recurrenceTimeZone") or start_zone}
    return {**recurrence, "pattern": pattern, "range": range_}


def _location(place: Any) -> dict[str, Any]:
    """A location as Graph returns it: a named place gets locationType and a private uniqueId."""
    given = dict(place) if isinstance(place, dict) else {}
    name = str(given.get("displayName") or "")
    filled = {"displayName": name, "locationType": "default"}
    filled.update({"uniqueId": name, "uniqueIdType": "private"} if name else {"uniqueIdType": "unknown"})
    return {**filled, **given}


def extended_properties(entry: Entry, wanted_id: str | None) -> list[dict[str, str]]:
    """The entry's single-value extended properties (optionally only the one with ``wanted_id``)."""
    return [
        {"id": key, "value": value}
        for key, value in entry.extended.items()
        if wanted_id is None or key.lower() == wanted_id.lower()
    ]
