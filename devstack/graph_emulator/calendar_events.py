"""HTTP handlers for ``/users/{id}/events``, ``.../instances`` and ``/users/{id}/calendarView``.

Like Graph, a POST that repeats a ``transactionId`` the organiser already used returns the existing event
instead of creating a second one (a client's retried create).
"""

from __future__ import annotations

from aiohttp import web

from devstack.graph_emulator import calendar as cal
from devstack.graph_emulator import calendar_render as cr
from devstack.graph_emulator.calendar_store import Target
from devstack.graph_emulator.errors import GraphError, bad_request
from devstack.graph_emulator.state import EmulatorState


def add_routes(app: web.Application, state: EmulatorState) -> None:
    async def create(request: web.Request) -> web.Response:
        user_id = cal.mailbox(state, request.match_info["id"])
        data = cal.validate_event(await cal.body_json(request), creating=True)
        entry = cal.store(state).by_transaction(user_id, data.get("transactionId"))
        if entry is None:
            entry = cal.create_event(state, user_id, data)
        event = {
            "@odata.context": cal.context(request, "events/$entity"),
            **cal.present(request, state, cr.occurrence(entry, None)),
        }
        return web.json_response(event, status=201, headers=cal._applied(request))

    async def list_events(request: web.Request) -> web.Response:
        user_id = cal.mailbox(state, request.match_info["id"])
        entries = [
            e for e in cal.store(state).user_entries(user_id) if cr.visible(e, None) and cal.matches_filter(request, e)
        ]
        occs = [cr.occurrence(e, None) for e in entries]
        return cal.page(request, cal.sorted_events(request, state, occs), cal.context(request, "events"))

    async def get_event(request: web.Request) -> web.Response:
        found = cal.target(request, state)
        event = cal.present(request, state, cr.occurrence(found.entry, found.day))
        return web.json_response(
            {"@odata.context": cal.context(request, "events/$entity"), **event}, headers=cal._applied(request)
        )

    async def patch_event(request: web.Request) -> web.Response:
        found = cal.target(request, state)
        changes = dict(cal.validate_event(await cal.body_json(request), creating=False))
        cal.patch_event(state, found, changes)
        event = cal.present(request, state, cr.occurrence(found.entry, found.day))
        return web.json_response(
            {"@odata.context": cal.context(request, "events/$entity"), **event}, headers=cal._applied(request)
        )

    async def delete_event(request: web.Request) -> web.Response:
        remove(state, cal.target(request, state))
        return web.Response(status=204)

    async def cancel_event(request: web.Request) -> web.Response:
        found = cal.target(request, state)
        body = await cal.body_json(request) if request.body_exists else {}
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        if not found.entry.is_organizer:
            raise GraphError(400, "ErrorAccessDenied", "Only the organizer of a meeting can cancel it.")
        remove(state, found)
        return web.Response(status=202)

    async def list_instances(request: web.Request) -> web.Response:
        found = cal.target(request, state)
        start, end = cal.window_args(request)
        occs = [o for o in cr.instances(found.entry, start, end) if cr.visible(found.entry, o.day)]
        return cal.page(request, cal.sorted_events(request, state, occs), cal.context(request, "events"))

    async def calendar_view(request: web.Request) -> web.Response:
        user_id = cal.mailbox(state, request.match_info["id"])
        start, end = cal.window_args(request)
        occs = [o for e in cal.store(state).user_entries(user_id) for o in cr.window(e, start, end)]
        return cal.page(request, cal.sorted_events(request, state, occs), cal.context(request, "calendarView"))

    app.router.add_post("/v1.0/users/{id}/events", create)
    app.router.add_get("/v1.0/users/{id}/events", list_events)
    app.router.add_get("/v1.0/users/{id}/events/{event_id}", get_event)
    app.router.add_patch("/v1.0/users/{id}/events/{event_id}", patch_event)
    app.router.add_delete("/v1.0/users/{id}/events/{event_id}", delete_event)
    app.router.add_post("/v1.0/users/{id}/events/{event_id}/cancel", cancel_event)
    app.router.add_get("/v1.0/users/{id}/events/{event_id}/instances", list_instances)
    app.router.add_get("/v1.0/users/{id}/calendarView", calendar_view)


def remove(state: EmulatorState, found: Target) -> None:
    """Delete/cancel: an occurrence goes for everyone; the organiser's whole event goes from every mailbox."""
    calendars = cal.store(state)
    if found.day is not None and found.entry.is_organizer:
        calendars.remove_occurrence(found)
    elif found.day is not None:
        calendars.drop_occurrence_copy(found)
    elif found.entry.is_organizer:
        calendars.cancel_meeting(found.entry.meeting)
    else:
        calendars.remove_entry(found.entry)
