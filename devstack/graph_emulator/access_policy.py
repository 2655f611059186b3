"""Exchange application access policy (or RBAC for Applications): mailboxes outside the app's scope answer 403.

Control: ``POST /_emulator/access-policy`` with ``{"denied": [user ids or UPNs]}`` replaces the set of
out-of-scope mailboxes; ``GET`` shows it; ``POST /_emulator/reset`` empties it. Only Exchange resources
(calendar, events, mailbox settings) are refused, as in Exchange Online; the directory and Teams are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from devstack.graph_emulator.errors import GraphError
from devstack.graph_emulator.state import EmulatorState
from devstack.tenant import Tenant

EXCHANGE_SUBRESOURCES = frozenset({"calendar", "calendarView", "events", "mailboxSettings"})
DENIED_MESSAGE = "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings."


@dataclass
class AccessPolicy:
    denied: set[str] = field(default_factory=set)  # user ids


def policy(state: EmulatorState) -> AccessPolicy:
    found = state.features.setdefault("access_policy", AccessPolicy())
    assert isinstance(found, AccessPolicy)
    return found


def check(state: EmulatorState, request: web.Request) -> None:
    """Raise Graph's 403 when the request touches the mailbox of a user outside the policy."""
    resource = request.match_info.route.resource
    parts = (resource.canonical if resource else "").removeprefix("/v1.0").split("/")
    if len(parts) < 4 or parts[1] != "users" or parts[3] not in EXCHANGE_SUBRESOURCES:
        return
    key = request.match_info.get("id", "")
    check_mailbox(state, state.resolve_user(key) or key)


def check_mailbox(state: EmulatorState, user_id: str) -> None:
    """Raise Graph's 403 when ``user_id``'s mailbox is outside the policy (also for subscriptions on it)."""
    if user_id in policy(state).denied:
        raise GraphError(403, "ErrorAccessDenied", DENIED_MESSAGE)


def setup(app: web.Application, state: EmulatorState) -> None:
    async def get_policy(request: web.Request) -> web.Response:
        return web.json_response({"denied": sorted(policy(state).denied)})

    async def set_policy(request: web.Request) -> web.Response:
        body = await request.json()
        names = body.get("denied") if isinstance(body, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return web.json_response({"error": 'body must be {"denied": [user ids or UPNs]}'}, status=400)
        unknown = [n for n in names if state.resolve_user(n) is None]
        if unknown:
            return web.json_response({"error": f"unknown users: {unknown}"}, status=400)
        policy(state).denied = {str(state.resolve_user(n)) for n in names}
        return web.json_response({"denied": sorted(policy(state).denied)})

    app.router.add_get("/_emulator/access-policy", get_policy)
    app.router.add_post("/_emulator/access-policy", set_policy)


def load_tenant(state: EmulatorState, tenant: Tenant) -> None:
    """Every mailbox is in scope in a fresh tenant."""
    state.features["access_policy"] = AccessPolicy()
