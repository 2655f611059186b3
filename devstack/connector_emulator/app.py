"""The emulator's aiohttp routes: Bot Connector v3 conversations plus the ``/_emulator`` control API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from devstack.connector_emulator.state import ConnectorState, Switches

STATE: web.AppKey[ConnectorState] = web.AppKey("connector_state", ConnectorState)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    """A Bot Connector shaped error body."""
    body = {"error": {"code": code, "message": message}}
    return web.json_response(body, status=status, headers=headers)


@web.middleware
async def connector_checks(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Token, latency and faults apply to the Bot Connector routes only, never to the control API."""
    if not request.path.startswith("/v3/"):
        return await handler(request)
    state = request.app[STATE]
    state.counts["received"] += 1
    switches = state.switches
    if switches.require_token and request.headers.get("Authorization") != f"Bearer {switches.token}":
        state.counts["unauthorized"] += 1
        return error(401, "Unauthorized", "Authorization has been denied for this request.")
    if switches.latency_ms:
        await asyncio.sleep(switches.latency_ms / 1000)
    if switches.fault_rate and state.random.random() < switches.fault_rate:
        state.counts["faults"] += 1
        return error(502, "ServiceError", "Injected fault (emulator fault_rate).")
    return await handler(request)


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text='{"error":{"code":"BadArgument","message":"Body is not JSON."}}') from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error":{"code":"BadArgument","message":"Body must be an object."}}')
    return body


def _throttled(state: ConnectorState, conversation_id: str | None) -> web.Response | None:
    wait = state.limits.admit(conversation_id, state.clock.now())
    if not wait:
        return None
    state.counts["throttled"] += 1
    return error(429, "Throttled", "Too many requests.", headers={"Retry-After": str(wait)})


async def create_conversation(request: web.Request) -> web.Response:
    state = request.app[STATE]
    params = await _json_body(request)
    members = params.get("members")
    if (
        not isinstance(members, list)
        or len(members) != 1
        or not isinstance(members[0], dict)
        or not members[0].get("id")
    ):
        return error(400, "BadArgument", "Exactly one member with an id is required for a 1:1 conversation.")
    tenant = params.get("tenantId") or ((params.get("channelData") or {}).get("tenant") or {}).get("id")
    if (refused := _throttled(state, None)) is not None:
        return refused
    conversation = state.open_conversation(str(members[0]["id"]), tenant)
    state.counts["conversations"] += 1
    reply: dict[str, Any] = {"id": conversation.id, "serviceUrl": str(request.url.origin()) + "/"}
    activity = params.get("activity")
    if isinstance(activity, dict):
        if state.is_blocked(conversation, activity):
            return _blocked(state)
        reply["activityId"] = state.record(conversation.id, "send", activity)
    return web.json_response(reply, status=201)


def _blocked(state: ConnectorState) -> web.Response:
    state.counts["blocked"] += 1
    return error(403, "MessageWritesBlocked", "The bot is blocked by the user or disabled by an administrator.")


async def _accept_activity(request: web.Request, operation: str) -> web.Response:
    state = request.app[STATE]
    conversation_id = request.match_info["conversation_id"]
    activity_id = request.match_info.get("activity_id")
    activity = await _json_body(request)
    conversation = state.conversation(conversation_id)
    if conversation is None:
        state.counts["not_found"] += 1
        return error(404, "ConversationNotFound", "Conversation not found.")
    if state.is_blocked(conversation, activity):
        return _blocked(state)
    if (refused := _throttled(state, conversation_id)) is not None:
        return refused
    new_id = state.record(conversation_id, operation, activity, activity_id)
    return web.json_response({"id": new_id}, status=200 if operation == "update" else 201)


async def send_activity(request: web.Request) -> web.Response:
    return await _accept_activity(request, "send")


async def reply_activity(request: web.Request) -> web.Response:
    return await _accept_activity(request, "reply")


async def update_activity(request: web.Request) -> web.Response:
    return await _accept_activity(request, "update")


def build_app(switches: Switches | None = None) -> web.Application:
    from devstack.connector_emulator import control

    state = ConnectorState()
    state.reset(switches)
    app = web.Application(middlewares=[connector_checks])
    app[STATE] = state
    app.router.add_post("/v3/conversations", create_conversation)
    app.router.add_post("/v3/conversations/{conversation_id}/activities", send_activity)
    app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", reply_activity)
    app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", update_activity)
    control.add_routes(app)
    return app
