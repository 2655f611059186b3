"""The emulator's directory is as strict as Entra ID where WeGrow depends on it, over HTTP.

- users: mail, userPrincipalName and proxyAddresses as Graph returns them (user resource page);
- users delta: later rounds return the selected properties (current values, never-set ones left out), only the
  changed ones with `Prefer: return=minimal`, only users changed in a tracked property, and `manager@delta`
  only when the manager link changed (user-delta.md, delta-query-overview.md, directoryrole-delta.md);
- PATCH /users/{id} and the manager reference (user-update.md, user-post-manager.md, user-delete-manager.md);
- mailboxSettings with a customTimeZone pass through (user-get-mailboxsettings.md, example 3).

Most tests use the session emulator (validation enforced); the tenant-specific ones build an app in-process.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp.test_utils import TestClient, TestServer

from devstack.graph_emulator.app import build_app
from devstack.reference_files import GRAPH_EXAMPLES
from devstack.tenant import generate_tenant
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract

USER = "#microsoft.graph.user"
DEFAULT_USER_KEYS = {
    "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation",
    "preferredLanguage", "surname", "userPrincipalName", "id",
}  # fmt: skip
MINIMAL = {"Prefer": "return=minimal"}


def get(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=30)


def patch(graph: GraphEmulator, user_id: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.patch(f"{graph.base_url}/users/{user_id}", json=body, timeout=30)


def put_manager(graph: GraphEmulator, user_id: str, manager_id: str) -> httpx.Response:
    ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/users/{manager_id}"}
    return httpx.put(f"{graph.base_url}/users/{user_id}/manager/$ref", json=ref, timeout=30)


def delete_manager(graph: GraphEmulator, user_id: str) -> httpx.Response:
    return httpx.delete(f"{graph.base_url}/users/{user_id}/manager/$ref", timeout=30)


def follow(url: str, headers: dict[str, str] | None = None) -> tuple[dict[str, dict[str, Any]], str, httpx.Response]:
    """Every item of a delta round by id, its deltaLink, and the last response."""
    items: dict[str, dict[str, Any]] = {}
    while True:
        response = httpx.get(url, headers=headers or {}, timeout=30)
        assert response.status_code == 200, response.text
        body = response.json()
        items.update({item["id"]: item for item in body["value"]})
        if "@odata.deltaLink" in body:
            return items, body["@odata.deltaLink"], response
        url = body["@odata.nextLink"]


def real_violations(graph: GraphEmulator) -> list[dict[str, Any]]:
    """Every OpenAPI violation: a 204 (PATCH /users/{id}, as user-update.md documents) has no body to check."""
    return graph.violations()


def people_with_managers(graph: GraphEmulator) -> list[dict[str, Any]]:
    return [p for p in graph.tenant()["people"] if p["managerId"]]


# ---------------------------------------------------------------- users: mail, UPN, proxyAddresses


def test_default_properties_have_mail_and_upn_and_proxy_addresses_only_on_select(graph: GraphEmulator) -> None:
    person = graph.tenant()["people"][3]
    default = get(f"{graph.base_url}/users/{person['id']}").json()
    selected = get(f"{graph.base_url}/users/{person['id']}?$select=id,mail,userPrincipalName,proxyAddresses").json()
    assert set(default) - {"@odata.context"} == DEFAULT_USER_KEYS
    assert (default["mail"], default["userPrincipalName"]) == (person["mail"], person["userPrincipalName"])
    assert set(selected) - {"@odata.context"} == {"id", "mail", "userPrincipalName", "proxyAddresses"}
    assert selected["proxyAddresses"] == person["proxyAddresses"]  # [] when the tenant gives none
    assert isinstance(selected["proxyAddresses"], list)


# ---------------------------------------------------------------- users delta


def test_a_later_round_returns_the_selected_properties_and_leaves_out_never_set_ones(graph: GraphEmulator) -> None:
    changed = graph.tenant()["people"][4]
    first, link, _ = follow(f"{graph.base_url}/users/delta?$select=id,displayName,jobTitle,department,faxNumber")
    assert first[changed["id"]]["faxNumber"] is None  # the full round: every selected property, null if unset
    assert patch(graph, changed["id"], {"jobTitle": "Principal Gardener"}).status_code == 204
    later, _, _ = follow(link)
    assert later == {
        changed["id"]: {
            "id": changed["id"],
            "displayName": changed["displayName"],  # unchanged: the current value
            "jobTitle": "Principal Gardener",
            "department": changed["department"],
        }  # faxNumber was never set: not included
    }
    assert real_violations(graph) == []


def test_prefer_minimal_returns_only_what_changed_and_says_so(graph: GraphEmulator) -> None:
    people = graph.tenant()["people"]
    retitled, disabled = people[5], people[6]
    _, link, _ = follow(f"{graph.base_url}/users/delta?$select=id,displayName,jobTitle,accountEnabled")
    patch(graph, retitled["id"], {"jobTitle": "Head of Compost"})
    graph.disable_user(disabled["id"])
    minimal, _, response = follow(link, MINIMAL)
    default, _, plain = follow(link)
    assert minimal == {
        retitled["id"]: {"id": retitled["id"], "jobTitle": "Head of Compost"},
        disabled["id"]: {"id": disabled["id"], "accountEnabled": False},
    }
    assert response.headers["Preference-Applied"] == "return=minimal"
    assert "Preference-Applied" not in plain.headers
    assert set(default[retitled["id"]]) == {"id", "displayName", "jobTitle", "accountEnabled"}


def test_a_change_to_a_property_not_selected_does_not_surface_the_user(graph: GraphEmulator) -> None:
    person = graph.tenant()["people"][7]
    _, link, _ = follow(f"{graph.base_url}/users/delta?$select=id,displayName")
    patch(graph, person["id"], {"department": "Orchards"})
    quiet, _, _ = follow(link)
    patch(graph, person["id"], {"displayName": "Renamed Person"})
    loud, _, _ = follow(link)
    assert quiet == {}
    assert loud == {person["id"]: {"id": person["id"], "displayName": "Renamed Person"}}


def test_manager_delta_is_on_the_full_round_and_later_only_when_the_link_changed(graph: GraphEmulator) -> None:
    people = graph.tenant()["people"]
    root = next(p for p in people if not p["managerId"])
    renamed, moved, unlinked = people_with_managers(graph)[-3:]
    target = root if moved["managerId"] != root["id"] else renamed
    first, link, _ = follow(f"{graph.base_url}/users/delta()?$select=id,displayName&$expand=manager($select=id)")
    patch(graph, renamed["id"], {"displayName": "New Name"})
    assert put_manager(graph, moved["id"], target["id"]).status_code == 204
    assert delete_manager(graph, unlinked["id"]).status_code == 204
    later, _, _ = follow(link)
    minimal, _, _ = follow(link, MINIMAL)

    for person in people:
        links = [{"@odata.type": USER, "id": person["managerId"]}] if person["managerId"] else None
        assert first[person["id"]].get("manager@delta") == links
    assert set(later) == {renamed["id"], moved["id"], unlinked["id"]}
    assert "manager@delta" not in later[renamed["id"]]
    assert later[moved["id"]]["manager@delta"] == [{"@odata.type": USER, "id": target["id"]}]
    removed = {"@odata.type": USER, "id": unlinked["managerId"], "@removed": {"reason": "deleted"}}
    assert later[unlinked["id"]]["manager@delta"] == [removed]
    assert minimal[moved["id"]] == {"id": moved["id"], "manager@delta": [{"@odata.type": USER, "id": target["id"]}]}
    assert minimal[unlinked["id"]] == {"id": unlinked["id"], "manager@delta": [removed]}
    assert real_violations(graph) == []


def test_deleting_a_manager_removes_the_link_of_each_report(graph: GraphEmulator) -> None:
    people = graph.tenant()["people"]
    manager = next(p for p in people if p["managerId"] and any(q["managerId"] == p["id"] for q in people))
    reports = [p["id"] for p in people if p["managerId"] == manager["id"]]
    _, link, _ = follow(f"{graph.base_url}/users/delta?$select=id,displayName&$expand=manager")
    graph.delete_user(manager["id"])
    later, _, _ = follow(link, MINIMAL)
    removed = [{"@odata.type": USER, "id": manager["id"], "@removed": {"reason": "deleted"}}]
    assert later[manager["id"]] == {"@odata.type": USER, "id": manager["id"], "@removed": {"reason": "changed"}}
    assert {uid: later[uid] for uid in reports} == {uid: {"id": uid, "manager@delta": removed} for uid in reports}
    assert set(later) == {manager["id"], *reports}


def test_a_manager_change_is_not_tracked_unless_manager_is_selected_or_expanded(graph: GraphEmulator) -> None:
    person, other = people_with_managers(graph)[:2]
    _, link, _ = follow(f"{graph.base_url}/users/delta?$select=id,displayName")
    _, tracked_link, _ = follow(f"{graph.base_url}/users/delta?$select=id,manager")
    put_manager(graph, person["id"], other["id"])
    untracked, _, _ = follow(link)
    tracked, _, _ = follow(tracked_link)
    assert untracked == {}
    assert tracked == {person["id"]: {"id": person["id"], "manager@delta": [{"@odata.type": USER, "id": other["id"]}]}}


# ---------------------------------------------------------------- PATCH /users/{id}


def test_patch_answers_204_and_changes_only_the_given_properties(graph: GraphEmulator) -> None:
    person = graph.tenant()["people"][8]
    changes = {
        "jobTitle": "Seed Librarian",
        "department": "Seeds",
        "officeLocation": "Greenhouse 2",
        "employeeHireDate": "2021-03-01T00:00:00Z",
        "accountEnabled": False,
        "displayName": "Ada Seedkeeper",
    }
    answer = patch(graph, person["id"], changes)
    after = get(f"{graph.base_url}/users/{person['id']}?$select={','.join([*changes, 'mail', 'givenName'])}").json()
    assert (answer.status_code, answer.content) == (204, b"")
    assert {k: after[k] for k in changes} == changes
    assert (after["mail"], after["givenName"]) == (person["mail"], get_user(graph, person["id"])["givenName"])
    assert real_violations(graph) == []


def get_user(graph: GraphEmulator, user_id: str) -> dict[str, Any]:
    return dict(get(f"{graph.base_url}/users/{user_id}").json())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"proxyAddresses": ["SMTP:x@contoso.example"]}, "Property 'proxyAddresses' is read-only and cannot be set."),
        ({"id": "x"}, "Property 'id' is read-only and cannot be set."),
        ({"favouriteColour": "green"}, "Property 'favouriteColour' does not exist as a declared property"),
        ({"displayName": None}, "A value is required for property 'displayName' of resource 'User'."),
        ({"accountEnabled": "no"}, "Invalid value specified for property 'accountEnabled'"),
    ],
)
def test_patch_refuses_what_entra_refuses(graph: GraphEmulator, body: dict[str, Any], message: str) -> None:
    person = graph.tenant()["people"][9]
    before = get_user(graph, person["id"])
    answer = patch(graph, person["id"], body)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] in {"Request_BadRequest", "invalidRequest"}  # invalidRequest: the schema
    assert answer.json()["error"]["code"] == "invalidRequest" or message in answer.json()["error"]["message"]
    assert get_user(graph, person["id"]) == before


def test_patch_of_an_unknown_user_is_a_404(graph: GraphEmulator) -> None:
    answer = patch(graph, "00000000-0000-0000-0000-000000000000", {"jobTitle": "x"})
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "Request_ResourceNotFound")


def test_a_new_mail_becomes_the_primary_proxy_address(graph: GraphEmulator) -> None:
    person = graph.tenant()["people"][10]
    _, link, _ = follow(f"{graph.base_url}/users/delta?$select=id,mail,proxyAddresses")
    patch(graph, person["id"], {"mail": "new.address@contoso.example"})
    after = get(f"{graph.base_url}/users/{person['id']}?$select=mail,proxyAddresses").json()
    later, _, _ = follow(link, MINIMAL)
    old_primaries = [a for a in person["proxyAddresses"] if a.startswith("SMTP:")]
    assert after["mail"] == "new.address@contoso.example"
    assert after["proxyAddresses"][0] == "SMTP:new.address@contoso.example"
    assert all("smtp:" + a[5:] in after["proxyAddresses"] for a in old_primaries)
    assert later[person["id"]] == {"id": person["id"], "mail": after["mail"], "proxyAddresses": after["proxyAddresses"]}


def test_a_upn_change_is_unique_and_the_new_upn_resolves(graph: GraphEmulator) -> None:
    first, second = graph.tenant()["people"][11:13]
    taken = patch(graph, first["id"], {"userPrincipalName": second["userPrincipalName"]})
    moved = patch(graph, first["id"], {"userPrincipalName": "renamed.user@contoso.example"})
    assert taken.status_code == 400 and "already exists" in taken.json()["error"]["message"]
    assert moved.status_code == 204
    assert get(f"{graph.base_url}/users/renamed.user@contoso.example").json()["id"] == first["id"]
    assert get(f"{graph.base_url}/users/{first['userPrincipalName']}").status_code == 404


# ---------------------------------------------------------------- manager reference


def test_put_and_delete_the_manager_reference(graph: GraphEmulator) -> None:
    person, other = people_with_managers(graph)[:2]
    assert put_manager(graph, person["id"], other["id"]).status_code == 204
    manager = get(f"{graph.base_url}/users/{person['id']}/manager").json()
    reports = get(f"{graph.base_url}/users/{other['id']}/directReports?$select=id").json()["value"]
    assert manager["id"] == other["id"] and person["id"] in {r["id"] for r in reports}
    assert delete_manager(graph, person["id"]).status_code == 204
    assert get(f"{graph.base_url}/users/{person['id']}/manager").status_code == 404
    assert delete_manager(graph, person["id"]).status_code == 404
    assert real_violations(graph) == []


def test_a_bad_manager_reference_is_refused(graph: GraphEmulator) -> None:
    person = people_with_managers(graph)[0]
    url = f"{graph.base_url}/users/{person['id']}/manager/$ref"
    itself = put_manager(graph, person["id"], person["id"])
    nobody = put_manager(graph, person["id"], "00000000-0000-0000-0000-000000000000")
    garbled = httpx.put(url, json={"@odata.id": "not a url"}, timeout=30)
    assert (itself.status_code, itself.json()["error"]["code"]) == (400, "Request_BadRequest")
    assert (nobody.status_code, nobody.json()["error"]["code"]) == (404, "Request_ResourceNotFound")
    assert garbled.status_code == 400
    assert get(f"{graph.base_url}/users/{person['id']}/manager").json()["id"] == person["managerId"]


# ---------------------------------------------------------------- a tenant of our own (in-process)

CUSTOM_ZONE_EXAMPLE = "user-get-mailboxsettings__get_mailboxsettings_3.json"


def working_hours_example() -> dict[str, Any]:
    example = json.loads((GRAPH_EXAMPLES / CUSTOM_ZONE_EXAMPLE).read_text(encoding="utf-8"))
    body = dict(example["response"]["body"])
    body.pop("@odata.context")
    return body


@pytest.fixture
async def entra() -> AsyncIterator[tuple[TestClient[Any, Any], list[str]]]:
    """Users 1-4: mail != UPN with proxy addresses; none at all; a customTimeZone; IANA names; Windows names."""
    base = generate_tenant(8, 11)
    users = copy.deepcopy(base.users)
    settings = copy.deepcopy(base.mailbox_settings)
    ada, bare, custom, iana, windows = (u["id"] for u in users[1:6])
    users[1].update(mail="ada.lovelace@contoso.example", proxyAddresses=["SMTP:ada.lovelace@contoso.example",
                                                                          "smtp:ada@contoso.example"])  # fmt: skip
    users[2].pop("proxyAddresses", None)
    for user_id in (custom, iana, windows):
        settings.setdefault(user_id, copy.deepcopy(next(iter(base.mailbox_settings.values()))))
    settings[custom]["workingHours"] = working_hours_example()
    settings[iana].update(timeZone="Europe/Berlin")
    settings[iana]["workingHours"]["timeZone"] = {"name": "Europe/Berlin"}
    settings[windows].update(timeZone="W. Europe Standard Time")
    settings[windows]["workingHours"]["timeZone"] = {"name": "W. Europe Standard Time"}
    tenant = dataclasses.replace(base, users=users, mailbox_settings=settings)
    app = build_app(tenant=tenant, validation="enforce")
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client, [ada, bare, custom, iana, windows]


async def test_proxy_addresses_on_select_and_filter(entra: tuple[TestClient[Any, Any], list[str]]) -> None:
    client, (ada, bare, *_) = entra
    selected = await (await client.get("/v1.0/users", params={"$select": "id,mail,proxyAddresses"})).json()
    by_id = {u["id"]: u for u in selected["value"]}
    found = await client.get("/v1.0/users", params={"$filter": "proxyAddresses/any(p:p eq 'SMTP:ada@contoso.example')"})
    by_mail = await client.get("/v1.0/users", params={"$filter": "mail eq 'ada.lovelace@contoso.example'"})
    assert by_id[ada]["proxyAddresses"] == ["SMTP:ada.lovelace@contoso.example", "smtp:ada@contoso.example"]
    assert by_id[bare]["proxyAddresses"] == []  # not nullable: Graph answers [] when a user has none
    assert found.status == 200 and [u["id"] for u in (await found.json())["value"]] == [ada]
    assert [u["id"] for u in (await by_mail.json())["value"]] == [ada]
    assert (await (await client.get("/_emulator/violations")).json())["violations"] == []


async def test_mailbox_settings_pass_custom_iana_and_windows_zones_through(
    entra: tuple[TestClient[Any, Any], list[str]],
) -> None:
    client, (_, _, custom, iana, windows) = entra
    hours = await (await client.get(f"/v1.0/users/{custom}/mailboxSettings/workingHours")).json()
    settings = await (await client.get(f"/v1.0/users/{custom}/mailboxSettings")).json()
    zones = {}
    for user_id in (iana, windows):
        body = await (await client.get(f"/v1.0/users/{user_id}/mailboxSettings")).json()
        zones[user_id] = (body["timeZone"], body["workingHours"]["timeZone"])
    assert {k: v for k, v in hours.items() if k != "@odata.context"} == working_hours_example()
    assert hours["@odata.context"].endswith(f"users('{custom}')/mailboxSettings/workingHours")
    assert settings["workingHours"]["timeZone"]["@odata.type"] == "#microsoft.graph.customTimeZone"
    assert zones == {
        iana: ("Europe/Berlin", {"name": "Europe/Berlin"}),
        windows: ("W. Europe Standard Time", {"name": "W. Europe Standard Time"}),
    }


async def test_nothing_in_the_directory_chokes_on_a_custom_time_zone(
    entra: tuple[TestClient[Any, Any], list[str]],
) -> None:
    client, (_, _, custom, _, _) = entra
    mail = (await (await client.get(f"/v1.0/users/{custom}")).json())["mail"]  # getSchedule takes SMTP addresses
    answers = [
        await client.get("/v1.0/users/delta", params={"$expand": "manager"}),
        await client.get("/v1.0/users", params={"$expand": "manager"}),
        await client.get(f"/v1.0/users/{custom}", params={"$expand": "manager"}),
        await client.get("/_emulator/tenant"),
        await client.post(
            f"/v1.0/users/{custom}/calendar/getSchedule",
            json={
                "schedules": [mail],
                "startTime": {"dateTime": "2026-12-07T00:00:00", "timeZone": "UTC"},
                "endTime": {"dateTime": "2026-12-08T00:00:00", "timeZone": "UTC"},
            },
        ),
    ]
    assert [a.status for a in answers] == [200] * len(answers)
    schedule = (await answers[-1].json())["value"][0]
    assert schedule["workingHours"]["timeZone"] == working_hours_example()["timeZone"]
    assert (await (await client.get("/_emulator/violations")).json())["violations"] == []
