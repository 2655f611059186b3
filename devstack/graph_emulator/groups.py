"""Group endpoints (feature module): ``GET /groups/{id}/members`` and ``GET /groups/{id}/transitiveMembers``.

A group's members are users and other groups (nested). ``members`` lists the direct ones; ``transitiveMembers``
is the flat list of every nested member (group-list-transitivemembers.md), the nested groups included as
``#microsoft.graph.group`` objects, each object once, the group itself never. Both page like other directory
collections: 100 objects by default, ``$top`` up to 999, then ``@odata.nextLink``. An unknown group is a 404
``Request_ResourceNotFound``; an id that is not a GUID a 400 ``Request_BadRequest`` "Invalid object identifier".
The advanced query options (``$filter``, ``$search``, ``$orderby``, ``$count``, OData casts) are not served: they
answer 400 ``Request_UnsupportedQuery`` rather than an unfiltered list.
The ``page_size`` switch caps every page, ``$top`` included (Graph may serve fewer than ``$top`` per page).
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from devstack.graph_emulator.errors import GraphError, not_found
from devstack.graph_emulator.odata import apply_select, collection, max_page_size, parse_select, parse_top
from devstack.graph_emulator.state import EmulatorState
from devstack.graph_emulator.users_view import USER_TYPE, context_url, user_json
from devstack.tenant import Tenant

GROUP_TYPE = "#microsoft.graph.group"
PAGE_SIZE, MAX_PAGE_SIZE = 100, 999  # documented default and maximum page sizes of directory collections
ADVANCED_OPTIONS = ("$filter", "$search", "$orderby", "$count")
OBJECT_ID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


def transitive_member_ids(state: EmulatorState, group_id: str) -> list[str]:
    """Every nested member (users and groups) in breadth-first order, each once; cycles end, the group is left out."""
    found: dict[str, None] = {}
    queue = [group_id]
    while queue:
        current = queue.pop(0)
        for member in state.group_members.get(current, []):
            if member == group_id or member in found:
                continue
            found[member] = None
            if member in state.groups:
                queue.append(member)
    return list(found)


def _object_json(state: EmulatorState, object_id: str, select: list[str] | None) -> dict[str, Any] | None:
    if object_id in state.users:
        return {"@odata.type": USER_TYPE, **user_json(state.users[object_id], select, ("id",))}
    if object_id in state.groups:
        return {"@odata.type": GROUP_TYPE, **apply_select(state.groups[object_id], select, ("id",))}
    return None  # a member deleted since: Graph no longer lists it


def _refuse_advanced(request: web.Request) -> None:
    used = [name for name in ADVANCED_OPTIONS if name in request.query]
    if used:
        raise GraphError(
            400, "Request_UnsupportedQuery", f"The emulator does not serve {', '.join(used)} on group members."
        )


def _page(state: EmulatorState, request: web.Request, ids: list[str]) -> web.Response:
    _refuse_advanced(request)
    select = parse_select(request.query)
    default = max_page_size(request, state.switches.page_size or PAGE_SIZE)
    size = parse_top(request.query, default=min(default, MAX_PAGE_SIZE), maximum=MAX_PAGE_SIZE)
    if state.switches.page_size:  # server-driven paging: a page may hold fewer than $top; clients follow nextLink
        size = min(size, state.switches.page_size)
    items = [body for body in (_object_json(state, i, select) for i in ids) if body is not None]
    return web.json_response(collection(request, items, context_url(request, "directoryObjects"), size))


def setup(app: web.Application, state: EmulatorState) -> None:
    def group_or_404(request: web.Request) -> str:
        group_id = request.match_info["group_id"]
        if not OBJECT_ID.match(group_id):  # e.g. a display name where the object id belongs
            raise GraphError(400, "Request_BadRequest", f"Invalid object identifier '{group_id}'.")
        if group_id not in state.groups:
            raise not_found(group_id)
        return group_id

    async def members(request: web.Request) -> web.Response:
        return _page(state, request, list(state.group_members.get(group_or_404(request), [])))

    async def transitive_members(request: web.Request) -> web.Response:
        return _page(state, request, transitive_member_ids(state, group_or_404(request)))

    app.router.add_get("/v1.0/groups/{group_id}/members", members)
    app.router.add_get("/v1.0/groups/{group_id}/transitiveMembers", transitive_members)


def load_tenant(state: EmulatorState, tenant: Tenant) -> None:
    """Groups live in the core state (state.load_core); nothing extra to seed."""
