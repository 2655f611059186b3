"""Teams apps installed for a user (``/users/{id}/teamwork/installedApps``) and the bot's 1:1 chat.

Sub-state: ``state.features["teamwork"]`` is a ``Teamwork``. Only an app in the tenant's catalog
(teamwork_catalog.py, ``GET /appCatalogs/teamsApps``) can be installed, and only by its catalog ``id``: a
``teamsApp@odata.bind`` to any other id, the app's manifest id (``externalId``) included, answers 404
NotFound, as Graph does for an id the catalog does not hold. A second install of the same app answers 409
Conflict, like Graph.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from devstack.graph_emulator import odata, teamwork_catalog
from devstack.graph_emulator.calendar_control import graph_errors
from devstack.graph_emulator.calendar_time import iso_utc
from devstack.graph_emulator.errors import GraphError, bad_request, not_found
from devstack.graph_emulator.state import EmulatorState
from devstack.tenant import Tenant

_BIND = re.compile(r"/appCatalogs/teamsApps/([^/?#]+)$")
TENANT_ID = "00000000-0000-4000-8000-00000000e111"


@dataclass
class Teamwork:
    catalog: dict[str, dict[str, Any]] = field(default_factory=teamwork_catalog.seed_catalog)  # id -> teamsApp
    installs: dict[str, dict[str, str]] = field(default_factory=dict)  # user id -> install id -> app id
    installed_at: dict[str, datetime] = field(default_factory=dict)  # install id -> when


def teamwork(state: EmulatorState) -> Teamwork:
    found = state.features.setdefault("teamwork", Teamwork())
    assert isinstance(found, Teamwork)
    return found


def install_id(user_id: str, app_id: str) -> str:
    return base64.b64encode(f"{user_id}##{app_id}".encode()).decode()


def chat_id(user_id: str, app_id: str) -> str:
    """A stable 1:1 chat id between the user and the app's bot, in Teams' format."""
    return f"19:{user_id}_{app_id}@unq.gbl.spaces"


def teams_app(tw: Teamwork, app_id: str) -> dict[str, Any]:
    """The catalog's teamsApp for an installed app (installs are only ever made from the catalog)."""
    return dict(tw.catalog[app_id])


def installation(tw: Teamwork, ident: str, app_id: str, expand: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {"id": ident}
    app = teams_app(tw, app_id)
    if "teamsApp" in expand:
        body["teamsApp"] = app
    if "teamsAppDefinition" in expand:
        body["teamsAppDefinition"] = {
            "id": base64.b64encode(f"{app_id}##1.0.0".encode()).decode(),
            "teamsAppId": app_id,
            "displayName": app["displayName"],
            "version": "1.0.0",
        }
    return body


def user_of(state: EmulatorState, request: web.Request) -> str:
    user_id = state.resolve_user(request.match_info["id"])
    if user_id is None:
        raise not_found(request.match_info["id"])
    return user_id


def find_install(state: EmulatorState, request: web.Request) -> tuple[str, str, str]:
    user_id = user_of(state, request)
    ident = request.match_info["install_id"]
    app_id = teamwork(state).installs.get(user_id, {}).get(ident)
    if app_id is None:
        raise not_found(ident)
    return user_id, ident, app_id


def app_id_from(body: object, tw: Teamwork) -> str:
    """The catalog id the bind points at; 400 for a malformed bind, 404 when the catalog has no such id."""
    bind = body.get("teamsApp@odata.bind") if isinstance(body, dict) else None
    match = _BIND.search(str(bind or ""))
    if match is None:
        raise bad_request("teamsApp@odata.bind must be a link to /appCatalogs/teamsApps/{id}.", "BadRequest")
    app_id = match.group(1)
    if app_id not in tw.catalog:
        raise GraphError(404, "NotFound", f"Teams app '{app_id}' was not found in the app catalog.")
    return app_id


def setup(app: web.Application, state: EmulatorState) -> None:
    base = "/v1.0/users/{id}/teamwork/installedApps"

    async def list_apps(request: web.Request) -> web.Response:
        user_id, tw = user_of(state, request), teamwork(state)
        expand = odata.parse_expand(request.query)
        rows = [installation(tw, i, a, ["teamsApp", *expand]) for i, a in tw.installs.get(user_id, {}).items()]
        keep = odata.parse_filter(request.query)
        rows = [r for r in rows if keep is None or keep(r)]
        shown = [{k: v for k, v in r.items() if k == "id" or k in expand} for r in rows]
        context = f"{request.url.origin()}/v1.0/$metadata#users('{user_id}')/teamwork/installedApps"
        return web.json_response(odata.collection(request, shown, context, odata.parse_top(request.query)))

    async def install(request: web.Request) -> web.Response:
        user_id, tw = user_of(state, request), teamwork(state)
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("The request body is not valid JSON.") from exc
        app_id = app_id_from(body, tw)
        if app_id in tw.installs.get(user_id, {}).values():
            raise GraphError(409, "Conflict", "App is already installed for this user.")
        ident = install_id(user_id, app_id)
        tw.installs.setdefault(user_id, {})[ident] = app_id
        tw.installed_at[ident] = datetime.now(UTC)
        return web.json_response(installation(tw, ident, app_id, []), status=201)

    async def get_app(request: web.Request) -> web.Response:
        _, ident, app_id = find_install(state, request)
        return web.json_response(installation(teamwork(state), ident, app_id, odata.parse_expand(request.query)))

    async def get_chat(request: web.Request) -> web.Response:
        user_id, ident, app_id = find_install(state, request)
        created = iso_utc(teamwork(state).installed_at[ident])
        ident_chat = chat_id(user_id, app_id)
        chat = {
            "id": ident_chat,
            "topic": None,
            "createdDateTime": created,
            "lastUpdatedDateTime": created,
            "chatType": "oneOnOne",
            "webUrl": f"https://teams.microsoft.com/l/chat/{ident_chat}/0?tenantId={TENANT_ID}",
            "tenantId": TENANT_ID,
        }
        return web.json_response(chat)

    async def list_catalog(request: web.Request) -> web.Response:
        return web.json_response(teamwork_catalog.list_response(request, teamwork(state).catalog))

    async def register_app(request: web.Request) -> web.Response:
        app_json = teamwork_catalog.uploaded(await request.json())
        teamwork(state).catalog[str(app_json["id"])] = app_json
        return web.json_response(app_json, status=201)

    app.router.add_get("/v1.0/appCatalogs/teamsApps", list_catalog)
    app.router.add_get(base, list_apps)
    app.router.add_post(base, install)
    app.router.add_get(base + "/{install_id}", get_app)
    app.router.add_get(base + "/{install_id}/chat", get_chat)
    app.router.add_post("/_emulator/teamwork/apps", graph_errors(register_app))


def load_tenant(state: EmulatorState, tenant: Tenant) -> None:
    """No app is installed in a fresh tenant; its catalog holds WeGrow (see teamwork_catalog)."""
    state.features["teamwork"] = Teamwork()
