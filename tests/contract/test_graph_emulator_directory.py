"""Graph emulator directory: paging, $select, $filter, $expand, 404s and users delta rounds."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract


def get(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=30)


def follow(url: str) -> tuple[list[dict[str, Any]], str, int]:
    """All items of a delta round, its deltaLink and the number of round trips."""
    items, trips = [], 0
    while True:
        body = get(url).json()
        trips += 1
        items += body["value"]
        if "@odata.deltaLink" in body:
            return items, body["@odata.deltaLink"], trips
        url = body["@odata.nextLink"]


def test_users_pages_with_next_links_and_select(graph: GraphEmulator) -> None:
    url, seen = f"{graph.base_url}/users?$top=25&$select=id,department", []
    while url:
        body = get(url).json()
        seen += body["value"]
        url = body.get("@odata.nextLink")
    assert len(seen) == len(graph.tenant()["people"]) == 60
    assert len({u["id"] for u in seen}) == 60
    assert all(set(u) == {"id", "department"} for u in seen)


def test_filter_select_expand_and_lookup_by_upn(graph: GraphEmulator) -> None:
    person = next(p for p in graph.tenant()["people"] if p["managerId"])
    by_upn = get(f"{graph.base_url}/users/{person['userPrincipalName']}?$expand=manager($select=id)").json()
    filtered = get(f"{graph.base_url}/users?$filter=department eq '{person['department']}'&$select=department").json()
    assert by_upn["id"] == person["id"]
    assert by_upn["manager"]["id"] == person["managerId"]
    assert filtered["value"] and all(u["department"] == person["department"] for u in filtered["value"])
    assert get(f"{graph.base_url}/users?$filter=bogus(x)").status_code == 400


def test_manager_reports_and_missing_things(graph: GraphEmulator) -> None:
    people = graph.tenant()["people"]
    person = next(p for p in people if p["managerId"])
    root = next(p for p in people if not p["managerId"])
    no_mailbox = [p for p in people if not p["hasMailbox"]]
    reports = get(f"{graph.base_url}/users/{person['managerId']}/directReports").json()["value"]
    assert get(f"{graph.base_url}/users/{person['id']}/manager").json()["id"] == person["managerId"]
    assert person["id"] in {r["id"] for r in reports}
    assert get(f"{graph.base_url}/users/{root['id']}/manager").status_code == 404
    missing = get(f"{graph.base_url}/users/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "Request_ResourceNotFound"
    assert get(f"{graph.base_url}/nowhere/at/all").json()["error"]["code"] == "ResourceNotFound"
    for person in no_mailbox:
        answer = get(f"{graph.base_url}/users/{person['id']}/mailboxSettings")
        assert (answer.status_code, answer.json()["error"]["code"]) == (404, "MailboxNotEnabledForRESTAPI")


def test_delta_rounds_report_changes_then_nothing(graph: GraphEmulator) -> None:
    graph.switches(page_size=7)
    first, delta_link, trips = follow(f"{graph.base_url}/users/delta()?$select=id,accountEnabled&$expand=manager")
    quiet, delta_link, quiet_trips = follow(delta_link)
    pending = graph.tenant()["pendingManagerChanges"]
    applied = graph.apply_manager_changes()
    victim = next(u["id"] for u in first if u["id"] not in {c["userId"] for c in applied})
    graph.disable_user(first[-1]["id"])
    graph.delete_user(victim)
    changes, _, _ = follow(delta_link)
    by_id = {c["id"]: c for c in changes}
    assert len(first) == 60 and trips == 9
    assert quiet == [] and quiet_trips == 1
    assert pending and len(applied) == len(pending)
    for change in applied:
        assert by_id[change["userId"]]["manager@delta"][0]["id"] == change["managerId"]
    assert by_id[first[-1]["id"]]["accountEnabled"] is False
    assert by_id[victim]["@removed"] == {"reason": "changed"}
    assert get(f"{graph.base_url}/users/{victim}").status_code == 404


def test_damaged_delta_token_is_a_400(graph: GraphEmulator) -> None:
    answer = get(f"{graph.base_url}/users/delta?$deltatoken=not-a-token")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] in {"InvalidDeltaToken", "InvalidSkipToken"}
