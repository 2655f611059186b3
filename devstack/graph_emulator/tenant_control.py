"""Control API for whole tenants: ``POST /_emulator/tenant`` loads a tenant file, ``GET /_emulator/tenant/file``
returns the seeded tenant in that format (see devstack/tenant_file.py and docs/graph-emulator.md).

Loading replaces the tenant and reseeds exactly as ``POST /_emulator/reset`` does: directory data, log, switches
back to their start values, every feature module's ``load_tenant``, throttle windows cleared. Later resets reseed
the loaded tenant.
"""

from __future__ import annotations

import json

from aiohttp import web

from devstack.graph_emulator import features
from devstack.graph_emulator.control import MODULES_KEY
from devstack.graph_emulator.pipeline import THROTTLE_KEY
from devstack.graph_emulator.state import EmulatorState
from devstack.tenant import Tenant
from devstack.tenant_file import TenantFileError, from_file, to_file


def replace_tenant(app: web.Application, state: EmulatorState, tenant: Tenant) -> None:
    state.tenant = tenant
    features.reset_state(state, app[MODULES_KEY])
    app[THROTTLE_KEY].clear()


def setup(app: web.Application, state: EmulatorState) -> None:
    async def post_tenant(request: web.Request) -> web.Response:
        try:
            doc = json.loads(await request.read())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return web.json_response({"error": f"body is not JSON: {exc}", "problems": []}, status=400)
        try:
            tenant = from_file(doc)
        except TenantFileError as exc:
            return web.json_response({"error": str(exc).splitlines()[0], "problems": exc.problems}, status=400)
        replace_tenant(app, state, tenant)
        events = sum(len(items) for items in tenant.events.values())
        return web.json_response({"loaded": True, "people": len(state.users), "events": events})

    async def get_tenant_file(request: web.Request) -> web.Response:
        return web.json_response(to_file(state.tenant))

    app.router.add_post("/_emulator/tenant", post_tenant)
    app.router.add_get("/_emulator/tenant/file", get_tenant_file)
