"""The per-operation pipeline every Graph request goes through, outer HTTP requests and $batch items alike.

Order: log the operation, throttle (per app per mailbox), latency, random faults, request validation, handler,
response validation. Handlers raise GraphError for Graph-shaped errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from devstack.graph_emulator import access_policy, validation
from devstack.graph_emulator.errors import THROTTLED_CODE, GraphError, graph_error, unknown_route
from devstack.graph_emulator.state import EmulatorState
from devstack.graph_emulator.throttle import Key, Throttle

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
API_PREFIX = "/v1.0"
DIRECTORY_SUBRESOURCES = frozenset({"manager", "directReports"})
THROTTLE_KEY: web.AppKey[Throttle] = web.AppKey("graph_throttle", Throttle)


class DroppedConnection(Exception):
    """A fault that closes the connection without an answer (only for outer HTTP requests)."""


def route_template(request: web.Request) -> str | None:
    """The route template of the matched resource without /v1.0, e.g. `/users/{id}/mailboxSettings`."""
    resource = request.match_info.route.resource
    if resource is None:
        return None
    canonical = resource.canonical
    return canonical.removeprefix(API_PREFIX) if canonical.startswith(API_PREFIX) else canonical


def operation_name(request: web.Request) -> str:
    template = route_template(request)
    return f"{request.method} {template}" if template else f"{request.method} (unknown route)"


def mailbox_of(state: EmulatorState, request: web.Request) -> str | None:
    """The mailbox a request counts against: the user of a /users/{id}/<sub-resource> route (not manager links)."""
    template = route_template(request) or ""
    if not template.startswith("/users/{id}/") or template.split("/")[3] in DIRECTORY_SUBRESOURCES:
        return None
    key = request.match_info.get("id", "")
    return state.resolve_user(key) or key


def app_of(request: web.Request) -> str:
    """The calling app: the bearer token stands in for the app id (anonymous locally)."""
    return request.headers.get("Authorization", "anonymous")


async def run(state: EmulatorState, request: web.Request, handler: Handler, *, inner: bool) -> web.StreamResponse:
    state.log.operations[operation_name(request)] += 1
    if request.method == "PATCH" and "event_id" in request.match_info:
        state.log.patched_events[request.match_info["event_id"]] += 1
    if inner:
        state.log.inner_batch_requests += 1
    response = await _throttled(state, request, handler, inner=inner)
    state.log.statuses[response.status] += 1
    return response


async def _throttled(
    state: EmulatorState, request: web.Request, handler: Handler, *, inner: bool
) -> web.StreamResponse:
    mailbox = mailbox_of(state, request)
    if mailbox is None:
        return await _guarded(state, request, handler, inner=inner)
    throttle = request.app[THROTTLE_KEY]
    key: Key = (app_of(request), mailbox)
    refused = throttle.admit(key, state.switches)
    if refused is not None:
        state.log.throttled += 1
        limit, retry_after = refused
        message = f"Application is over its {limit} limit."
        return graph_error(429, THROTTLED_CODE, message, headers={"Retry-After": str(retry_after)})
    seen = state.log.max_concurrency.get(mailbox, 0)
    state.log.max_concurrency[mailbox] = max(seen, throttle.concurrency(key))
    try:
        return await _guarded(state, request, handler, inner=inner)
    finally:
        throttle.release(key)


async def _guarded(state: EmulatorState, request: web.Request, handler: Handler, *, inner: bool) -> web.StreamResponse:
    client_request_id = request.headers.get("client-request-id")
    try:
        if state.switches.latency_ms > 0:
            await asyncio.sleep(state.switches.latency_ms / 1000)
        fault = _draw_fault(state, inner=inner)
        if fault is not None:
            return fault
        access_policy.check(state, request)
        await validation.check_request(state, request)
        response = await handler(request)
    except GraphError as error:
        return error.response(client_request_id)
    except web.HTTPNotFound:
        return unknown_route(request.path).response(client_request_id)
    except web.HTTPMethodNotAllowed:
        return graph_error(405, "Request_BadRequest", f"The method {request.method} is not allowed here.")
    await validation.check_response(state, request, response)
    return response


def _draw_fault(state: EmulatorState, *, inner: bool) -> web.Response | None:
    """With probability fault_rate, a 429, 503, 504 or (outer requests only) a dropped connection."""
    rate = state.switches.fault_rate
    if rate <= 0 or state.fault_rng.random() >= rate:
        return None
    state.log.faulted += 1
    kinds = ("429", "503", "504") if inner else ("429", "503", "504", "drop")
    kind = state.fault_rng.choice(kinds)
    if kind == "drop":
        raise DroppedConnection
    if kind == "429":
        return graph_error(429, "TooManyRequests", "Too many requests (injected fault).", headers={"Retry-After": "1"})
    if kind == "503":
        return graph_error(
            503, "ServiceNotAvailable", "Service unavailable (injected fault).", headers={"Retry-After": "1"}
        )
    return graph_error(504, "GatewayTimeout", "Gateway timeout (injected fault).")
