"""How a stored user looks on the wire: Graph's default property set, $select, $expand=manager.

`mail` and `userPrincipalName` are in the default set and may differ; `proxyAddresses` (and the other
non-nullable collections) come back only on $select, as `[]` when the user has none (user resource page).
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from devstack.graph_emulator.odata import apply_select
from devstack.graph_emulator.state import EmulatorState

# What Graph returns for a user when no $select is given.
DEFAULT_PROPERTIES = (
    "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation",
    "preferredLanguage", "surname", "userPrincipalName", "id",
)  # fmt: skip
FILLERS: dict[str, Any] = {
    "businessPhones": [], "mobilePhone": None, "preferredLanguage": "en-US",
    "proxyAddresses": [], "otherMails": [], "imAddresses": [],
}  # fmt: skip
COLLECTIONS = tuple(name for name, value in FILLERS.items() if isinstance(value, list))
USER_TYPE = "#microsoft.graph.user"


def user_json(user: dict[str, Any], select: list[str] | None, always: tuple[str, ...] = ()) -> dict[str, Any]:
    full = {**FILLERS, **user}
    for name in COLLECTIONS:
        full[name] = full[name] if full[name] is not None else []  # not nullable: [] rather than null
    if select is None:
        return {name: full.get(name) for name in DEFAULT_PROPERTIES}
    # Graph returns every selected property (under its own spelling), null when it has no value.
    present = {name.lower() for name in full}
    missing = dict.fromkeys(n for n in select if not n.startswith("@") and n.lower() not in present)
    return {**missing, **apply_select(full, select, always)}


def expand_options(query: dict[str, str] | Any) -> dict[str, list[str] | None]:
    """`$expand=manager($select=id,displayName)` -> {"manager": ["id", "displayName"]}; no inner $select -> None."""
    text = query.get("$expand") or ""
    result: dict[str, list[str] | None] = {}
    for match in re.finditer(r"(\w+)(?:\(([^)]*)\))?", text):
        name, inner = match.group(1), match.group(2) or ""
        selected = re.search(r"\$select=([^;]*)", inner)
        result[name] = [p.strip() for p in selected.group(1).split(",") if p.strip()] if selected else None
    return result


def with_manager(state: EmulatorState, user_id: str, body: dict[str, Any], select: list[str] | None) -> None:
    manager_id = state.managers.get(user_id)
    if manager_id in state.users:
        body["manager"] = {"@odata.type": USER_TYPE, **user_json(state.users[manager_id], select, ("id",))}


def context_url(request: web.Request, fragment: str) -> str:
    return str(request.url.with_path("/v1.0/$metadata").with_query(None)) + "#" + fragment
