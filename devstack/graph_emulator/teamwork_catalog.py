"""The tenant's Teams app catalog (``GET /appCatalogs/teamsApps``), as the installs in teamwork.py see it.

Graph gives an app uploaded to the org catalog its own ``id``, a GUID that is not the manifest id; the manifest
id is stamped as ``externalId`` (learn.microsoft.com/graph/api/appcatalogs-list-teamsapps, the note at the top
and example 3). So the catalog is keyed by that generated id, and installing by the manifest id finds nothing.

A fresh tenant's catalog holds WeGrow, uploaded by the admin: ``externalId`` is the local manifest id (what
``make package`` builds without ``WEGROW_TEAMS_APP_MANIFEST_ID``, and the product's default setting), and the id
is a GUID derived from it, so it is the same on every run. One store app (Planner) sits beside it, so filters on
``distributionMethod`` and ``externalId`` have something to leave out. ``POST /_emulator/teamwork/apps``
``{"externalId", "displayName"?, "distributionMethod"?, "id"?}`` uploads another app (id derived when absent).
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from devstack.graph_emulator import odata
from devstack.graph_emulator.errors import bad_request
from devstack.package_app import LOCAL_MANIFEST_ID

CATALOG_NAMESPACE = uuid.UUID("6f1c0b52-3d0e-4c7a-9a61-5b8f2e7d4c10")
STORE_APPS = (
    {
        "id": "com.microsoft.teamspace.tab.planner",
        "externalId": None,
        "displayName": "Planner",
        "distributionMethod": "store",
    },
)
DISTRIBUTION_METHODS = frozenset({"store", "organization", "sideloaded"})


def catalog_id(external_id: str) -> str:
    """The id the org catalog gives an uploaded app: a GUID of its own, stable for the same manifest id."""
    return str(uuid.uuid5(CATALOG_NAMESPACE, f"teamsApp:{external_id.lower()}"))


def org_app(external_id: str, display_name: str = "WeGrow", distribution: str = "organization") -> dict[str, Any]:
    """A teamsApp as Graph lists it, for an app uploaded with this manifest id."""
    return {
        "id": catalog_id(external_id),
        "externalId": external_id,
        "displayName": display_name,
        "distributionMethod": distribution,
    }


def seed_catalog() -> dict[str, dict[str, Any]]:
    """A fresh tenant's catalog: WeGrow (uploaded to the org catalog) and one store app."""
    apps = [org_app(LOCAL_MANIFEST_ID), *(dict(app) for app in STORE_APPS)]
    return {str(app["id"]): app for app in apps}


def uploaded(body: object) -> dict[str, Any]:
    """The teamsApp a control-route upload describes; 400 when it has neither an externalId nor an id."""
    if not isinstance(body, dict) or not (body.get("externalId") or body.get("id")):
        raise bad_request("an app needs an externalId (its manifest id) or an id")
    distribution = str(body.get("distributionMethod") or "organization")
    if distribution not in DISTRIBUTION_METHODS:
        raise bad_request(f"distributionMethod must be one of {sorted(DISTRIBUTION_METHODS)}")
    external = body.get("externalId")
    app = org_app(str(external or body["id"]), str(body.get("displayName") or "WeGrow"), distribution)
    app["externalId"] = str(external) if external else None
    if body.get("id"):
        app["id"] = str(body["id"])
    return app


def list_response(request: web.Request, catalog: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``GET /appCatalogs/teamsApps`` with $filter (eq/ne joined by and/or), $select and $top, in Graph's shape."""
    keep = odata.parse_filter(request.query)
    select = odata.parse_select(request.query)
    rows = [app for app in catalog.values() if keep is None or keep(app)]
    shown = [odata.apply_select(app, select, always=("id",)) for app in rows]
    context = f"{request.url.origin()}/v1.0/$metadata#appCatalogs/teamsApps"
    return odata.collection(request, shown, context, odata.parse_top(request.query))
