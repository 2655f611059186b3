"""The installer's retries: a first attempt that fails is retried by the policy, sent once per attempt, counted once."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from shared.adapters.graph.retry import RetryStats
from shared.adapters.graph.teamwork import GraphTeamsInstaller, InstallRefused
from tests.unit.test_graph_mapping_raw_paging import POLICY, batching, client_for

pytestmark = pytest.mark.unit

Handler = Callable[[httpx.Request], httpx.Response]
CATALOG = {"value": [{"id": "org-app", "distributionMethod": "organization"}]}


def graph(failures: dict[tuple[str, str], list[int]], sent: Counter[tuple[str, str]]) -> Handler:
    """Teamwork for any user; ``failures`` gives the statuses answered first to (method, last path segment)."""

    def handler(request: httpx.Request) -> httpx.Response:
        key = (request.method, request.url.path.rsplit("/", 1)[-1])
        sent[key] += 1
        waiting = failures.get(key)
        if waiting:
            return httpx.Response(waiting.pop(0), headers={"Retry-After": "0"}, json={"error": {"code": "Busy"}})
        if key[1] == "teamsApps":
            return httpx.Response(200, json=CATALOG)
        if key == ("POST", "installedApps"):
            assert json.loads(request.content)["teamsApp@odata.bind"].endswith("/teamsApps/org-app")
            return httpx.Response(201, json={"id": "inst-1"})
        return httpx.Response(404, json={"error": {"code": "NotFound"}})  # the installer reads nothing else

    return batching(handler)


async def test_throttled_and_unavailable_first_attempts_are_retried_once_each_and_counted() -> None:
    sent: Counter[tuple[str, str]] = Counter()
    failures = {("GET", "teamsApps"): [429], ("POST", "installedApps"): [503, 429]}
    stats = RetryStats()
    installer = GraphTeamsInstaller(client_for(graph(failures, sent)), "manifest-id", policy=POLICY, stats=stats)
    await installer.install("u1")
    assert sent == {("GET", "teamsApps"): 2, ("POST", "installedApps"): 3}
    assert (stats.retries, stats.by_cause) == (3, Counter({"429": 2, "503": 1}))


async def test_an_install_throttled_on_every_attempt_stops_at_the_policy_bound() -> None:
    sent: Counter[tuple[str, str]] = Counter()
    failures = {("POST", "installedApps"): [429] * 10}
    stats = RetryStats()
    installer = GraphTeamsInstaller(client_for(graph(failures, sent)), "manifest-id", policy=POLICY, stats=stats)
    with pytest.raises(Exception) as raised:
        await installer.install("u1")
    assert getattr(raised.value, "response_status_code", None) == 429
    assert sent[("POST", "installedApps")] == POLICY.max_attempts and stats.retries == POLICY.max_attempts - 1


async def test_a_refusal_is_not_retried() -> None:
    sent: Counter[tuple[str, str]] = Counter()
    stats = RetryStats()
    failures = {("POST", "installedApps"): [403]}
    installer = GraphTeamsInstaller(client_for(graph(failures, sent)), "manifest-id", policy=POLICY, stats=stats)
    with pytest.raises(InstallRefused):
        await installer.install("u1")
    assert sent[("POST", "installedApps")] == 1 and stats.retries == 0
