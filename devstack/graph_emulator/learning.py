"""Viva Learning (``/employeeExperience``): providers, their contents and learning course activities.

Not in the Graph OpenAPI subset (see ../shared/reference/graph/README.md): built from the v1.0 API reference pages
of microsoft-graph-docs-contrib (viva-learning-api-overview.md and the pages it links), so request validation does
not cover these routes. Permissions, the licence and the documented errors live in learning_store.py and
learning_activities.py; the seeded catalog in learning_catalog.py.

The caller is an application by default, as WeGrow is: then listing providers and listing a user's activities
answer 403, as Graph documents them as delegated only. Control (not Graph): ``GET|POST /_emulator/learning``
with ``{"licensed": bool, "caller": "application"|"delegated", "granted": [permissions],
"unlicensed_users": [ids or UPNs]}``; reset restores the seeded catalog and the defaults.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from devstack.graph_emulator import learning_activities, odata
from devstack.graph_emulator.calendar_control import graph_errors
from devstack.graph_emulator.errors import bad_request, not_found
from devstack.graph_emulator.learning_store import (
    ACTIVITY_LIST,
    ACTIVITY_READ,
    ACTIVITY_WRITE,
    CONTENTS_READ,
    PROVIDER_READ,
    Learning,
    activity,
    allow,
    by_external_id,
    no_activity,
    provider,
)
from devstack.graph_emulator.state import EmulatorState
from devstack.tenant import Tenant

BASE = "/v1.0/employeeExperience"
PROVIDER = BASE + "/learningProviders/{provider_id}"
_EXTERNAL_KEY = re.compile(r"^learningCourseActivities\(externalCourseActivityId=(?:'(.*)'|(.*))\)$", re.IGNORECASE)
METADATA = "/v1.0/$metadata#"


def learning(state: EmulatorState) -> Learning:
    found = state.features.setdefault("learning", Learning())
    assert isinstance(found, Learning)
    return found


def _page(request: web.Request, rows: list[dict[str, Any]], context: str) -> web.Response:
    keep = odata.parse_filter(request.query)
    select = odata.parse_select(request.query)
    shown = [odata.apply_select(r, select, always=("id",)) for r in rows if keep is None or keep(r)]
    page_size = odata.max_page_size(request, odata.parse_top(request.query))
    body = odata.collection(request, shown, f"{request.url.origin()}{METADATA}{context}", page_size)
    return web.json_response(body)


async def _json(request: web.Request) -> object:
    try:
        return await request.json()
    except ValueError as exc:
        raise bad_request("The request body is not valid JSON.", "badRequest") from exc


def _entity(stored: dict[str, Any], request: web.Request) -> dict[str, Any]:
    context = f"{request.url.origin()}{METADATA}learningProviders('{stored['learningProviderId']}')"
    return {**stored, "@odata.context": f"{context}/learningCourseActivities('{stored['id']}')$entity"}


def _provider_routes(app: web.Application, state: EmulatorState) -> None:
    async def list_providers(request: web.Request) -> web.Response:
        allow(learning(state), PROVIDER_READ)
        return _page(request, list(learning(state).providers.values()), "learningProviders")

    async def get_provider(request: web.Request) -> web.Response:
        allow(learning(state), PROVIDER_READ)
        return web.json_response(provider(learning(state), request.match_info["provider_id"]))

    async def list_contents(request: web.Request) -> web.Response:
        allow(learning(state), CONTENTS_READ)
        ident = provider(learning(state), request.match_info["provider_id"])["id"]
        rows = list(learning(state).contents.get(ident, {}).values())
        return _page(request, rows, f"learningProviders('{ident}')/learningContents")

    async def get_content(request: web.Request) -> web.Response:
        allow(learning(state), CONTENTS_READ)
        ident = provider(learning(state), request.match_info["provider_id"])["id"]
        found = learning(state).contents.get(ident, {}).get(request.match_info["content_id"])
        if found is None:
            raise not_found(request.match_info["content_id"])
        return web.json_response(found)

    app.router.add_get(BASE + "/learningProviders", list_providers)
    app.router.add_get(PROVIDER, get_provider)
    app.router.add_get(PROVIDER + "/learningContents", list_contents)
    app.router.add_get(PROVIDER + "/learningContents/{content_id}", get_content)


def _activity_routes(app: web.Application, state: EmulatorState) -> None:
    async def create(request: web.Request) -> web.Response:
        allow(learning(state), ACTIVITY_WRITE)
        body = await _json(request)
        stored = learning_activities.create(state, learning(state), request.match_info["provider_id"], body)
        return web.json_response(_entity(stored, request), status=201)

    async def update(request: web.Request) -> web.Response:
        allow(learning(state), ACTIVITY_WRITE)
        provider(learning(state), request.match_info["provider_id"])
        stored = activity(learning(state), request.match_info["activity_id"])
        learning_activities.update(learning(state), stored, await _json(request))
        return web.Response(status=204)

    async def by_external(request: web.Request) -> web.Response:
        allow(learning(state), ACTIVITY_READ)
        match = _EXTERNAL_KEY.match(request.match_info["key"])
        if match is None:
            raise not_found(request.match_info["key"])
        key = match[1].replace("''", "'") if match[1] is not None else match[2]
        found = by_external_id(learning(state), request.match_info["provider_id"], key)
        return web.json_response(_entity(found, request))

    async def get_one(request: web.Request) -> web.Response:
        allow(learning(state), ACTIVITY_READ)
        return web.json_response(_entity(activity(learning(state), request.match_info["activity_id"]), request))

    app.router.add_post(PROVIDER + "/learningCourseActivities", create)
    app.router.add_patch(PROVIDER + "/learningCourseActivities/{activity_id}", update)
    app.router.add_get(PROVIDER + r"/{key:learningCourseActivities\(.+\)}", by_external)
    app.router.add_get(BASE + "/learningCourseActivities/{activity_id}", get_one)


def _user_routes(app: web.Application, state: EmulatorState) -> None:
    def learner(request: web.Request) -> str:
        user_id = state.resolve_user(request.match_info["id"])
        if user_id is None:
            raise not_found(request.match_info["id"])
        return user_id

    async def list_for_user(request: web.Request) -> web.Response:
        allow(learning(state), ACTIVITY_LIST)
        user_id = learner(request)
        rows = [a for a in learning(state).activities.values() if a["learnerUserId"] == user_id]
        return _page(request, rows, f"users('{user_id}')/employeeExperience/learningCourseActivities")

    async def get_for_user(request: web.Request) -> web.Response:
        allow(learning(state), ACTIVITY_READ)
        user_id, found = learner(request), activity(learning(state), request.match_info["activity_id"])
        if found["learnerUserId"] != user_id:
            raise no_activity(request.match_info["activity_id"])  # another learner's: as for an unknown id
        return web.json_response(_entity(found, request))

    user_base = "/v1.0/users/{id}/employeeExperience/learningCourseActivities"
    app.router.add_get(user_base, list_for_user)
    app.router.add_get(user_base + "/{activity_id}", get_for_user)


def setup(app: web.Application, state: EmulatorState) -> None:
    _provider_routes(app, state)
    _activity_routes(app, state)
    _user_routes(app, state)

    async def get_control(request: web.Request) -> web.Response:
        return web.json_response(control_view(learning(state)))

    async def post_control(request: web.Request) -> web.Response:
        return web.json_response(apply_control(state, learning(state), await _json(request)))

    app.router.add_get("/_emulator/learning", graph_errors(get_control))
    app.router.add_post("/_emulator/learning", graph_errors(post_control))


def control_view(found: Learning) -> dict[str, Any]:
    return {
        "licensed": found.licensed,
        "caller": found.caller,
        "granted": sorted(found.granted),
        "unlicensed_users": sorted(found.unlicensed_users),
    }


def apply_control(state: EmulatorState, found: Learning, body: object) -> dict[str, Any]:
    if not isinstance(body, dict) or set(body) - {"licensed", "caller", "granted", "unlicensed_users"}:
        raise bad_request('body must be {"licensed"?, "caller"?, "granted"?, "unlicensed_users"?}')
    if "licensed" in body:
        if not isinstance(body["licensed"], bool):
            raise bad_request("licensed takes true or false")
        found.licensed = body["licensed"]
    if "caller" in body:
        if body["caller"] not in ("application", "delegated"):
            raise bad_request("caller is application or delegated")
        found.caller = body["caller"]
    for name in ("granted", "unlicensed_users"):
        if name in body and not (isinstance(body[name], list) and all(isinstance(v, str) for v in body[name])):
            raise bad_request(f"{name} must be a list of strings")
    if "granted" in body:
        found.granted = set(body["granted"])
    if "unlicensed_users" in body:
        unknown = [u for u in body["unlicensed_users"] if state.resolve_user(u) is None]
        if unknown:
            raise bad_request(f"unknown users: {unknown}")
        found.unlicensed_users = {str(state.resolve_user(u)) for u in body["unlicensed_users"]}
    return control_view(found)


def load_tenant(state: EmulatorState, tenant: Tenant) -> None:
    """The seeded catalog (learning_catalog.py), a licensed tenant and WeGrow's application grants."""
    state.features["learning"] = Learning()
