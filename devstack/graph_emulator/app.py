"""Builds the emulator's aiohttp application: middleware, feature modules, $batch, control API, Graph 404s."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from aiohttp import web

from devstack.graph_emulator import batch, control, features, pipeline, tenant_control
from devstack.graph_emulator.errors import unknown_route
from devstack.graph_emulator.state import STATE_KEY, EmulatorState, Switches
from devstack.graph_emulator.throttle import Throttle
from devstack.tenant import Tenant, generate_tenant
from devstack.tenant_file import read_tenant

CONTROL_PREFIX = "/_emulator"


def make_state(tenant: Tenant, switches: Switches | None = None) -> EmulatorState:
    start = switches or Switches()
    state = EmulatorState(tenant=tenant, initial_switches=dataclasses.replace(start))
    state.load_core()
    return state


def build_app(
    *,
    people: int = 60,
    seed: int = 7,
    tenant: Tenant | None = None,
    tenant_file: str | Path | None = None,
    switches: Switches | None = None,
    **switch_values: Any,
) -> web.Application:
    """The emulator as an aiohttp app. Switch values may be given as keywords (latency_ms=50, throttle=True).

    The tenant is ``tenant``, else the one in ``tenant_file`` (TenantFileError when it is not sound), else a
    generated one (``people``, ``seed``).
    """
    start = dataclasses.replace(switches or Switches())
    start.update(switch_values)
    if tenant is None and tenant_file is not None:
        tenant = read_tenant(Path(tenant_file))
    state = make_state(tenant or generate_tenant(people, seed), start)
    app = web.Application(middlewares=[_middleware(state)], client_max_size=64 * 1024 * 1024)
    app[STATE_KEY] = state
    app[pipeline.THROTTLE_KEY] = Throttle()
    modules = features.available_modules()
    app[control.MODULES_KEY] = modules
    batch.setup(app, state)
    features.setup_features(app, state, modules)
    control.setup(app, state)
    tenant_control.setup(app, state)
    features.load_features(state, modules)
    return app


def _middleware(state: EmulatorState) -> Any:
    @web.middleware
    async def graph_middleware(request: web.Request, handler: pipeline.Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        state.log.http_round_trips += 1
        if request.path.startswith(pipeline.API_PREFIX + "/$batch"):
            state.log.operations[pipeline.operation_name(request)] += 1
            return await handler(request)
        if not request.path.startswith(pipeline.API_PREFIX + "/"):
            return unknown_route(request.path).response(request.headers.get("client-request-id"))
        try:
            return await pipeline.run(state, request, handler, inner=False)
        except pipeline.DroppedConnection:
            if request.transport is not None:
                request.transport.abort()
            raise ConnectionResetError("connection dropped (injected fault)") from None

    return graph_middleware
