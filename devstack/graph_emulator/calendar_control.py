"""Control API for calendars (tests and the demo act as the other people in the tenant).

- ``POST /_emulator/respond`` ``{"user", "event_id", "response", "proposedNewTime"?, "sendResponse"?}``: an
  attendee accepts, tentatively accepts or declines a meeting (a decline or tentative answer may propose a new
  time, a timeSlot, under the same rules as the Graph actions; ``event_id`` is the organiser's or the attendee's
  event or occurrence id, and an occurrence id answers for that occurrence only). It records the answer exactly
  as the Graph accept / tentativelyAccept / decline actions do (calendar_responses.record). The organiser sees it
  in ``attendees[].status`` (and the proposal in ``attendees[].proposedNewTime``), unless ``sendResponse`` is
  false (default true).
- ``POST /_emulator/calendar/{user}/events`` with Graph event JSON: put a (conflicting) event straight on a
  user's calendar, as if they had booked it themselves.
- ``POST /_emulator/mailbox/{user}/addresses`` ``{"mail"?, "proxyAddresses"?}``: give a user other SMTP addresses,
  as an Exchange admin would (for example a primary SMTP address that differs from the UPN). It counts as a
  directory change (users delta reports the user).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from devstack.graph_emulator import calendar as cal
from devstack.graph_emulator import calendar_render as cr
from devstack.graph_emulator import calendar_responses
from devstack.graph_emulator.calendar_store import RESPONSES, Target
from devstack.graph_emulator.directory_changes import set_properties
from devstack.graph_emulator.errors import GraphError, bad_request, not_found
from devstack.graph_emulator.state import EmulatorState

Handler = Callable[[web.Request], Awaitable[web.Response]]


def respond(state: EmulatorState, body: dict[str, Any]) -> dict[str, Any]:
    user_id = cal.mailbox(state, str(body.get("user", "")))
    response = body.get("response")
    if response not in RESPONSES[1:]:
        raise bad_request(f"response must be one of {', '.join(RESPONSES[1:])}")
    calendars = cal.store(state)
    found = calendars.find_any(str(body.get("event_id", "")))
    if found is None:
        raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
    meeting = found.entry.meeting
    own = calendars.entry_of(meeting, user_id)
    if own is None or not (own.is_organizer or user_id in meeting.responses):
        raise bad_request(f"user {body.get('user')!r} is not an attendee of this meeting")
    proposal = body.get("proposedNewTime")
    if proposal is not None:
        if response == "accepted":
            raise bad_request("proposedNewTime goes with a declined or tentativelyAccepted answer only")
        if meeting.data.get("allowNewTimeProposals") is False:
            raise bad_request("This event does not allow new time proposals.", "ErrorInvalidRequest")
        proposal = calendar_responses.time_slot(proposal)
    send = body.get("sendResponse", True)
    if not isinstance(send, bool) or (proposal is not None and not send):
        raise bad_request("sendResponse is true or false, and a proposedNewTime needs it true")
    calendar_responses.record(state, Target(own, found.day), response, proposal, send_response=send)
    return {"user": user_id, "event_id": cr.event_id(cr.occurrence(found.entry, found.day)), "response": response}


def set_addresses(state: EmulatorState, user_key: str, body: dict[str, Any]) -> dict[str, Any]:
    """Set ``mail`` and/or ``proxyAddresses`` (read-only in Graph, so only the control API can)."""
    user_id = state.resolve_user(user_key)
    if user_id is None:
        raise not_found(user_key)
    values: dict[str, Any] = {}
    if "proxyAddresses" in body:
        proxies = body["proxyAddresses"]
        if not isinstance(proxies, list) or not all(isinstance(p, str) for p in proxies):
            raise bad_request("proxyAddresses must be a list of strings such as 'SMTP:primary@x' or 'smtp:alias@x'")
        values["proxyAddresses"] = list(proxies)
    if "mail" in body:
        if body["mail"] is not None and not isinstance(body["mail"], str):
            raise bad_request("mail must be a string or null")
        values["mail"] = body["mail"]
    set_properties(state, user_id, values)
    user = state.users[user_id]
    return {"id": user_id, "mail": user.get("mail"), "proxyAddresses": user.get("proxyAddresses", [])}


def graph_errors(handler: Handler) -> Handler:
    """Control routes bypass the Graph pipeline, so they turn GraphError into a response themselves."""

    async def run(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except GraphError as exc:
            return exc.response()

    return run


def add_routes(app: web.Application, state: EmulatorState) -> None:
    async def post_respond(request: web.Request) -> web.Response:
        body = await cal.body_json(request)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        return web.json_response(respond(state, body))

    async def post_busy(request: web.Request) -> web.Response:
        user_id = cal.mailbox(state, request.match_info["user"])
        data = cal.validate_event(await cal.body_json(request), creating=True)
        entry = cal.create_event(state, user_id, {k: v for k, v in data.items() if k != "attendees"})
        return web.json_response(cr.render(cr.occurrence(entry, None), None, state.users.get, {}), status=201)

    async def post_addresses(request: web.Request) -> web.Response:
        body = await cal.body_json(request)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        return web.json_response(set_addresses(state, request.match_info["user"], body))

    app.router.add_post("/_emulator/respond", graph_errors(post_respond))
    app.router.add_post("/_emulator/mailbox/{user}/addresses", graph_errors(post_addresses))
    app.router.add_post("/_emulator/calendar/{user}/events", graph_errors(post_busy))
