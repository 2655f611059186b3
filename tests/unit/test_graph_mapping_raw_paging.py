"""The raw-JSON requests on a real msgraph-sdk client: paging by @odata.nextLink, headers kept, errors as before."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.adapters.graph.calendar import GraphCalendar
from shared.adapters.graph.client import build_graph_client
from shared.adapters.graph.retry import RetryPolicy, RetryStats
from shared.adapters.graph.teamwork import GraphTeamsInstaller, InstallRefused
from shared.config import load_settings
from shared.domain.calendar import Response

pytestmark = pytest.mark.unit

BASE = "http://127.0.0.1:9/v1.0"
START = datetime(2030, 3, 4, tzinfo=UTC)


async def no_sleep(seconds: float) -> None:
    return None


POLICY = RetryPolicy(max_attempts=3, sleep=no_sleep)


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> Any:
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=BASE)
    return build_graph_client(settings, transport=httpx.MockTransport(handler))


def batching(handler: Callable[[httpx.Request], httpx.Response]) -> Callable[[httpx.Request], httpx.Response]:
    """``handler`` behind Graph's JSON ``$batch``: each item is answered by ``handler`` as if it came alone."""

    def answer(request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/$batch"):
            return handler(request)
        responses = []
        for item in json.loads(request.content)["requests"]:
            inner = httpx.Request(item["method"], BASE + item["url"], json=item.get("body"), headers=item["headers"])
            done = handler(inner)
            body = json.loads(done.content) if done.content else None
            headers = dict(done.headers)
            responses.append({"id": item["id"], "status": done.status_code, "headers": headers, "body": body})
        return httpx.Response(200, json={"responses": responses})

    return answer


def instance(event_id: str, hour: int) -> dict[str, Any]:
    start = {"dateTime": f"2030-03-04T{hour:02d}:00:00.0000000", "timeZone": "UTC"}
    end = {"dateTime": f"2030-03-04T{hour:02d}:30:00.0000000", "timeZone": "UTC"}
    attendee = {"emailAddress": {"address": "Ann@x.com"}, "status": {"response": "accepted"}}
    return {"id": event_id, "seriesMasterId": "m1", "start": start, "end": end, "attendees": [attendee]}


async def test_instances_follow_next_links_with_utc_times_asked_on_every_page() -> None:
    seen: list[httpx.Request] = []
    next_page = f"{BASE}/users/u1/events/m1/instances?$skiptoken=two"

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if "skiptoken" in str(request.url):
            return httpx.Response(200, json={"value": [instance("i2", 10)]})
        return httpx.Response(200, json={"value": [instance("i1", 9)], "@odata.nextLink": next_page})

    calendar = GraphCalendar(client_for(handler), policy=POLICY, stats=RetryStats())
    found = await calendar.occurrences("u1", "m1", START, START + timedelta(days=7))
    assert [(o.event_id, o.start.hour) for o in found] == [("i1", 9), ("i2", 10)]
    assert found[0].attendee_responses == {"ann@x.com": Response.ACCEPTED}
    assert str(seen[1].url) == next_page
    assert all(r.headers.get("prefer") == 'outlook.timezone="UTC"' for r in seen)
    assert seen[0].url.params["startDateTime"] == "2030-03-04T00:00:00Z"


async def test_a_page_that_is_not_a_json_object_is_a_clear_error() -> None:
    calendar = GraphCalendar(client_for(lambda r: httpx.Response(200, json=[1, 2])), policy=POLICY, stats=RetryStats())
    with pytest.raises(ValueError, match="event instances"):
        await calendar.occurrences("u1", "m1", START, START + timedelta(days=7))


async def test_a_throttled_get_schedule_is_retried_and_its_json_body_sent_as_graph_expects() -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        if len(bodies) == 1:
            return httpx.Response(429, headers={"Retry-After": "1"}, json={"error": {"code": "TooManyRequests"}})
        items = [{"status": "busy", "start": instance("x", 9)["start"], "end": instance("x", 9)["end"]}]
        error = {"message": "not found", "responseCode": "ErrorMailRecipientNotFound"}
        value = [{"scheduleId": "Ann@x.com", "scheduleItems": items}, {"scheduleId": "gone@x.com", "error": error}]
        return httpx.Response(200, json={"value": value})

    stats = RetryStats()
    calendar = GraphCalendar(client_for(handler), policy=POLICY, stats=stats)
    end = START + timedelta(days=1)
    busy = await calendar.busy_times("u1", ["ann@x.com", "gone@x.com"], START, end)
    assert [b.start.hour for b in busy["ann@x.com"]] == [9]
    assert [b.status for b in busy["gone@x.com"]] == ["unknown"]
    assert stats.throttled == 1 and bodies[0] == bodies[1]
    assert bodies[0]["startTime"] == {"dateTime": "2030-03-04T00:00:00", "timeZone": "UTC"}
    assert bodies[0]["schedules"] == ["ann@x.com", "gone@x.com"] and bodies[0]["availabilityViewInterval"] == 1440


async def test_an_install_answered_409_is_already_installed_and_nothing_more_is_read() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        sent.append(f"{request.method} {path.removeprefix('/v1.0')}")
        if path.endswith("/appCatalogs/teamsApps"):
            apps = [
                {"id": "store-app", "distributionMethod": "store"},
                {"id": "org-app", "distributionMethod": "organization"},
            ]
            return httpx.Response(200, json={"value": apps})
        if path.endswith("/installedApps") and request.method == "POST":
            assert json.loads(request.content)["teamsApp@odata.bind"].endswith("/teamsApps/org-app")
            return httpx.Response(409, json={"error": {"code": "Conflict"}})
        return httpx.Response(200, json={"value": [{"id": "inst-1"}]})

    installer = GraphTeamsInstaller(client_for(batching(handler)), "manifest-id", policy=POLICY, stats=RetryStats())
    assert await installer.install("u1") is None
    assert sent == ["GET /appCatalogs/teamsApps", "POST /users/u1/teamwork/installedApps"]


async def test_a_user_graph_refuses_or_does_not_know_is_an_install_refusal() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/appCatalogs/teamsApps"):
            return httpx.Response(200, json={"value": [{"id": "org-app", "distributionMethod": "organization"}]})
        if request.url.path.startswith("/v1.0/users/u2/"):
            return httpx.Response(403, json={"error": {"code": "Forbidden"}})
        if request.url.path.startswith("/v1.0/users/gone/"):
            return httpx.Response(404, json={"error": {"code": "NotFound"}})
        return httpx.Response(201, json={"id": "inst-1"})

    installer = GraphTeamsInstaller(client_for(batching(handler)), "manifest-id", policy=POLICY, stats=RetryStats())
    await installer.install("u1")
    with pytest.raises(InstallRefused) as unknown:
        await installer.install("gone")
    with pytest.raises(InstallRefused) as forbidden:
        await installer.install("u2")
    assert (unknown.value.status, forbidden.value.status) == (404, 403)
