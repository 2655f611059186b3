"""Graph emulator: throttling per mailbox, $batch rules, faults and latency switches."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract


def mailbox_user(graph: GraphEmulator) -> str:
    return next(p["id"] for p in graph.tenant()["people"] if p["hasMailbox"])


async def burst(url: str, count: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=30) as client:
        return list(await asyncio.gather(*(client.get(url) for _ in range(count))))


async def test_concurrent_requests_to_one_mailbox_never_exceed_the_limit(graph: GraphEmulator) -> None:
    user = mailbox_user(graph)
    graph.switches(throttle=True, throttle_concurrency=4, latency_ms=200)
    responses = await burst(f"{graph.base_url}/users/{user}/mailboxSettings", 12)
    statuses = sorted(r.status_code for r in responses)
    log = graph.log()
    assert set(statuses) == {200, 429}
    assert statuses.count(200) >= 4
    assert log["max_concurrency"][user] <= 4
    assert log["throttled"] == statuses.count(429)
    for response in responses:
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) >= 1
            assert response.json()["error"]["code"] == "ApplicationThrottled"


def test_requests_over_the_window_limit_get_429_with_retry_after(graph: GraphEmulator) -> None:
    user = mailbox_user(graph)
    graph.switches(throttle=True, throttle_requests=5, throttle_window_s=600)
    statuses = [httpx.get(f"{graph.base_url}/users/{user}/mailboxSettings").status_code for _ in range(5)]
    refused = httpx.get(f"{graph.base_url}/users/{user}/mailboxSettings")
    other = next(p["id"] for p in graph.tenant()["people"] if p["hasMailbox"] and p["id"] != user)
    assert statuses == [200] * 5
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 600
    assert "IncomingRequests" in refused.json()["error"]["message"]
    assert httpx.get(f"{graph.base_url}/users/{other}/mailboxSettings").status_code == 200


def test_batch_items_are_throttled_one_by_one_inside_a_200(graph: GraphEmulator) -> None:
    user = mailbox_user(graph)
    graph.switches(throttle=True, throttle_requests=5)
    items = [{"id": str(i), "method": "GET", "url": f"/users/{user}/mailboxSettings"} for i in range(20)]
    response = httpx.post(f"{graph.base_url}/$batch", json={"requests": items})
    statuses = [item["status"] for item in response.json()["responses"]]
    log = graph.log()
    assert response.status_code == 200
    assert statuses.count(200) == 5
    assert statuses.count(429) == 15
    assert all("Retry-After" in i["headers"] for i in response.json()["responses"] if i["status"] == 429)
    assert log["http_round_trips"] == 1
    assert log["inner_batch_requests"] == 20
    assert log["operations"]["GET /users/{id}/mailboxSettings"] == 20


def batch(graph: GraphEmulator, items: list[dict[str, Any]]) -> httpx.Response:
    return httpx.post(f"{graph.base_url}/$batch", json={"requests": items})


def test_batch_rejects_more_than_20_requests_and_duplicate_ids(graph: GraphEmulator) -> None:
    many = [{"id": str(i), "method": "GET", "url": "/users"} for i in range(21)]
    twice = [{"id": "a", "method": "GET", "url": "/users"}, {"id": "A", "method": "GET", "url": "/users"}]
    for response in (batch(graph, many), batch(graph, twice), batch(graph, [{"id": "1", "url": "/users"}])):
        assert response.status_code == 400
        assert set(response.json()["error"]) >= {"code", "message", "innerError"}


def test_batch_dependency_failure_gives_424_and_runs_in_order(graph: GraphEmulator) -> None:
    user = mailbox_user(graph)
    items = [
        {"id": "1", "method": "GET", "url": f"/users/{user}"},
        {"id": "2", "method": "GET", "url": "/users/no-such-user", "dependsOn": ["1"]},
        {"id": "3", "method": "GET", "url": f"users/{user}/mailboxSettings", "dependsOn": ["2"]},
    ]
    responses = {r["id"]: r for r in batch(graph, items).json()["responses"]}
    assert [responses[i]["status"] for i in "123"] == [200, 404, 424]
    assert responses["2"]["body"]["error"]["code"] == "Request_ResourceNotFound"


def test_fault_switch_answers_errors_or_drops_the_connection(graph: GraphEmulator) -> None:
    graph.switches(fault_rate=1.0, fault_seed=3)
    outcomes = []
    for _ in range(12):
        try:
            outcomes.append(httpx.get(f"{graph.base_url}/users?$top=1").status_code)
        except httpx.TransportError:
            outcomes.append(0)
    assert set(outcomes) <= {0, 429, 503, 504}
    assert graph.log()["faulted"] == 12
    graph.switches(fault_rate=0.0)
    assert httpx.get(f"{graph.base_url}/users?$top=1").status_code == 200


def test_unknown_switch_is_refused_and_reset_restores_defaults(graph: GraphEmulator) -> None:
    refused = httpx.post(f"{graph.root}/_emulator/switches", json={"no_such_switch": 1})
    graph.switches(latency_ms=5)
    graph.reset()
    assert refused.status_code == 400
    assert httpx.get(f"{graph.root}/_emulator/switches").json()["latency_ms"] == 0
