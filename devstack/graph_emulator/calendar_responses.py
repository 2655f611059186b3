"""``POST /users/{id}/events/{event_id}/accept``, ``/decline`` and ``/tentativelyAccept``: an attendee's answer.

Following the event: accept / decline / tentativelyAccept pages: the body takes ``comment`` and ``sendResponse``
(and, for decline and tentativelyAccept, ``proposedNewTime``); success is ``202 Accepted`` with no body. The id may
be the attendee's series (or single event) or one occurrence, which answers for that occurrence only. A
``proposedNewTime`` is refused with 400 when the event does not allow new time proposals or ``sendResponse`` is
false, and when it is not a timeSlot (``start`` and ``end`` dateTimeTimeZone, end after start). The organiser's
view of the event (and of the occurrence) shows it as ``attendees[].proposedNewTime``; a later answer without one
withdraws it. The organiser cannot answer their own meeting: Exchange refuses with ``ErrorCalendarIsOrganizerForAccept``
(``...ForDecline``, ``...ForTentative``; EWS ResponseCode list). The control API in calendar_control.py records
answers through the same ``record``.

``sendResponse`` defaults to true. With ``false`` no meeting response goes to the organiser, so only the
attendee's own copy changes: the organiser's ``attendees[].status`` (and the organiser's change notifications)
stay as they were (limits.md: microsoft-graph-docs issue #15351; calendar_answers.py).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from devstack.graph_emulator import calendar as cal
from devstack.graph_emulator import calendar_time as ct
from devstack.graph_emulator.calendar_store import Target
from devstack.graph_emulator.errors import GraphError, bad_request
from devstack.graph_emulator.state import EmulatorState

ACTIONS = {"accept": "accepted", "tentativelyAccept": "tentativelyAccepted", "decline": "declined"}
ORGANIZER_CODES = {
    "accepted": ("ErrorCalendarIsOrganizerForAccept", "accept"),
    "tentativelyAccepted": ("ErrorCalendarIsOrganizerForTentative", "tentatively accept"),
    "declined": ("ErrorCalendarIsOrganizerForDecline", "decline"),
}


def record(
    state: EmulatorState,
    found: Target,
    response: str,
    proposal: dict[str, Any] | None = None,
    send_response: bool = True,
) -> None:
    """Store ``found``'s mailbox answer (and proposed timeSlot) for the series/event or the one occurrence."""
    if found.entry.is_organizer:
        code, verb = ORGANIZER_CODES[response]
        raise GraphError(400, code, f"You can't {verb} this meeting because you're the meeting organizer.")
    cal.store(state).respond(found.entry, found.day, response, proposal, send_response)


def time_slot(value: object) -> dict[str, Any]:
    """A proposedNewTime as Graph takes it: a timeSlot of ``start`` and ``end`` dateTimeTimeZone, end after start."""
    if not isinstance(value, dict):
        raise bad_request("proposedNewTime must be a timeSlot with start and end.", "ErrorInvalidRequest")
    given = {str(k).lower(): v for k, v in value.items()}
    try:
        start, end = ct.to_utc(given.get("start")), ct.to_utc(given.get("end"))
    except ct.ZoneError as exc:
        raise bad_request(str(exc), ct.ZONE_ERROR_CODE) from exc
    except (ct.TimeError, AttributeError, TypeError) as exc:
        raise bad_request(f"proposedNewTime: {exc}", "ErrorInvalidRequest") from exc
    if end <= start:
        raise bad_request("proposedNewTime must end after it starts.", "ErrorInvalidRequest")
    return {"start": dict(given["start"]), "end": dict(given["end"])}


def _parameters(body: object, response: str, action: str) -> dict[str, Any]:
    """The action's parameters by lower-case name (the SDK sends PascalCase, the docs camelCase)."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    given = {str(k).lower(): v for k, v in body.items()}
    allowed = {"comment", "sendresponse"} | ({"proposednewtime"} if response != "accepted" else set())
    unknown = sorted(set(given) - allowed)
    if unknown:
        where = f"in the request payload is not a valid parameter for the operation '{action}'."
        raise bad_request(f"The parameter '{unknown[0]}' {where}")
    if given.get("comment") is not None and not isinstance(given["comment"], str):
        raise bad_request("comment must be a string.")
    if given.get("sendresponse") is not None and not isinstance(given["sendresponse"], bool):
        raise bad_request("sendResponse must be true or false.")
    return given


def _check_proposal(found: Target, given: dict[str, Any]) -> dict[str, Any] | None:
    if given.get("proposednewtime") is None:
        return None
    if given.get("sendresponse") is False:
        raise bad_request("proposedNewTime requires sendResponse to be true.", "ErrorInvalidRequest")
    if found.entry.meeting.data.get("allowNewTimeProposals") is False:
        raise bad_request("This event does not allow new time proposals.", "ErrorInvalidRequest")
    return time_slot(given["proposednewtime"])


def add_routes(app: web.Application, state: EmulatorState) -> None:
    def handler(action: str, response: str) -> Any:
        async def answer(request: web.Request) -> web.Response:
            found = cal.target(request, state)
            given = _parameters(await cal.body_json(request) if request.body_exists else {}, response, action)
            sent = given.get("sendresponse") is not False
            record(state, found, response, _check_proposal(found, given), send_response=sent)
            return web.Response(status=202)

        return answer

    for action, response in ACTIONS.items():
        app.router.add_post(f"/v1.0/users/{{id}}/events/{{event_id}}/{action}", handler(action, response))
