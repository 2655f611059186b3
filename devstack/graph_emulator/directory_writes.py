"""Directory writes: PATCH /users/{id} and the manager reference (PUT / DELETE /users/{id}/manager/$ref).

Follows user-update.md (204 No Content; properties left out keep their values; displayName can't be cleared),
the user resource page (proxyAddresses and the other read-only properties can't be set through Graph),
user-post-manager.md and user-delete-manager.md (204). Every change is recorded for users delta.
Error codes are Entra's (`Request_BadRequest`, `Request_ResourceNotFound`). The messages for read-only,
unknown, required and invalid properties and for a duplicate UPN use Entra's wording as quoted in public issues
and client code; the self-manager and bad `@odata.id` messages are the emulator's own (Entra documents neither).
A longer manager cycle (A manages B manages A) is accepted: Entra documents no check for it.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from devstack.graph_emulator.directory_changes import set_manager, set_properties
from devstack.graph_emulator.errors import GraphError, not_found
from devstack.graph_emulator.state import EmulatorState

BAD_REQUEST = "Request_BadRequest"
# user-update.md, "Request body" (v1.0), plus employeeHireDate/employeeLeaveDateTime/employeeOrgData (user resource).
WRITABLE = frozenset(
    name.lower()
    for name in (
        "aboutMe", "accountEnabled", "ageGroup", "birthday", "businessPhones", "city", "companyName",
        "consentProvidedForMinor", "country", "department", "displayName", "employeeHireDate",
        "employeeLeaveDateTime", "employeeId", "employeeOrgData", "employeeType", "faxNumber", "givenName",
        "hireDate", "interests", "jobTitle", "mail", "mailNickname", "mobilePhone", "mySite", "officeLocation",
        "onPremisesExtensionAttributes", "onPremisesImmutableId", "otherMails", "passwordPolicies",
        "passwordProfile", "pastProjects", "postalCode", "preferredDataLocation", "preferredLanguage",
        "preferredName", "responsibilities", "schools", "skills", "state", "streetAddress", "surname",
        "usageLocation", "userPrincipalName", "userType",
    )
)  # fmt: skip
# "Read-only" on the user resource page (proxyAddresses: "Read-only in Microsoft Graph").
READ_ONLY = frozenset(
    name.lower()
    for name in (
        "id", "proxyAddresses", "imAddresses", "createdDateTime", "creationType", "deletedDateTime",
        "assignedLicenses", "assignedPlans", "provisionedPlans", "licenseAssignmentStates",
        "lastPasswordChangeDateTime", "legalAgeGroupClassification", "externalUserState",
        "externalUserStateChangeDateTime", "securityIdentifier", "signInSessionsValidFromDateTime",
        "onPremisesDistinguishedName", "onPremisesDomainName", "onPremisesLastSyncDateTime",
        "onPremisesProvisioningErrors", "onPremisesSamAccountName", "onPremisesSecurityIdentifier",
        "onPremisesSyncEnabled", "onPremisesUserPrincipalName", "manager", "directReports",
    )
)  # fmt: skip
NOT_NULL = frozenset({"displayname", "accountenabled", "userprincipalname"})
REF_SEGMENTS = ("users", "directoryObjects")


def _bad(message: str) -> GraphError:
    return GraphError(400, BAD_REQUEST, message)


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"null")
    except json.JSONDecodeError:
        raise _bad("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object.")
    return body


def _user_id(state: EmulatorState, key: str) -> str:
    user_id = state.resolve_user(key)
    if user_id is None:
        raise not_found(key)
    return user_id


def checked_update(state: EmulatorState, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The PATCH body as {stored name: value}; a 400 GraphError for what Entra refuses."""
    known = {name.lower(): name for name in state.users[user_id]}
    values: dict[str, Any] = {}
    for name, value in body.items():
        if name.startswith("@odata."):
            continue
        lower = name.lower()
        if lower in READ_ONLY:
            raise _bad(f"Property '{name}' is read-only and cannot be set.")
        if lower not in WRITABLE:
            raise _bad(f"Property '{name}' does not exist as a declared property or extension property.")
        if lower in NOT_NULL and (value is None or value == ""):
            raise _bad(f"A value is required for property '{name}' of resource 'User'.")
        if lower == "accountenabled" and not isinstance(value, bool):
            raise _bad(f"Invalid value specified for property '{name}' of resource 'User'.")
        values[known.get(lower, name)] = value
    upn = values.get("userPrincipalName")
    if upn is not None and state.upn_index.get(str(upn).lower(), user_id) != user_id:
        raise _bad("Another object with the same value for property userPrincipalName already exists.")
    return values


def manager_from_ref(state: EmulatorState, user_id: str, body: dict[str, Any]) -> str:
    """The manager id named by `{"@odata.id": ".../users/{id}"}` (or .../directoryObjects/{id})."""
    reference = body.get("@odata.id")
    parts = str(reference or "").rstrip("/").split("/")
    if not isinstance(reference, str) or len(parts) < 2 or parts[-2] not in REF_SEGMENTS:
        raise _bad("The @odata.id of a manager reference must be the URL of a user, e.g. "
                   "https://graph.microsoft.com/v1.0/users/{id}.")  # fmt: skip
    manager_id = _user_id(state, parts[-1])
    if manager_id == user_id:
        raise _bad("A user cannot be their own manager.")
    return manager_id


def add_routes(app: web.Application, state: EmulatorState) -> None:
    async def patch_user(request: web.Request) -> web.Response:
        user_id = _user_id(state, request.match_info["id"])
        set_properties(state, user_id, checked_update(state, user_id, await _json_object(request)))
        return web.Response(status=204)

    async def put_manager(request: web.Request) -> web.Response:
        user_id = _user_id(state, request.match_info["id"])
        set_manager(state, user_id, manager_from_ref(state, user_id, await _json_object(request)))
        return web.Response(status=204)

    async def delete_manager(request: web.Request) -> web.Response:
        user_id = _user_id(state, request.match_info["id"])
        if state.managers.get(user_id) not in state.users:
            raise not_found("manager")
        set_manager(state, user_id, None)
        return web.Response(status=204)

    app.router.add_patch("/v1.0/users/{id}", patch_user)
    app.router.add_put("/v1.0/users/{id}/manager/$ref", put_manager)
    app.router.add_delete("/v1.0/users/{id}/manager/$ref", delete_manager)
