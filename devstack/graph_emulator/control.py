"""The control API under /_emulator/: log, reset, tenant, switches and directory changes for sync tests.

Directory changes go through directory_changes, which records what changed for users delta.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from aiohttp import web

from devstack.graph_emulator import features
from devstack.graph_emulator.directory_changes import remove_user, set_manager, set_properties
from devstack.graph_emulator.pipeline import THROTTLE_KEY
from devstack.graph_emulator.state import EmulatorState

MODULES_KEY: web.AppKey[list[ModuleType]] = web.AppKey("graph_feature_modules", list)


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status)


def _problem(status: int, message: str) -> web.Response:
    return _json({"error": message}, status)


async def _body(request: web.Request) -> dict[str, Any]:
    if not await request.read():
        return {}
    try:
        payload = await request.json()
    except json.JSONDecodeError:
        raise web.HTTPBadRequest(text='{"error": "body is not JSON"}', content_type="application/json") from None
    if not isinstance(payload, dict):
        raise web.HTTPBadRequest(text='{"error": "body must be a JSON object"}', content_type="application/json")
    return payload


def tenant_summary(state: EmulatorState) -> dict[str, Any]:
    people = [
        {
            "id": uid,
            "userPrincipalName": user["userPrincipalName"],
            "mail": user.get("mail"),
            "proxyAddresses": list(user.get("proxyAddresses") or []),
            "displayName": user["displayName"],
            "department": user.get("department"),
            "managerId": state.managers.get(uid),
            "timeZone": state.mailbox_settings.get(uid, {}).get("timeZone"),
            "hasMailbox": uid in state.mailbox_settings,
            "accountEnabled": user.get("accountEnabled", True),
            "employeeHireDate": user.get("employeeHireDate"),
        }
        for uid, user in state.users.items()
    ]
    return {
        "seed": state.tenant.seed,
        "anchor": state.tenant.anchor.isoformat(),
        "people": people,
        "groups": [{**g, "members": state.group_members.get(gid, [])} for gid, g in state.groups.items()],
        "pendingManagerChanges": [{"userId": u, "managerId": m} for u, m in state.pending_manager_changes],
    }


def setup(app: web.Application, state: EmulatorState) -> None:
    async def get_log(request: web.Request) -> web.Response:
        return _json(state.log.as_dict())

    async def get_patched(request: web.Request) -> web.Response:
        """PATCH requests per event id since the log was cleared: which events were moved or changed, and how often."""
        return _json({"events": dict(sorted(state.log.patched_events.items()))})

    async def get_violations(request: web.Request) -> web.Response:
        return _json({"violations": state.log.violations})

    async def clear_log(request: web.Request) -> web.Response:
        state.log = type(state.log)()
        return _json(state.log.as_dict())

    async def reset(request: web.Request) -> web.Response:
        features.reset_state(state, app[MODULES_KEY])
        app[THROTTLE_KEY].clear()
        return _json({"reset": True, "people": len(state.users)})

    async def get_tenant(request: web.Request) -> web.Response:
        return _json(tenant_summary(state))

    async def get_switches(request: web.Request) -> web.Response:
        return _json(state.switches.as_dict())

    async def post_switches(request: web.Request) -> web.Response:
        changes = await _body(request)
        try:
            state.switches.update(changes)
        except (ValueError, TypeError) as exc:
            return _problem(400, str(exc))
        if "fault_seed" in changes:
            state.fault_rng.seed(state.switches.fault_seed)
            state.notify_rng.seed(state.switches.fault_seed)
        return _json(state.switches.as_dict())

    async def apply_manager_changes(request: web.Request) -> web.Response:
        applied = []
        for user_id, manager_id in state.pending_manager_changes:
            if user_id in state.users and manager_id in state.users:
                set_manager(state, user_id, manager_id)
                applied.append({"userId": user_id, "managerId": manager_id})
        state.pending_manager_changes = []
        return _json({"applied": applied})

    async def disable_user(request: web.Request) -> web.Response:
        user_id = state.resolve_user(request.match_info["id"])
        if user_id is None:
            return _problem(404, "no such user")
        set_properties(state, user_id, {"accountEnabled": False})
        return _json({"id": user_id, "accountEnabled": False})

    async def delete_user(request: web.Request) -> web.Response:
        user_id = state.resolve_user(request.match_info["id"])
        if user_id is None:
            return _problem(404, "no such user")
        reason = "deleted" if request.query.get("permanent", "").lower() == "true" else "changed"
        remove_user(state, user_id, reason)
        return _json({"id": user_id, "removed": reason})

    async def expire_delta_tokens(request: web.Request) -> web.Response:
        from devstack.graph_emulator.delta import expire_tokens

        body = await _body(request)
        try:
            return _json(expire_tokens(state, int(body.get("status", 410)), str(body.get("code", "resyncRequired"))))
        except (ValueError, TypeError) as exc:
            return _problem(400, str(exc))

    app.router.add_get("/_emulator/log", get_log)
    app.router.add_get("/_emulator/log/patched", get_patched)
    app.router.add_post("/_emulator/log/clear", clear_log)
    app.router.add_get("/_emulator/violations", get_violations)
    app.router.add_post("/_emulator/reset", reset)
    app.router.add_get("/_emulator/tenant", get_tenant)
    app.router.add_get("/_emulator/switches", get_switches)
    app.router.add_post("/_emulator/switches", post_switches)
    app.router.add_post("/_emulator/apply-manager-changes", apply_manager_changes)
    app.router.add_post("/_emulator/users/{id}/disable", disable_user)
    app.router.add_delete("/_emulator/users/{id}", delete_user)
    app.router.add_post("/_emulator/delta/expire", expire_delta_tokens)
