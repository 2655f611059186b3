"""Graph emulator teamwork: install the bot for a user (409 on a second install), list, filter, get, chat."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract
APP = "0240a368-25e0-4569-8ebe-13601cb55a18"
BIND = {"teamsApp@odata.bind": f"https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{APP}"}


def a_user(graph: GraphEmulator) -> str:
    return str(graph.tenant()["people"][1]["id"])


def test_install_twice_answers_conflict(graph: GraphEmulator) -> None:
    user = a_user(graph)
    url = f"{graph.base_url}/users/{user}/teamwork/installedApps"
    assert httpx.post(url, json=BIND).status_code == 201
    second = httpx.post(url, json=BIND)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "Conflict"
    assert len(httpx.get(url).json()["value"]) == 1


def test_list_filter_get_and_chat(graph: GraphEmulator) -> None:
    user = a_user(graph)
    url = f"{graph.base_url}/users/{user}/teamwork/installedApps"
    assert httpx.get(url).json()["value"] == []
    httpx.post(url, json=BIND)
    found = httpx.get(url, params={"$expand": "teamsApp", "$filter": f"teamsApp/id eq '{APP}'"}).json()["value"]
    assert len(found) == 1
    assert found[0]["teamsApp"]["id"] == APP
    assert httpx.get(url, params={"$filter": "teamsApp/externalId eq 'other'"}).json()["value"] == []
    plain = httpx.get(f"{url}/{found[0]['id']}").json()
    assert "teamsApp" not in plain
    chat = httpx.get(f"{url}/{found[0]['id']}/chat").json()
    assert chat["id"].startswith("19:") and chat["id"].endswith("@unq.gbl.spaces")
    assert httpx.get(f"{url}/{found[0]['id']}/chat").json()["id"] == chat["id"]
    assert httpx.get(f"{url}/nope/chat").status_code == 404
    assert httpx.post(url, json={"teamsApp@odata.bind": "nonsense"}).status_code == 400
    assert graph.violations() == []
