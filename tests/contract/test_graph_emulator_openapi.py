"""Graph emulator vs the OpenAPI subset: what it accepts and answers validates (openapi-core 0.23.1).

The session fixture runs the emulator with validation enforced: it checks every request and response it handles
and records violations, which these tests read back. One test checks that the checker is not vacuous.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import InvalidData

from devstack.reference_files import GRAPH_OPENAPI
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract
SPEC = GRAPH_OPENAPI


def scripted_session(graph: GraphEmulator) -> int:
    """Directory reads, paging, delta rounds, errors and a $batch; returns the number of requests made."""
    people = graph.tenant()["people"]
    person = next(p for p in people if p["managerId"] and p["hasMailbox"])
    group = graph.tenant()["groups"][0]["id"]
    base = graph.base_url
    urls = [
        f"{base}/users",
        f"{base}/users?$top=10&$select=id,displayName,department,employeeHireDate,accountEnabled",
        f"{base}/users?$filter=accountEnabled eq false",
        f"{base}/users/{person['id']}",
        f"{base}/users/{person['userPrincipalName']}?$select=id,jobTitle&$expand=manager",
        f"{base}/users/{person['id']}/manager",
        f"{base}/users/{person['managerId']}/directReports",
        f"{base}/users/{person['id']}/mailboxSettings",
        f"{base}/groups/{group}/members?$select=id",
        f"{base}/users/00000000-0000-0000-0000-000000000000",
    ]
    for url in urls:
        httpx.get(url, timeout=30)
    link: str | None = f"{base}/users/delta()?$select=id,displayName,accountEnabled&$expand=manager"
    count = len(urls)
    graph.apply_manager_changes()
    while link:
        body = httpx.get(link, timeout=30).json()
        count += 1
        link = body.get("@odata.nextLink")
    items = [
        {"id": str(i), "method": "GET", "url": f"/users/{p['id']}/mailboxSettings"} for i, p in enumerate(people[:5])
    ]
    httpx.post(f"{base}/$batch", json={"requests": items}, timeout=30)
    return count + 1


def test_scripted_session_has_no_violations(graph: GraphEmulator) -> None:
    graph.switches(page_size=20)
    requests = scripted_session(graph)
    log = graph.log()
    assert log["http_round_trips"] == requests
    assert log["operations_total"] >= requests + 4
    assert graph.violations() == []


def test_a_body_that_breaks_the_description_is_a_400(graph: GraphEmulator) -> None:
    user = next(p["id"] for p in graph.tenant()["people"] if p["hasMailbox"])
    answer = httpx.post(f"{graph.base_url}/users/{user}/events", json={"subject": 5}, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalidRequest"
    assert graph.violations()[0]["kind"] == "request"


def test_the_checker_catches_a_broken_response(graph: GraphEmulator) -> None:
    """The same openapi-core check, run here: the real answer passes, a mangled copy fails."""
    with SPEC.open(encoding="utf-8") as handle:
        api = OpenAPI.from_dict(yaml.safe_load(handle))
    user = graph.tenant()["people"][1]["id"]
    real = httpx.get(f"{graph.base_url}/users/{user}", timeout=30).json()
    request = MockRequest("https://graph.microsoft.com", "get", f"/v1.0/users/{user}")

    def check(body: dict[str, Any]) -> None:
        api.validate_response(request, MockResponse(json.dumps(body).encode(), status_code=200))

    check(real)
    with pytest.raises(InvalidData):
        check({**real, "displayName": 5})
