"""Graph teamwork on the emulator: the org app catalog, installs by catalog id only, and the installer adapter.

As in Graph, the catalog id of an org app is not its manifest id (learn.microsoft.com/graph/api/
appcatalogs-list-teamsapps): a bind to the manifest id, or to any id the catalog lacks, answers 404.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.retry import RetryPolicy, RetryStats
from shared.adapters.graph.teamwork import AppNotPublished, GraphTeamsInstaller
from shared.config import load_settings
from shared.config_values import LOCAL_TEAMS_APP_MANIFEST_ID
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract
MANIFEST_ID = LOCAL_TEAMS_APP_MANIFEST_ID
GUID = re.compile(r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$")
CATALOG_GET = "GET /appCatalogs/teamsApps"
INSTALL_POST = "POST /users/{id}/teamwork/installedApps"
FAST_POLICY = RetryPolicy(max_attempts=5, max_retry_after=2.0, backoff_min=0.05, backoff_max=0.5, sleep=asyncio.sleep)


def count(log: dict[str, Any], operation: str) -> int:
    return int(log["operations"].get(operation, 0))


def a_user(graph: GraphEmulator, index: int = 1) -> str:
    return str(graph.tenant()["people"][index]["id"])


def catalog(graph: GraphEmulator, filter_: str | None = None, **params: str) -> httpx.Response:
    query = {"$filter": filter_, **params} if filter_ else params
    return httpx.get(f"{graph.base_url}/appCatalogs/teamsApps", params=query)


def wegrow_catalog_id(graph: GraphEmulator) -> str:
    (app,) = catalog(graph, f"externalId eq '{MANIFEST_ID}'").json()["value"]
    return str(app["id"])


def bind(app_id: str) -> dict[str, str]:
    return {"teamsApp@odata.bind": f"https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{app_id}"}


def test_the_org_catalog_holds_wegrow_under_an_id_of_its_own(graph: GraphEmulator) -> None:
    found = catalog(graph, f"externalId eq '{MANIFEST_ID}'")
    assert found.status_code == 200
    body = found.json()
    assert body["@odata.context"].endswith("/v1.0/$metadata#appCatalogs/teamsApps")
    (app,) = body["value"]
    assert set(app) == {"id", "externalId", "displayName", "distributionMethod"}
    assert app["externalId"] == MANIFEST_ID and app["distributionMethod"] == "organization"
    assert GUID.match(app["id"]) and app["id"] != MANIFEST_ID
    assert wegrow_catalog_id(graph) == app["id"]  # deterministic across calls
    both = f"distributionMethod eq 'organization' and externalId eq '{MANIFEST_ID}'"
    assert catalog(graph, both).json()["value"] == [app]
    assert catalog(graph, f"id eq '{app['id']}'").json()["value"] == [app]
    assert catalog(graph, f"externalId eq '{uuid.uuid4()}'").json()["value"] == []
    org_only = catalog(graph, "distributionMethod eq 'organization'").json()["value"]
    everything = catalog(graph).json()["value"]
    assert app in org_only and len(everything) > len(org_only)  # store apps are left out
    assert catalog(graph, f"id eq '{app['id']}'", **{"$select": "id"}).json()["value"] == [{"id": app["id"]}]
    assert graph.violations() == []


def test_install_by_manifest_id_or_unknown_id_is_refused_as_graph_does(graph: GraphEmulator) -> None:
    """The emulator used to install whatever id it was given; Graph does not, and neither does it now."""
    url = f"{graph.base_url}/users/{a_user(graph)}/teamwork/installedApps"
    by_manifest = httpx.post(url, json=bind(MANIFEST_ID))
    assert by_manifest.status_code == 404
    assert by_manifest.json()["error"]["code"] == "NotFound"
    assert httpx.post(url, json=bind(str(uuid.uuid4()))).status_code == 404
    assert httpx.get(url).json()["value"] == []
    assert httpx.post(url, json=bind(wegrow_catalog_id(graph))).status_code == 201
    assert graph.violations() == []


def test_install_twice_answers_conflict(graph: GraphEmulator) -> None:
    url = f"{graph.base_url}/users/{a_user(graph)}/teamwork/installedApps"
    app_bind = bind(wegrow_catalog_id(graph))
    assert httpx.post(url, json=app_bind).status_code == 201
    second = httpx.post(url, json=app_bind)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "Conflict"
    assert len(httpx.get(url).json()["value"]) == 1


def test_list_filter_get_and_chat(graph: GraphEmulator) -> None:
    url = f"{graph.base_url}/users/{a_user(graph)}/teamwork/installedApps"
    app_id = wegrow_catalog_id(graph)
    assert httpx.get(url).json()["value"] == []
    httpx.post(url, json=bind(app_id))
    found = httpx.get(url, params={"$expand": "teamsApp", "$filter": f"teamsApp/id eq '{app_id}'"}).json()["value"]
    assert len(found) == 1
    assert found[0]["teamsApp"]["id"] == app_id and found[0]["teamsApp"]["externalId"] == MANIFEST_ID
    by_manifest = httpx.get(url, params={"$expand": "teamsApp", "$filter": f"teamsApp/externalId eq '{MANIFEST_ID}'"})
    assert [item["id"] for item in by_manifest.json()["value"]] == [found[0]["id"]]
    assert httpx.get(url, params={"$filter": "teamsApp/externalId eq 'other'"}).json()["value"] == []
    plain = httpx.get(f"{url}/{found[0]['id']}").json()
    assert "teamsApp" not in plain
    chat = httpx.get(f"{url}/{found[0]['id']}/chat").json()
    assert chat["id"].startswith("19:") and chat["id"].endswith("@unq.gbl.spaces")
    assert httpx.get(f"{url}/{found[0]['id']}/chat").json()["id"] == chat["id"]
    assert httpx.get(f"{url}/nope/chat").status_code == 404
    assert httpx.post(url, json={"teamsApp@odata.bind": "nonsense"}).status_code == 400
    assert graph.violations() == []


def test_control_route_uploads_another_app(graph: GraphEmulator) -> None:
    manifest = str(uuid.uuid4())
    uploaded = httpx.post(f"{graph.root}/_emulator/teamwork/apps", json={"externalId": manifest, "displayName": "X"})
    assert uploaded.status_code == 201
    app = uploaded.json()
    assert app["externalId"] == manifest and GUID.match(app["id"]) and app["id"] != manifest
    assert catalog(graph, f"externalId eq '{manifest}'").json()["value"] == [app]
    url = f"{graph.base_url}/users/{a_user(graph)}/teamwork/installedApps"
    assert httpx.post(url, json=bind(app["id"])).status_code == 201
    assert httpx.post(f"{graph.root}/_emulator/teamwork/apps", json={"displayName": "no ids"}).status_code == 400


@asynccontextmanager
async def installer_for(graph: GraphEmulator, manifest_id: str) -> AsyncIterator[GraphTeamsInstaller]:
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=graph.base_url)
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
    try:
        yield GraphTeamsInstaller(client, manifest_id, policy=FAST_POLICY, stats=RetryStats())
    finally:
        await aclose_graph_client(client)


def installed_app_ids(graph: GraphEmulator, user_id: str) -> list[str]:
    url = f"{graph.base_url}/users/{user_id}/teamwork/installedApps"
    return [item["teamsApp"]["id"] for item in httpx.get(url, params={"$expand": "teamsApp"}).json()["value"]]


async def test_installer_looks_up_the_catalog_id_once_and_installs_by_it(graph: GraphEmulator) -> None:
    first, second = a_user(graph, 1), a_user(graph, 2)
    graph.clear_log()
    async with installer_for(graph, MANIFEST_ID) as installer:
        await installer.install(first)
        await installer.install(first)  # 409: already installed, which is just as good
        await installer.install(second)
    log = graph.log()
    assert count(log, CATALOG_GET) == 1  # looked up once, then kept by the installer
    assert count(log, INSTALL_POST) == 3 and log["statuses"].get("404", 0) == 0
    catalog_id = wegrow_catalog_id(graph)
    assert installed_app_ids(graph, first) == [catalog_id] and installed_app_ids(graph, second) == [catalog_id]
    assert count(log, "GET /users/{id}/teamwork/installedApps") == 0  # neither the installation nor its chat read
    assert graph.violations() == []


async def test_a_catalog_id_in_the_setting_still_works(graph: GraphEmulator) -> None:
    catalog_id = wegrow_catalog_id(graph)
    user = a_user(graph)
    graph.clear_log()
    async with installer_for(graph, catalog_id) as installer:
        await installer.install(user)
    assert installed_app_ids(graph, user) == [catalog_id]
    assert count(graph.log(), CATALOG_GET) == 2  # externalId eq (nothing), then id eq


async def test_an_app_missing_from_the_org_catalog_is_a_clear_permanent_error(graph: GraphEmulator) -> None:
    user, missing = a_user(graph), str(uuid.uuid4())
    graph.clear_log()
    async with installer_for(graph, missing) as installer:
        with pytest.raises(AppNotPublished, match=r"not published to the organization's app catalog") as caught:
            await installer.install(user)
    assert missing in str(caught.value) and "upload" in str(caught.value)
    log = graph.log()
    assert count(log, CATALOG_GET) == 2  # externalId, then id; no retries
    assert count(log, INSTALL_POST) == 0
    assert installed_app_ids(graph, user) == []
