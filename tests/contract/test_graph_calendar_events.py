"""Graph emulator events: create/get/patch/delete/cancel, recurrence instances, calendarView, extended properties."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from devstack.graph_emulator import calendar as calendar_feature
from devstack.graph_emulator.errors import GraphError
from devstack.graph_emulator.state import EmulatorState
from devstack.tenant import generate_tenant

pytestmark = pytest.mark.contract
PROP = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name WeGrowSeries"


@web.middleware
async def graph_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except GraphError as exc:
        return exc.response()


@pytest.fixture
async def cal() -> AsyncIterator[tuple[TestClient, EmulatorState]]:
    state = EmulatorState(generate_tenant(20, seed=7, anchor=date(2026, 11, 23)))
    state.load_core()
    app = web.Application(middlewares=[graph_errors])
    calendar_feature.setup(app, state)
    calendar_feature.load_tenant(state, state.tenant)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client, state


def people(state: EmulatorState) -> tuple[dict[str, Any], dict[str, Any]]:
    boss = next(u for u in state.tenant.users if u["id"] in state.mailbox_settings and state.direct_reports(u["id"]))
    report = next(state.users[r] for r in state.direct_reports(boss["id"]) if r in state.mailbox_settings)
    return boss, report


async def all_pages(client: TestClient, url: str, params: dict[str, str]) -> list[dict[str, Any]]:
    """Follow @odata.nextLink to the end (the link keeps the window)."""
    resp = await client.get(url, params=params)
    body = await resp.json()
    items = list(body["value"])
    while "@odata.nextLink" in body:
        body = await (await client.get(URL(body["@odata.nextLink"]).path_qs)).json()
        items.extend(body["value"])
    return items


def weekly_event(report: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "subject": "Growth conversation",
        "start": {"dateTime": "2027-03-01T09:00:00", "timeZone": "Pacific Standard Time"},
        "end": {"dateTime": "2027-03-01T09:30:00", "timeZone": "Pacific Standard Time"},
        "attendees": [{"emailAddress": {"address": report["mail"]}, "type": "required"}],
        "recurrence": {
            "pattern": {"type": "weekly", "interval": 2, "daysOfWeek": ["monday"]},
            "range": {"type": "numbered", "startDate": "2027-03-01", "numberOfOccurrences": 6},
        },
        "isOnlineMeeting": True,
        "onlineMeetingProvider": "teamsForBusiness",
        "singleValueExtendedProperties": [{"id": PROP, "value": "series-1"}],
        **extra,
    }


async def test_create_recurring_meeting_appears_for_organizer_and_attendee(
    cal: tuple[TestClient, EmulatorState],
) -> None:
    client, state = cal
    boss, report = people(state)
    resp = await client.post(f"/v1.0/users/{boss['id']}/events", json=weekly_event(report))
    assert resp.status == 201
    event = await resp.json()
    assert event["type"] == "seriesMaster"
    assert event["organizer"]["emailAddress"]["address"] == boss["mail"]
    assert event["onlineMeeting"]["joinUrl"].startswith("https://teams.microsoft.com/")
    assert "singleValueExtendedProperties" not in event
    assert event["attendees"][0]["status"]["response"] == "none"
    view = await all_pages(
        client,
        f"/v1.0/users/{report['userPrincipalName']}/calendarView",
        {"startDateTime": "2027-03-01T00:00:00Z", "endDateTime": "2027-03-31T00:00:00Z"},
    )
    assert [e["start"]["dateTime"] for e in view] == sorted(e["start"]["dateTime"] for e in view)
    by_uid = {"$filter": f"iCalUId eq '{event['iCalUId']}'"}
    (copy,) = await all_pages(client, f"/v1.0/users/{report['id']}/events", by_uid)  # instances: own iCalUIds
    mine = [e for e in view if e.get("seriesMasterId") == copy["id"]]
    assert len(mine) == 3
    assert {e["responseStatus"]["response"] for e in mine} == {"none"}
    assert {e["showAs"] for e in mine} == {"tentative"}  # an unanswered invitation, as in Exchange
    assert [e["start"]["dateTime"][:16] for e in mine] == ["2027-03-01T17:00", "2027-03-15T16:00", "2027-03-29T16:00"]


async def test_instances_respect_dst_and_prefer_timezone(cal: tuple[TestClient, EmulatorState]) -> None:
    client, state = cal
    boss, report = people(state)
    event = await (await client.post(f"/v1.0/users/{boss['id']}/events", json=weekly_event(report))).json()
    resp = await client.get(
        f"/v1.0/users/{boss['id']}/events/{event['id']}/instances",
        params={"startDateTime": "2027-03-01T00:00:00Z", "endDateTime": "2027-06-01T00:00:00Z"},
        headers={"Prefer": 'outlook.timezone="Pacific Standard Time"'},
    )
    body = await resp.json()
    assert resp.headers["Preference-Applied"] == 'outlook.timezone="Pacific Standard Time"'
    starts = [e["start"] for e in body["value"]]
    assert len(starts) == 6
    assert {s["dateTime"][11:19] for s in starts} == {"09:00:00"}
    assert {s["timeZone"] for s in starts} == {"Pacific Standard Time"}
    assert {e["type"] for e in body["value"]} == {"occurrence"}
    assert {e["seriesMasterId"] for e in body["value"]} == {event["id"]}


async def test_patch_instance_makes_exception_and_delete_removes_one(cal: tuple[TestClient, EmulatorState]) -> None:
    client, state = cal
    boss, report = people(state)
    event = await (await client.post(f"/v1.0/users/{boss['id']}/events", json=weekly_event(report))).json()
    window = {"startDateTime": "2027-03-01T00:00:00Z", "endDateTime": "2027-06-01T00:00:00Z"}
    url = f"/v1.0/users/{boss['id']}/events/{event['id']}/instances"
    first, second, *_ = (await (await client.get(url, params=window)).json())["value"]
    moved = {
        "start": {"dateTime": "2027-03-02T10:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2027-03-02T10:30:00", "timeZone": "UTC"},
    }
    patched = await client.patch(f"/v1.0/users/{boss['id']}/events/{first['id']}", json=moved)
    assert (await patched.json())["type"] == "exception"
    assert (await client.delete(f"/v1.0/users/{boss['id']}/events/{second['id']}")).status == 204
    after = (await (await client.get(url, params=window)).json())["value"]
    assert [e["id"] for e in after][:1] == [first["id"]]
    assert second["id"] not in {e["id"] for e in after}
    assert len(after) == 5
    assert after[0]["start"]["dateTime"].startswith("2027-03-02T10:00")
    gone = await client.get(f"/v1.0/users/{boss['id']}/events/{second['id']}")
    assert gone.status == 404
    assert (await gone.json())["error"]["code"] == "ErrorItemNotFound"


async def test_filter_and_expand_extended_property(cal: tuple[TestClient, EmulatorState]) -> None:
    client, state = cal
    boss, report = people(state)
    event = await (await client.post(f"/v1.0/users/{boss['id']}/events", json=weekly_event(report))).json()
    found = await client.get(
        f"/v1.0/users/{boss['id']}/events",
        params={"$filter": f"singleValueExtendedProperties/any(ep: ep/id eq '{PROP}' and ep/value eq 'series-1')"},
    )
    assert [e["id"] for e in (await found.json())["value"]] == [event["id"]]
    none = await client.get(
        f"/v1.0/users/{boss['id']}/events",
        params={"$filter": f"singleValueExtendedProperties/any(ep: ep/id eq '{PROP}' and ep/value eq 'other')"},
    )
    assert (await none.json())["value"] == []
    got = await client.get(
        f"/v1.0/users/{boss['id']}/events/{event['id']}",
        params={"$select": "subject", "$expand": f"singleValueExtendedProperties($filter=id eq '{PROP}')"},
    )
    body = await got.json()
    assert body["singleValueExtendedProperties"] == [{"id": PROP, "value": "series-1"}]
    assert "start" not in body
    assert body["subject"] == "Growth conversation"


async def test_cancel_removes_the_meeting_for_attendees(cal: tuple[TestClient, EmulatorState]) -> None:
    client, state = cal
    boss, report = people(state)
    event = await (await client.post(f"/v1.0/users/{boss['id']}/events", json=weekly_event(report))).json()
    resp = await client.post(f"/v1.0/users/{boss['id']}/events/{event['id']}/cancel", json={"comment": "moving"})
    assert resp.status == 202
    view = await all_pages(
        client,
        f"/v1.0/users/{report['id']}/calendarView",
        {"startDateTime": "2027-03-01T00:00:00Z", "endDateTime": "2027-03-31T00:00:00Z"},
    )
    assert view
    assert event["iCalUId"] not in {e["iCalUId"] for e in view}
    by_uid = {"$filter": f"iCalUId eq '{event['iCalUId']}'"}
    assert await all_pages(client, f"/v1.0/users/{report['id']}/events", by_uid) == []


async def test_attendee_response_via_control_api(cal: tuple[TestClient, EmulatorState]) -> None:
    client, state = cal
    boss, report = people(state)
    event = await (await client.post(f"/v1.0/users/{boss['id']}/events", json=weekly_event(report))).json()
    window = {"startDateTime": "2027-03-01T00:00:00Z", "endDateTime": "2027-06-01T00:00:00Z"}
    occurrences = (
        await (await client.get(f"/v1.0/users/{boss['id']}/events/{event['id']}/instances", params=window)).json()
    )["value"]
    resp = await client.post(
        "/_emulator/respond",
        json={"user": report["userPrincipalName"], "event_id": occurrences[1]["id"], "response": "declined"},
    )
    assert resp.status == 200
    again = (
        await (await client.get(f"/v1.0/users/{boss['id']}/events/{event['id']}/instances", params=window)).json()
    )["value"]
    assert [o["attendees"][0]["status"]["response"] for o in again[:3]] == ["none", "declined", "none"]
    await client.post(
        "/_emulator/respond", json={"user": report["id"], "event_id": event["id"], "response": "accepted"}
    )
    master = await (await client.get(f"/v1.0/users/{boss['id']}/events/{event['id']}")).json()
    assert master["attendees"][0]["status"]["response"] == "accepted"


async def test_bad_bodies_and_unknown_ids(cal: tuple[TestClient, EmulatorState]) -> None:
    client, state = cal
    boss, report = people(state)
    bad = weekly_event(
        report, recurrence={"pattern": {"type": "weekly", "interval": 1}, "range": {"startDate": "2027-03-01"}}
    )
    resp = await client.post(f"/v1.0/users/{boss['id']}/events", json=bad)
    assert resp.status == 400
    assert "daysOfWeek" in (await resp.json())["error"]["message"]
    zone = weekly_event(report, start={"dateTime": "2027-03-01T09:00:00", "timeZone": "Mars/Olympus"})
    refused = await client.post(f"/v1.0/users/{boss['id']}/events", json=zone)
    assert refused.status == 400
    assert (await refused.json())["error"]["code"] == "TimeZoneNotSupportedException"
    assert (await client.get(f"/v1.0/users/{boss['id']}/events/nope")).status == 404
    assert (await client.get("/v1.0/users/nobody@contoso.example/events")).status == 404
    view = await client.get(f"/v1.0/users/{boss['id']}/calendarView")
    assert view.status == 400
