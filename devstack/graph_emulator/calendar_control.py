"""Control API for calendars (tests and the demo act as the other people in the tenant).

- ``POST /_emulator/respond`` ``{"user", "event_id", "response"}``: an attendee accepts, tentatively accepts or
  declines a meeting (``event_id`` is the organiser's event or occurrence id; an occurrence id answers for that
  occurrence only). The organiser sees it in ``attendees[].status``.
- ``POST /_emulator/calendar/{user}/events`` with Graph event JSON: put a (conflicting) event straight on a
  user's calendar, as if they had booked it themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from devstack.graph_emulator import calendar as cal
from devstack.graph_emulator import calendar_render as cr
from devstack.graph_emulator.calendar_store import RESPONSES
from devstack.graph_emulator.errors import GraphError, bad_request
from devstack.graph_emulator.state import EmulatorState

Handler = Callable[[web.Request], Awaitable[web.Response]]


def respond(state: EmulatorState, body: dict[str, Any]) -> dict[str, Any]:
    user_id = cal.mailbox(state, str(body.get("user", "")))
    response = body.get("response")
    if response not in RESPONSES[1:]:
        raise bad_request(f"response must be one of {', '.join(RESPONSES[1:])}")
    found = cal.store(state).find_any(str(body.get("event_id", "")))
    if found is None:
        raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
    meeting = found.entry.meeting
    if user_id not in meeting.responses:
        raise bad_request(f"user {body.get('user')!r} is not an attendee of this meeting")
    if found.day is None:
        meeting.responses[user_id] = response
        meeting.occurrence_responses = {k: v for k, v in meeting.occurrence_responses.items() if k[0] != user_id}
    else:
        meeting.occurrence_responses[(user_id, found.day)] = response
    return {"user": user_id, "event_id": cr.event_id(cr.occurrence(found.entry, found.day)), "response": response}


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

    app.router.add_post("/_emulator/respond", graph_errors(post_respond))
    app.router.add_post("/_emulator/calendar/{user}/events", graph_errors(post_busy))
