"""Directory endpoints: users list/get, manager, directReports, mailboxSettings (feature module; groups: groups.py).

Writes (PATCH /users/{id}, manager $ref) are in directory_writes; users delta in delta. mailboxSettings pass
through as stored: `timeZone` and `workingHours.timeZone` may be Windows or IANA names, and
`workingHours.timeZone` may be a `#microsoft.graph.customTimeZone` object (user-get-mailboxsettings.md).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from devstack.graph_emulator import delta, directory_writes
from devstack.graph_emulator.directory_filter import user_filter
from devstack.graph_emulator.errors import GraphError, no_mailbox, not_found, unknown_route
from devstack.graph_emulator.odata import collection, max_page_size, parse_select, parse_top
from devstack.graph_emulator.state import EmulatorState
from devstack.graph_emulator.users_view import USER_TYPE, context_url, expand_options, user_json, with_manager
from devstack.tenant import Tenant

PAGE_SIZE = 100


def page_size(state: EmulatorState, request: web.Request) -> int:
    default = state.switches.page_size or PAGE_SIZE
    return parse_top(request.query, default=max_page_size(request, default))


def user_or_404(state: EmulatorState, key: str) -> str:
    user_id = state.resolve_user(key)
    if user_id is None:
        raise not_found(key)
    return user_id


def setup(app: web.Application, state: EmulatorState) -> None:
    async def list_users(request: web.Request) -> web.Response:
        select = parse_select(request.query)
        predicate = user_filter(request.query)
        expand = expand_options(request.query)
        items = []
        for uid, user in state.users.items():
            if predicate is not None and not predicate({**user, "manager": {"id": state.managers.get(uid)}}):
                continue
            body = user_json(user, select)
            if "manager" in expand:
                with_manager(state, uid, body, expand["manager"])
            items.append(body)
        return web.json_response(collection(request, items, context_url(request, "users"), page_size(state, request)))

    async def get_user(request: web.Request) -> web.Response:
        uid = user_or_404(state, request.match_info["id"])
        body = {
            "@odata.context": context_url(request, "users/$entity"),
            **user_json(state.users[uid], parse_select(request.query)),
        }
        expand = expand_options(request.query)
        if "manager" in expand:
            with_manager(state, uid, body, expand["manager"])
        return web.json_response(body)

    async def get_manager(request: web.Request) -> web.Response:
        uid = user_or_404(state, request.match_info["id"])
        manager_id = state.managers.get(uid)
        if manager_id not in state.users:
            raise not_found("manager")
        body = {"@odata.context": context_url(request, "directoryObjects/$entity"), "@odata.type": USER_TYPE}
        return web.json_response({**body, **user_json(state.users[manager_id], parse_select(request.query))})

    async def direct_reports(request: web.Request) -> web.Response:
        uid = user_or_404(state, request.match_info["id"])
        select = parse_select(request.query)
        items = [{"@odata.type": USER_TYPE, **user_json(state.users[r], select)} for r in state.direct_reports(uid)]
        return web.json_response(
            collection(request, items, context_url(request, "directoryObjects"), page_size(state, request))
        )

    async def mailbox_settings(request: web.Request) -> web.Response:
        uid = user_or_404(state, request.match_info["id"])
        settings = state.mailbox_settings.get(uid)
        if settings is None:
            raise no_mailbox()
        body = {"@odata.context": context_url(request, f"users('{uid}')/mailboxSettings"), **settings}
        return web.json_response(_selected(body, parse_select(request.query)))

    async def mailbox_setting(request: web.Request) -> web.Response:
        uid = user_or_404(state, request.match_info["id"])
        settings = state.mailbox_settings.get(uid)
        if settings is None:
            raise no_mailbox()
        name = request.match_info["property"]
        if name not in settings:
            raise unknown_route(request.path)
        value = settings[name]
        context = context_url(request, f"users('{uid}')/mailboxSettings/{name}")
        return web.json_response(
            {"@odata.context": context, **value}
            if isinstance(value, dict)
            else {"@odata.context": context, "value": value}
        )

    async def users_delta(request: web.Request) -> web.Response:
        return delta.delta_response(state, request, page_size(state, request))

    router = app.router
    router.add_get("/v1.0/users/delta()", users_delta)
    router.add_get("/v1.0/users/delta", users_delta)
    router.add_get("/v1.0/users", list_users)
    router.add_get("/v1.0/users/{id}", get_user)
    router.add_get("/v1.0/users/{id}/manager", get_manager)
    router.add_get("/v1.0/users/{id}/directReports", direct_reports)
    router.add_get("/v1.0/users/{id}/mailboxSettings", mailbox_settings)
    router.add_get("/v1.0/users/{id}/mailboxSettings/{property}", mailbox_setting)
    directory_writes.add_routes(app, state)


def _selected(body: dict[str, Any], select: list[str] | None) -> dict[str, Any]:
    if select is None:
        return body
    wanted = {s.lower() for s in select}
    return {k: v for k, v in body.items() if k.startswith("@") or k.lower() in wanted}


def load_tenant(state: EmulatorState, tenant: Tenant) -> None:
    """The directory lives in the core state (state.load_core); nothing extra to seed."""


__all__ = ["GraphError", "load_tenant", "setup"]
