"""getSchedule and doc-example replay against the emulator subprocess (OpenAPI validation enforced)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from devstack.reference_files import GRAPH_EXAMPLES
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract
EXAMPLES = GRAPH_EXAMPLES


def mailbox_people(graph: GraphEmulator) -> list[dict[str, Any]]:
    people = graph.tenant()["people"]
    users = [httpx.get(f"{graph.base_url}/users/{p['id']}/mailboxSettings") for p in people]
    return [p for p, r in zip(people, users, strict=True) if r.status_code == 200]


def window(graph: GraphEmulator, organizer: str, attendee_mail: str) -> dict[str, Any]:
    event = {
        "subject": "Growth conversation",
        "start": {"dateTime": "2027-03-01T09:00:00", "timeZone": "W. Europe Standard Time"},
        "end": {"dateTime": "2027-03-01T10:00:00", "timeZone": "W. Europe Standard Time"},
        "attendees": [{"emailAddress": {"address": attendee_mail}, "type": "required"}],
        "recurrence": {
            "pattern": {"type": "daily", "interval": 1},
            "range": {"type": "numbered", "startDate": "2027-03-01", "numberOfOccurrences": 2},
        },
    }
    resp = httpx.post(f"{graph.base_url}/users/{organizer}/events", json=event)
    assert resp.status_code == 201
    return dict(resp.json())


def test_get_schedule_expands_recurrence_and_reports_unknown_mailboxes(graph: GraphEmulator) -> None:
    boss, report = mailbox_people(graph)[:2]
    window(graph, boss["id"], report["mail"])
    body = {
        "schedules": [report["mail"], "ghost@contoso.example"],
        "startTime": {"dateTime": "2027-03-02T07:00:00", "timeZone": "UTC"},
        "endTime": {"dateTime": "2027-03-02T10:00:00", "timeZone": "UTC"},
        "availabilityViewInterval": 60,
    }
    resp = httpx.post(
        f"{graph.base_url}/users/{boss['id']}/calendar/getSchedule",
        json=body,
        headers={"Prefer": 'outlook.timezone="W. Europe Standard Time"'},
    )
    assert resp.status_code == 200
    known, ghost = resp.json()["value"]
    items = [i for i in known["scheduleItems"] if i["subject"] == "Growth conversation"]
    assert len(items) == 1
    assert items[0]["start"] == {"dateTime": "2027-03-02T09:00:00.0000000", "timeZone": "W. Europe Standard Time"}
    assert known["availabilityView"][1] == "1"  # the attendee has not answered: tentative, as in Exchange
    assert len(known["availabilityView"]) == 3
    assert known["workingHours"]["daysOfWeek"]
    assert ghost["error"]["responseCode"] and "Unable to resolve" in ghost["error"]["message"]
    assert "availabilityView" not in ghost
    graph_declines = httpx.post(
        f"{graph.root}/_emulator/respond", json={"user": report["id"], "event_id": "nope", "response": "declined"}
    )
    assert graph_declines.status_code == 404
    assert graph.violations() == []


def test_get_schedule_limits(graph: GraphEmulator) -> None:
    boss = mailbox_people(graph)[0]
    url = f"{graph.base_url}/users/{boss['id']}/calendar/getSchedule"
    span = {
        "startTime": {"dateTime": "2027-03-02T07:00:00", "timeZone": "UTC"},
        "endTime": {"dateTime": "2027-03-02T10:00:00", "timeZone": "UTC"},
    }
    too_many = httpx.post(url, json={"schedules": [f"p{i}@contoso.example" for i in range(21)], **span})
    assert too_many.status_code == 400
    assert too_many.json()["error"]["code"] == "ErrorMailboxDataArrayTooBig"
    bad_interval = httpx.post(url, json={"schedules": [boss["mail"]], "availabilityViewInterval": 2, **span})
    assert bad_interval.status_code == 400


def test_conflicting_busy_event_via_control_api_shows_in_free_busy(graph: GraphEmulator) -> None:
    boss = mailbox_people(graph)[0]
    busy = {
        "subject": "Dentist",
        "showAs": "oof",
        "start": {"dateTime": "2027-04-05T12:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2027-04-05T13:00:00", "timeZone": "UTC"},
    }
    assert httpx.post(f"{graph.root}/_emulator/calendar/{boss['id']}/events", json=busy).status_code == 201
    body = {
        "schedules": [boss["mail"]],
        "startTime": {"dateTime": "2027-04-05T11:00:00", "timeZone": "UTC"},
        "endTime": {"dateTime": "2027-04-05T14:00:00", "timeZone": "UTC"},
        "availabilityViewInterval": 60,
    }
    view = httpx.post(f"{graph.base_url}/users/{boss['id']}/calendar/getSchedule", json=body).json()["value"][0]
    assert view["availabilityView"][1] == "3"


def test_doc_example_create_recurring_event_replays(graph: GraphEmulator) -> None:
    example = json.loads((EXAMPLES / "user-post-events__create_event_recurring.json").read_text())
    boss = mailbox_people(graph)[0]
    resp = httpx.post(f"{graph.base_url}/users/{boss['id']}/events", json=example["request"]["body"])
    assert resp.status_code == example["response"]["status"]
    # The docs page spells one key 'OnlineMeeting'; Graph property names are case-insensitive.
    expected = {k.lower() for k in example["response"]["body"]} - {"@odata.context"}
    assert expected <= {k.lower() for k in resp.json()}
    assert resp.json()["recurrence"]["pattern"]["daysOfWeek"] == ["Monday"]
    assert graph.violations() == []


def test_doc_example_get_event_with_prefer_replays(graph: GraphEmulator) -> None:
    example = json.loads((EXAMPLES / "event-get__get_event.json").read_text())
    boss, report = mailbox_people(graph)[:2]
    event = window(graph, boss["id"], report["mail"])
    select = example["request"]["url"].split("$select=")[1]
    resp = httpx.get(
        f"{graph.base_url}/users/{boss['id']}/events/{event['id']}",
        params={"$select": select},
        headers=example["request"]["headers"],
    )
    assert resp.status_code == example["response"]["status"]
    assert resp.headers["Preference-Applied"] == example["response"]["headers"]["Preference-Applied"]
    assert set(resp.json()) - {"@odata.context", "@odata.etag"} <= set(example["response"]["body"]) | {"id"}
    assert resp.json()["start"]["timeZone"] == "Pacific Standard Time"
    assert graph.violations() == []
