"""Changes to directory users, each recorded for users delta: properties by name, the manager link on its own.

Every path that changes a user (Graph PATCH and manager $ref, the control API's disable, delete and
apply-manager-changes) goes through here, so delta rounds know which properties changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from devstack.graph_emulator.state import EmulatorState

PRIMARY_SMTP, SECONDARY_SMTP = "SMTP:", "smtp:"


def set_properties(state: EmulatorState, user_id: str, values: Mapping[str, Any]) -> set[str]:
    """Store the values, record the names whose value changed, and return those names.

    A new `mail` also becomes the primary SMTP address in `proxyAddresses` (the old primary stays as a
    secondary), as Graph documents for the mail property; a new `userPrincipalName` is re-indexed.
    """
    user = state.users[user_id]
    changed = {name for name, value in values.items() if name not in user or user[name] != value}
    for name in changed:
        if name == "userPrincipalName":
            state.upn_index.pop(str(user.get(name, "")).lower(), None)
            state.upn_index[str(values[name]).lower()] = user_id
        user[name] = values[name]
    if "mail" in changed and user.get("mail"):
        addresses = with_primary_smtp(list(user.get("proxyAddresses") or []), str(user["mail"]))
        if addresses != user.get("proxyAddresses"):
            user["proxyAddresses"] = addresses
            changed.add("proxyAddresses")
    state.delta.touch(user_id, changed)
    return changed


def with_primary_smtp(addresses: list[str], mail: str) -> list[str]:
    """`mail` as the primary SMTP address; a former primary is kept as a secondary address."""
    kept = [
        SECONDARY_SMTP + a[len(PRIMARY_SMTP) :] if a.startswith(PRIMARY_SMTP) else a
        for a in addresses
        if a.lower() != (SECONDARY_SMTP + mail).lower()
    ]
    return [PRIMARY_SMTP + mail, *kept]


def set_manager(state: EmulatorState, user_id: str, manager_id: str | None) -> bool:
    """Point the user's manager link at `manager_id` (None removes it); True when the link changed."""
    old = state.managers.get(user_id)
    if old == manager_id:
        return False
    if manager_id is None:
        state.managers.pop(user_id, None)
    else:
        state.managers[user_id] = manager_id
    state.delta.relink_manager(user_id, old, manager_id)
    return True


def remove_user(state: EmulatorState, user_id: str, reason: str) -> None:
    """Remove a user; their reports lose the manager link (a manager change for delta), as in Entra ID."""
    state.users.pop(user_id)
    state.upn_index = {upn: uid for upn, uid in state.upn_index.items() if uid != user_id}
    state.managers.pop(user_id, None)
    state.mailbox_settings.pop(user_id, None)
    for report in [uid for uid, mid in state.managers.items() if mid == user_id]:
        set_manager(state, report, None)
    for members in state.group_members.values():
        if user_id in members:
            members.remove(user_id)
    state.delta.remove(user_id, reason)
