"""``/_emulator`` routes: what was sent, counts, reset, switches, blocking and the manual clock."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aiohttp import web

from devstack.connector_emulator.app import STATE, error


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    body = await request.json()
    return body if isinstance(body, dict) else {}


async def sent(request: web.Request) -> web.Response:
    """Every activity received, in order; ``?conversationId=`` narrows it to one conversation."""
    items = request.app[STATE].sent
    wanted = request.query.get("conversationId")
    return web.json_response({"sent": [s for s in items if wanted is None or s["conversationId"] == wanted]})


async def log(request: web.Request) -> web.Response:
    state = request.app[STATE]
    keys = ("received", "accepted", "throttled", "blocked", "faults", "unauthorized", "not_found", "conversations")
    return web.json_response({key: state.counts.get(key, 0) for key in keys})


async def reset(request: web.Request) -> web.Response:
    request.app[STATE].reset()
    return web.json_response({"reset": True})


async def config(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if request.method == "POST":
        try:
            state.configure(await _body(request))
        except (ValueError, TypeError) as problem:
            return error(400, "BadArgument", str(problem))
    return web.json_response(asdict(state.switches))


async def block(request: web.Request) -> web.Response:
    """Mark a user (``userId``) or a conversation (``conversationId``) as having blocked the bot."""
    state = request.app[STATE]
    body = await _body(request)
    if body.get("userId"):
        state.blocked_users.add(str(body["userId"]))
    if body.get("conversationId"):
        state.blocked_conversations.add(str(body["conversationId"]))
    return web.json_response(
        {"users": sorted(state.blocked_users), "conversations": sorted(state.blocked_conversations)}
    )


async def forget(request: web.Request) -> web.Response:
    """Drop a conversation so that stored ids go stale (with ``strict_conversations`` on, sends get 404)."""
    request.app[STATE].conversations.pop(request.match_info["conversation_id"], None)
    return web.json_response({"forgotten": request.match_info["conversation_id"]})


async def clock(request: web.Request) -> web.Response:
    """``{"freeze": true}``, ``{"advance": seconds}`` or ``{"thaw": true}``: rate limits read this clock."""
    state = request.app[STATE]
    body = await _body(request)
    if body.get("freeze"):
        state.clock.freeze()
    if "advance" in body:
        state.clock.advance(float(body["advance"]))
    if body.get("thaw"):
        state.clock.thaw()
    return web.json_response({"manual": state.clock.manual is not None})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/_emulator/sent", sent)
    app.router.add_get("/_emulator/log", log)
    app.router.add_post("/_emulator/reset", reset)
    app.router.add_route("*", "/_emulator/config", config)
    app.router.add_post("/_emulator/block", block)
    app.router.add_delete("/_emulator/conversations/{conversation_id}", forget)
    app.router.add_post("/_emulator/clock", clock)
