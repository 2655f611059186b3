"""``POST /users/{id}/calendar/getSchedule``: free/busy from expanded calendars, availabilityView, working hours.

As in Exchange Online:
- the window is at most 62 days, else 400 ``ErrorTimeIntervalTooBig`` (microsoft-graph-docs PR #19703);
- each status comes from the mailbox's own copy of an event (an attendee's unanswered invitation is tentative);
- ``schedules`` are SMTP addresses (the getSchedule page): ``mail`` or a ``proxyAddresses`` smtp entry, never a
  userPrincipalName. An address that resolves to no mailbox gets an item with an ``error`` object and nothing else,
  the shape reported in microsoft-graph-docs issue #11225 ("Unable to resolve e-mail address ... to an Active
  Directory object.", responseCode 5009), never free time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from devstack.graph_emulator import calendar as cal
from devstack.graph_emulator import calendar_render as cr
from devstack.graph_emulator import calendar_time as ct
from devstack.graph_emulator import schedule
from devstack.graph_emulator.errors import GraphError, bad_request
from devstack.graph_emulator.state import EmulatorState

TOO_BIG = (
    "The requested time duration specified for FreeBusyViewOptions.TimeWindow is too long. The allowed limit = 62 days"
)
UNRESOLVED_CODE = "5009"


def _field(body: dict[str, Any], name: str) -> Any:
    """Action parameters are matched case-insensitively (the SDK sends PascalCase, the docs camelCase)."""
    return next((v for k, v in body.items() if k.lower() == name.lower()), None)


def parse_request(body: object) -> tuple[list[str], datetime, datetime, int]:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    schedules = _field(body, "schedules")
    if not isinstance(schedules, list) or not schedules or not all(isinstance(s, str) for s in schedules):
        raise bad_request("schedules must be a non-empty list of SMTP addresses.", "ErrorInvalidParameter")
    if len(schedules) > schedule.MAX_SCHEDULES:
        message = f"Too many mailboxes: at most {schedule.MAX_SCHEDULES} schedules per request, got {len(schedules)}."
        raise GraphError(400, "ErrorMailboxDataArrayTooBig", message)
    try:
        start, end = ct.to_utc(_field(body, "startTime")), ct.to_utc(_field(body, "endTime"))
        interval = schedule.validate_interval(_field(body, "availabilityViewInterval"))
    except ct.ZoneError as exc:
        raise bad_request(str(exc), ct.ZONE_ERROR_CODE) from exc
    except (ct.TimeError, ValueError) as exc:
        raise bad_request(str(exc), "ErrorInvalidParameter") from exc
    if end <= start:
        raise bad_request("endTime must be after startTime.", "ErrorInvalidParameter")
    if end - start > schedule.MAX_WINDOW:
        raise GraphError(400, "ErrorTimeIntervalTooBig", TOO_BIG)
    return schedules, start, end, interval


def busy_items(state: EmulatorState, user_id: str, start: datetime, end: datetime) -> list[schedule.BusyItem]:
    items = []
    for entry in cal.store(state).user_entries(user_id):
        for occ in cr.window(entry, start, end):
            location = (occ.data.get("location") or {}).get("displayName", "")
            private = occ.data.get("sensitivity") in ("private", "confidential")
            status = str(occ.data.get("showAs") or "busy")  # this mailbox's copy (calendar_model.as_seen_by)
            subject = "" if private else str(occ.data.get("subject") or "")
            items.append(schedule.BusyItem(occ.start, occ.end, status, subject, location, private))
    return items


def working_hours(state: EmulatorState, user_id: str) -> dict[str, Any] | None:
    hours = (state.mailbox_settings.get(user_id) or {}).get("workingHours")
    return dict(hours) if hours else None


def schedule_info(
    state: EmulatorState, address: str, start: datetime, end: datetime, interval: int, tz: str | None
) -> dict[str, Any]:
    user_id = cal.mailbox_of_address(state, address)
    if user_id is None:
        message = f"Unable to resolve e-mail address {address} to an Active Directory object."
        return {"scheduleId": address, "error": {"message": message, "responseCode": UNRESOLVED_CODE}}
    items = schedule.overlapping(busy_items(state, user_id, start, end), start, end)
    rendered = [
        {
            "isPrivate": i.is_private,
            "status": i.status,
            "subject": i.subject,
            "location": i.location,
            "start": ct.render(i.start, tz),
            "end": ct.render(i.end, tz),
        }
        for i in items
    ]
    return {
        "scheduleId": address,
        "availabilityView": schedule.availability_view(items, start, end, interval),
        "scheduleItems": rendered,
        "workingHours": working_hours(state, user_id),
    }


def add_routes(app: web.Application, state: EmulatorState) -> None:
    async def get_schedule(request: web.Request) -> web.Response:
        cal.mailbox(state, request.match_info["id"])
        schedules, start, end, interval = parse_request(await cal.body_json(request))
        tz = cal.ct_zone(request)
        value = [schedule_info(state, address, start, end, interval, tz) for address in schedules]
        body = {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)",
            "value": value,
        }
        return web.json_response(body, headers=cal._applied(request))

    app.router.add_post("/v1.0/users/{id}/calendar/getSchedule", get_schedule)
