"""Events of the Graph emulator: create, get, patch, delete, cancel, list, instances and calendarView.

Sub-state: ``state.features["calendar"]`` is a ``CalendarStore``. getSchedule lives in calendar_schedule.py, the
accept / tentativelyAccept / decline actions in calendar_responses.py and the control API (attendee responses,
direct busy events, SMTP addresses) in calendar_control.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from devstack.graph_emulator import calendar_render as cr
from devstack.graph_emulator import calendar_time as ct
from devstack.graph_emulator import odata
from devstack.graph_emulator.calendar_addresses import addresses, attendee_ids, mailbox_of_address, smtp_addresses
from devstack.graph_emulator.calendar_store import CalendarStore, Entry, Target
from devstack.graph_emulator.errors import GraphError, bad_request, no_mailbox, not_found
from devstack.graph_emulator.recurrence import RecurrenceError, parse_rule
from devstack.graph_emulator.state import EmulatorState
from devstack.tenant import Tenant

EVENT_PAGE_SIZE = 10  # Graph's default page size for events and calendarView
_ANY_FILTER = re.compile(
    r"^\s*singleValueExtendedProperties/any\(\s*(\w+)\s*:\s*\1/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+"
    r"\1/value\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$",
    re.IGNORECASE,
)
_ICAL_FILTER = re.compile(r"^\s*iCalUId\s+eq\s+'((?:[^']|'')*)'\s*$")  # the property name as Graph spells it
_EXPAND_EXT = re.compile(r"singleValueExtendedProperties(?:\(\s*\$filter\s*=\s*id\s+eq\s+'((?:[^']|'')*)'\s*\))?", re.I)


__all__ = ["addresses", "attendee_ids", "mailbox_of_address", "smtp_addresses"]  # and the helpers below


def store(state: EmulatorState) -> CalendarStore:
    found = state.features.setdefault("calendar", CalendarStore(state.calendar_listeners))
    assert isinstance(found, CalendarStore)
    return found


def mailbox(state: EmulatorState, key: str) -> str:
    """The user id of a mailbox user, or the Graph error for an unknown user / a user without a mailbox."""
    user_id = state.resolve_user(key)
    if user_id is None:
        raise not_found(key)
    if user_id not in state.mailbox_settings:
        raise no_mailbox()
    return user_id


def validate_event(data: object, creating: bool) -> dict[str, Any]:
    """Reject bodies Graph would reject: not an object, missing or bad start/end, bad zones, bad recurrence."""
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    if creating and not ("start" in data and "end" in data):
        raise bad_request("An event needs both start and end.", "ErrorInvalidRequest")
    try:
        for key in ("start", "end"):
            if key in data:
                ct.to_utc(data[key])
        if data.get("recurrence"):
            ct.zone(((data["recurrence"].get("range") or {}).get("recurrenceTimeZone")) or None)
            parse_rule(data["recurrence"])
    except ct.ZoneError as exc:
        raise bad_request(str(exc), ct.ZONE_ERROR_CODE) from exc
    except (ct.TimeError, RecurrenceError, AttributeError) as exc:
        raise bad_request(str(exc), "ErrorInvalidRequest") from exc
    if creating and ct.to_utc(data["end"]) < ct.to_utc(data["start"]):
        raise bad_request("The event's end is before its start.", "ErrorInvalidRequest")
    return data


async def body_json(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError as exc:
        raise bad_request("The request body is not valid JSON.") from exc


def create_event(state: EmulatorState, user_id: str, data: dict[str, Any]) -> Entry:
    """Store a new event (and the attendees' copies) with its extended properties on the organiser's entry."""
    data = dict(data)
    extended = data.pop("singleValueExtendedProperties", None) or []
    entry = store(state).create(user_id, data, attendee_ids(state, data), datetime.now(UTC))
    entry.extended.update({p["id"]: str(p.get("value", "")) for p in extended})
    return entry


ATTENDEE_FIXED = ("start", "end", "recurrence", "attendees")


def patch_event(state: EmulatorState, found: Target, changes: dict[str, Any]) -> None:
    """A PATCH as Exchange applies it (see calendar_store), plus the attendee copies that follow the attendee list."""
    if not found.entry.is_organizer and any(k in changes for k in ATTENDEE_FIXED):
        raise bad_request(
            "The emulator does not model an attendee re-timing their own copy of a meeting "
            f"({', '.join(k for k in ATTENDEE_FIXED if k in changes)}); only the organizer's changes move it.",
            "ErrorInvalidRequest",
        )
    store(state).patch(found, changes, datetime.now(UTC))
    if found.entry.is_organizer and found.day is None and "attendees" in changes:
        store(state).set_attendees(found.entry.meeting, attendee_ids(state, found.entry.meeting.data))


def present(request: web.Request, state: EmulatorState, occ: cr.Occurrence) -> dict[str, Any]:
    """Render with the Prefer time zone, $select and $expand of extended properties."""
    event = cr.render(occ, ct_zone(request), state.users.get, addresses(state))
    event = odata.apply_select(event, odata.parse_select(request.query), always=("id",))
    expand = _EXPAND_EXT.search(request.query.get("$expand", ""))
    if expand:
        wanted = expand.group(1).replace("''", "'") if expand.group(1) else None
        event["singleValueExtendedProperties"] = cr.extended_properties(occ.entry, wanted)
    return event


def ct_zone(request: web.Request) -> str | None:
    try:
        return ct.preferred_zone(dict(request.headers))
    except ct.TimeError as exc:
        raise bad_request(str(exc), ct.ZONE_ERROR_CODE) from exc


def target(request: web.Request, state: EmulatorState) -> Target:
    user_id = mailbox(state, request.match_info["id"])
    event_id = request.match_info["event_id"]
    found = store(state).resolve(user_id, event_id)
    if found is None:
        raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
    return found


def page(request: web.Request, items: list[dict[str, Any]], context: str) -> web.Response:
    """Page a rendered list; the next link keeps the window and query options."""
    size = odata.max_page_size(request, odata.parse_top(request.query, EVENT_PAGE_SIZE))
    token = request.query.get("$skiptoken")
    offset = int(odata.decode_token(token).get("offset", 0)) if token else 0
    body: dict[str, Any] = {"@odata.context": context, "value": items[offset : offset + size]}
    if offset + size < len(items):
        keep = ("startDateTime", "endDateTime", "$select", "$filter", "$top", "$expand", "$orderby")
        body["@odata.nextLink"] = odata.next_link(
            request, "$skiptoken", odata.encode_token({"offset": offset + size}), keep
        )
    return web.json_response(body, headers=_applied(request))


def _applied(request: web.Request) -> dict[str, str]:
    zone_name = ct_zone(request)
    return {"Preference-Applied": f'outlook.timezone="{zone_name}"'} if zone_name else {}


def window_args(request: web.Request) -> tuple[datetime, datetime]:
    try:
        start = ct.to_utc({"dateTime": request.query["startDateTime"], "timeZone": "UTC"})
        end = ct.to_utc({"dateTime": request.query["endDateTime"], "timeZone": "UTC"})
    except (KeyError, ct.TimeError) as exc:
        raise bad_request(
            "startDateTime and endDateTime are required ISO 8601 date-times.", "ErrorInvalidParameter"
        ) from exc
    if end <= start:
        raise bad_request("endDateTime must be after startDateTime.", "ErrorInvalidParameter")
    return start, end


def sorted_events(request: web.Request, state: EmulatorState, occs: Iterable[cr.Occurrence]) -> list[dict[str, Any]]:
    return [present(request, state, o) for o in sorted(occs, key=lambda o: (o.start, o.end, cr.event_id(o)))]


def matches_filter(request: web.Request, entry: Entry) -> bool:
    """The two filters the app sends on /events: the series tag (extended property ``any``) and ``iCalUId eq``
    (v1.0 supports it: microsoftgraph/microsoft-graph-docs-contrib#6348; it matches the master's iCalUId, which an
    attendee's copy shares, never an instance's own).

    Anything else is refused (400 ErrorInvalidUrlQueryFilter), so the emulator is never kinder than Exchange."""
    text = request.query.get("$filter")
    if not text:
        return True
    by_uid = _ICAL_FILTER.match(text)
    if by_uid is not None:  # iCalUId eq '...': the organiser's event and the attendees' copies share it
        return entry.meeting.ical_uid == by_uid.group(1).replace("''", "'")
    match = _ANY_FILTER.match(text)
    if match is None:
        raise bad_request(f"Unsupported $filter on events: '{text}'.", "ErrorInvalidUrlQueryFilter")
    wanted_id, wanted_value = (g.replace("''", "'") for g in match.group(2, 3))
    return any(k.lower() == wanted_id.lower() and v == wanted_value for k, v in entry.extended.items())


def context(request: web.Request, what: str) -> str:
    return f"{request.url.origin()}/v1.0/$metadata#users('{request.match_info['id']}')/{what}"


def setup(app: web.Application, state: EmulatorState) -> None:
    from devstack.graph_emulator import calendar_control, calendar_events, calendar_responses, calendar_schedule

    calendar_events.add_routes(app, state)
    calendar_responses.add_routes(app, state)
    calendar_schedule.add_routes(app, state)
    calendar_control.add_routes(app, state)


def load_tenant(state: EmulatorState, tenant: Tenant) -> None:
    """Seed the busy calendars: each organiser's Graph event-create JSON (attendees get their copies)."""
    state.features["calendar"] = CalendarStore(state.calendar_listeners)
    for user_id, events in tenant.events.items():
        if user_id in state.mailbox_settings:
            for event in events:
                create_event(state, user_id, deep_copy(event))


def deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value
