"""Tenant files (devstack/tenant_file.py): dump and load round-trip, the emulator serves a loaded tenant
(``--tenant``, ``POST /_emulator/tenant``), and a file Graph could not hold is refused with every problem named.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devstack.graph_emulator import serve_in_thread
from devstack.graph_emulator.server import RunningEmulator
from devstack.tenant import generate_tenant
from devstack.tenant_data import CUSTOM_ZONE
from devstack.tenant_file import TenantFileError, dump_text, from_file, read_tenant, to_file
from tests.fixtures.graph import REPO, start_emulator, stop_emulator

pytestmark = pytest.mark.contract
ANCHOR = date(2026, 11, 23)
BOSS, REPORT, NO_MAILBOX = (f"00000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))
PILOT, TEAM = "00000000-0000-4000-8000-0000000000aa", "00000000-0000-4000-8000-0000000000bb"


def hours(zone: dict[str, Any], days: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday")) -> Any:
    return {"daysOfWeek": list(days), "startTime": "09:00:00.0000000", "endTime": "17:00:00.0000000", "timeZone": zone}


def small_tenant() -> dict[str, Any]:
    """Written by hand: a manager in Israel (Sunday to Thursday), a report in a custom zone whose UPN is not their
    mail, and a user without a mailbox. No seed, no anchor: the anchor is the Monday of the first event."""
    israel = {"name": "Israel Standard Time"}
    return {
        "users": [
            {"id": BOSS, "displayName": "Ada Boss", "userPrincipalName": "ada@contoso.example",
             "mail": "ada@contoso.example", "proxyAddresses": ["SMTP:ada@contoso.example"], "managerId": None,
             "mailboxSettings": {"timeZone": "Israel Standard Time",
                                 "workingHours": hours(israel, ("sunday", "monday", "tuesday", "wednesday"))}},
            {"id": REPORT, "displayName": "Ben Report", "userPrincipalName": "e100002@contoso.example",
             "mail": "ben@contoso.example", "proxyAddresses": ["SMTP:ben@contoso.example", "smtp:bee@contoso.example"],
             "managerId": BOSS,
             "mailboxSettings": {"timeZone": "Customized Time Zone", "workingHours": hours(CUSTOM_ZONE)}},
            {"id": NO_MAILBOX, "displayName": "Cy Contractor", "userPrincipalName": "cy@contoso.onmicrosoft.com",
             "managerId": BOSS, "mailboxSettings": None},
        ],
        "groups": [{"id": PILOT, "displayName": "Pilot", "members": [BOSS, REPORT]}],
        "events": [
            {"organizer": BOSS, "event": {
                "subject": "1:1 Ada / Ben", "showAs": "busy",
                "start": {"dateTime": "2026-11-24T10:00:00", "timeZone": "Israel Standard Time"},
                "end": {"dateTime": "2026-11-24T10:30:00", "timeZone": "Israel Standard Time"},
                "attendees": [{"emailAddress": {"address": "bee@contoso.example", "name": "Ben"},
                               "type": "required"}]}},
        ],
    }  # fmt: skip


@settings(max_examples=10, deadline=None)
@given(people=st.integers(min_value=1, max_value=250), seed=st.integers(min_value=0, max_value=2**32))
def test_dump_then_load_gives_back_the_same_tenant_and_the_same_text(people: int, seed: int) -> None:
    tenant = generate_tenant(people, seed, anchor=ANCHOR)
    text = dump_text(tenant)
    loaded = from_file(json.loads(text))
    assert loaded == tenant
    assert dump_text(loaded) == text


def test_a_hand_written_file_loads_with_the_anchor_of_its_first_event() -> None:
    tenant = from_file(small_tenant())
    assert tenant.seed is None and tenant.anchor == ANCHOR
    assert tenant.managers == {REPORT: BOSS, NO_MAILBOX: BOSS}
    assert set(tenant.mailbox_settings) == {BOSS, REPORT}
    assert tenant.group_members == {PILOT: [BOSS, REPORT]}
    assert from_file(to_file(tenant)) == tenant


def test_groups_nest_and_may_loop_as_in_entra() -> None:
    doc = small_tenant()
    doc["groups"] = [{"id": PILOT, "displayName": "Pilot", "members": [BOSS, TEAM]},
                     {"id": TEAM, "displayName": "Team", "members": [REPORT, NO_MAILBOX, PILOT]}]  # fmt: skip
    tenant = from_file(doc)
    assert tenant.group_members == {PILOT: [BOSS, TEAM], TEAM: [REPORT, NO_MAILBOX, PILOT]}
    assert from_file(to_file(tenant)) == tenant
    without = small_tenant()
    del without["groups"]
    assert from_file(without).groups == {}  # groups are optional


def test_the_generated_tenant_nests_a_team_group_in_the_pilot() -> None:
    tenant = generate_tenant(30, 7, anchor=ANCHOR)
    pilot = next(g for g, body in tenant.groups.items() if body["displayName"] == "WeGrow pilot")
    team = next(m for m in tenant.group_members[pilot] if m in tenant.groups)
    people = {u["id"] for u in tenant.users}
    assert tenant.group_members[team] and set(tenant.group_members[team]) <= people
    again = generate_tenant(30, 7, anchor=ANCHOR)
    assert again.groups == tenant.groups and again.group_members == tenant.group_members


def broken(change: Any) -> dict[str, Any]:
    doc = small_tenant()
    change(doc)
    return doc


def _set(path: list[Any], value: Any) -> Any:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


BROKEN = {
    "unknown managerId": (_set(["users", 1, "managerId"], "nobody"), "users[1]: managerId 'nobody' is not a user"),
    "duplicate id": (_set(["users", 2, "id"], BOSS), f"users[2]: duplicate id '{BOSS}' (also users[0])"),
    "missing displayName": (_set(["users", 0, "displayName"], KeyError), "users[0]: 'displayName' is required"),
    "missing mailboxSettings": (_set(["users", 2, "mailboxSettings"], KeyError),
                                "users[2]: 'mailboxSettings' is required"),
    "organiser without a mailbox": (_set(["events", 0, "organizer"], NO_MAILBOX),
                                    f"events[0]: organizer '{NO_MAILBOX}' (users[2]) has no mailbox"),
    "unknown organiser": (_set(["events", 0, "organizer"], "ghost"), "events[0]: organizer 'ghost' is not a user"),
    "custom zone in an event": (_set(["events", 0, "event", "start", "timeZone"], "Customized Time Zone"),
                                "events[0].event: start.timeZone: unknown time zone 'Customized Time Zone'"),
    "end before start": (_set(["events", 0, "event", "end", "dateTime"], "2026-11-24T09:00:00"),
                         "events[0].event: end is before start"),
    "address on two users": (_set(["users", 0, "proxyAddresses"],
                                  ["SMTP:ada@contoso.example", "smtp:bee@contoso.example"]),
                             "users[1]: address 'bee@contoso.example' is already users[0]'s"),
    "primary proxy is not the mail": (_set(["users", 0, "proxyAddresses"], ["SMTP:other@contoso.example"]),
                                      "users[0]: primary proxy address 'SMTP:other@contoso.example' differs from mail"),
    "mailbox without mail": (_set(["users", 1, "mail"], None), "users[1]: has a mailbox (mailboxSettings) but no mail"),
    "unknown zone": (_set(["users", 0, "mailboxSettings", "workingHours", "timeZone", "name"], "Mars Standard Time"),
                     "users[0].mailboxSettings.workingHours.timeZone.name: unknown time zone 'Mars Standard Time'"),
    "hours backwards": (_set(["users", 0, "mailboxSettings", "workingHours", "endTime"], "08:00:00.0000000"),
                        "users[0].mailboxSettings.workingHours: startTime"),
    "bad day": (_set(["users", 0, "mailboxSettings", "workingHours", "daysOfWeek"], ["funday"]),
                "users[0].mailboxSettings.workingHours.daysOfWeek"),
    "manager cycle": (_set(["users", 0, "managerId"], REPORT), "managerId makes a cycle (2 people manage each other)"),
    "unknown group member": (_set(["groups", 0, "members"], [BOSS, "ghost"]),
                             "groups[0]: members not in the file: ghost"),
    "group in itself": (_set(["groups", 0, "members"], [BOSS, PILOT]),
                        "groups[0]: a group cannot be a member of itself"),
    "group id not a GUID": (_set(["groups", 0, "id"], "pilot"), "groups[0]: id 'pilot' is not an object id (a GUID)"),
    "member twice": (_set(["groups", 0, "members"], [BOSS, BOSS]), f"groups[0]: members listed twice: {BOSS}"),
    "bad recurrence": (_set(["events", 0, "event", "recurrence"], {"pattern": {"type": "hourly"}, "range": {}}),
                       "events[0].event: recurrence:"),
    "no users": (_set(["users"], KeyError), "'users' must be a list (it is required)"),
    "unknown key": (_set(["people"], []), "unknown top-level key 'people'"),
}  # fmt: skip


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_is_refused_naming_the_user_or_event(name: str) -> None:
    change, expected = BROKEN[name]
    with pytest.raises(TenantFileError) as refused:
        from_file(broken(change))
    assert any(expected in problem for problem in refused.value.problems), refused.value.problems


def test_every_problem_is_listed_not_just_the_first() -> None:
    doc = broken(_set(["users", 1, "managerId"], "nobody"))
    doc["events"][0]["organizer"] = NO_MAILBOX
    with pytest.raises(TenantFileError) as refused:
        from_file(doc)
    assert len(refused.value.problems) == 2
    assert str(refused.value).startswith("tenant file: 2 problem(s):")


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    running = serve_in_thread(people=20, seed=3, validation="enforce")
    try:
        yield running
    finally:
        running.stop()


def call(running: RunningEmulator, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{running.root}{path}", timeout=30, **kwargs)


def test_post_tenant_replaces_the_tenant_and_reseeds_like_reset(emulator: RunningEmulator) -> None:
    call(emulator, "POST", "/_emulator/switches", json={"latency_ms": 1})
    answer = call(emulator, "POST", "/_emulator/tenant", json=small_tenant())
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"loaded": True, "people": 3, "events": 1}
    assert call(emulator, "GET", "/_emulator/switches").json()["latency_ms"] == 0
    users = call(emulator, "GET", "/v1.0/users").json()["value"]
    assert {u["id"] for u in users} == {BOSS, REPORT, NO_MAILBOX}
    working = call(emulator, "GET", f"/v1.0/users/{REPORT}/mailboxSettings/workingHours").json()
    assert working["timeZone"]["@odata.type"] == "#microsoft.graph.customTimeZone"
    assert call(emulator, "GET", f"/v1.0/users/{NO_MAILBOX}/mailboxSettings").status_code == 404
    window = {"startDateTime": "2026-11-23T00:00:00Z", "endDateTime": "2026-11-30T00:00:00Z"}
    for who in (BOSS, REPORT):  # the organiser's event, and the attendee's copy (found by a proxy address)
        seen = call(emulator, "GET", f"/v1.0/users/{who}/calendarView", params=window).json()["value"]
        assert [e["subject"] for e in seen] == ["1:1 Ada / Ben"]
    call(emulator, "POST", "/_emulator/reset")
    assert call(emulator, "GET", "/_emulator/tenant/file").json() == json.loads(json.dumps(small_tenant())) | {
        "seed": None,
        "anchor": "2026-11-23",
        "pendingManagerChanges": [],
    }
    assert call(emulator, "GET", "/_emulator/tenant").json()["people"][1]["timeZone"] == "Customized Time Zone"


def test_post_tenant_refuses_a_broken_file_and_keeps_the_tenant(emulator: RunningEmulator) -> None:
    before = call(emulator, "GET", "/_emulator/tenant/file").json()
    doc = broken(_set(["events", 0, "organizer"], NO_MAILBOX))
    answer = call(emulator, "POST", "/_emulator/tenant", json=doc)
    assert answer.status_code == 400
    assert answer.json()["problems"] == [f"events[0]: organizer '{NO_MAILBOX}' (users[2]) has no mailbox"]
    assert call(emulator, "POST", "/_emulator/tenant", content=b"{not json").status_code == 400
    assert call(emulator, "GET", "/_emulator/tenant/file").json() == before


def test_dump_tenant_writes_a_file_the_emulator_serves(tmp_path: Path) -> None:
    path = tmp_path / "tenant.json"
    command = [sys.executable, "-m", "devstack.graph_emulator", "--people", "40", "--seed", "5",
               "--anchor", "2026-11-23", "--dump-tenant", str(path)]  # fmt: skip
    subprocess.run(command, cwd=REPO, check=True, timeout=60)
    to_stdout = subprocess.run([*command[:-1], "-"], cwd=REPO, check=True, timeout=60, capture_output=True, text=True)
    assert to_stdout.stdout == path.read_text(encoding="utf-8") == dump_text(generate_tenant(40, 5, anchor=ANCHOR))
    emulator = start_emulator(tenant_file=path)
    try:
        served = httpx.get(f"{emulator.root}/_emulator/tenant/file", timeout=30).json()
        assert from_file(served) == read_tenant(path)
        assert emulator.tenant()["seed"] == 5 and len(emulator.tenant()["people"]) == 40
    finally:
        stop_emulator(emulator.process)


def test_the_cli_refuses_a_broken_file_with_each_problem_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    doc = copy.deepcopy(small_tenant())
    doc["users"][1]["managerId"] = "nobody"
    path.write_text(json.dumps(doc), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "devstack.graph_emulator", "--tenant", str(path)], cwd=REPO,
                          timeout=60, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "ready" not in done.stdout
    assert "users[1]: managerId 'nobody' is not a user in the file" in done.stderr
