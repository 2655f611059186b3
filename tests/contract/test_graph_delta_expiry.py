"""An expired users-delta token (410 resyncRequired, 400 syncStateNotFound) restarts a full sync cleanly,
through the real msgraph-sdk on the Graph emulator; and sync_org treats whoever the full sync leaves out
as a leaver. Also: the adapter reports users without a mailbox (404) apart from failed look-ups."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.services.scheduling_records import PAIRS, PEOPLE, PEOPLE_PARTITION
from shared.services.sync_org import PAIR_CHANGED, sync_org
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract


def expire(graph: GraphEmulator, status: int, code: str) -> dict[str, Any]:
    response = httpx.post(f"{graph.root}/_emulator/delta/expire", json={"status": status, "code": code}, timeout=30)
    response.raise_for_status()
    return dict(response.json())


def refused(link: str) -> httpx.Response:
    return httpx.get(link, timeout=30)


@pytest.mark.parametrize(("status", "code"), [(410, "resyncRequired"), (400, "syncStateNotFound")])
async def test_an_expired_token_answers_like_graph_and_the_adapter_syncs_in_full(
    graph: GraphEmulator, status: int, code: str
) -> None:
    tenant = graph.tenant()["people"]
    async with adapters_for(graph.base_url) as adapters:
        first = await adapters.directory.delta(None)
        expire(graph, status, code)
        raw = refused(first.delta_token)
        assert raw.status_code == status and raw.json()["error"]["code"] == code
        restarted = await adapters.directory.delta(first.delta_token)
        after = await adapters.directory.delta(restarted.delta_token)
    assert first.full and restarted.full
    assert {p.id for p in restarted.people} == {p["id"] for p in tenant}
    assert (after.people, after.removed_ids, after.full) == ([], [], False)


async def test_a_skip_token_of_an_expired_round_restarts_too(graph: GraphEmulator) -> None:
    graph.switches(page_size=5)
    tenant = graph.tenant()["people"]
    async with adapters_for(graph.base_url) as adapters:
        first = await adapters.directory.delta(None)
        graph.disable_user(tenant[0]["id"])
        expire(graph, 410, "resyncRequired")
        restarted = await adapters.directory.delta(first.delta_token)
    assert restarted.full and len(restarted.people) == len(tenant)
    assert restarted.round_trips == 1 + -(-len(tenant) // 5)  # the refused request, then every page


def test_expire_rejects_a_status_or_code_graph_does_not_use(graph: GraphEmulator) -> None:
    response = httpx.post(f"{graph.root}/_emulator/delta/expire", json={"status": 500, "code": "x"}, timeout=30)
    assert response.status_code == 400


async def test_sync_org_after_expiry_closes_pairs_of_people_deleted_meanwhile(graph: GraphEmulator) -> None:
    tenant = graph.tenant()["people"]
    leaver = next(p for p in tenant if p.get("managerId"))
    store, queues = InMemoryStore(), InMemoryQueues()
    async with adapters_for(graph.base_url) as adapters:
        await sync_org(adapters.directory, store, queues)
        while queues.receive(PAIR_CHANGED, 32):
            pass
        graph.delete_user(leaver["id"])
        expire(graph, 410, "resyncRequired")
        summary = await sync_org(adapters.directory, store, queues)
        again = await sync_org(adapters.directory, store, queues)
    assert store.find(PEOPLE, PEOPLE_PARTITION, leaver["id"]) is None
    assert store.get(PAIRS, leaver["managerId"], leaver["id"]).data["closed"] == "leaver"
    assert {"kind": "leaver", "manager_id": leaver["managerId"], "report_id": leaver["id"]} in summary.events
    assert (again.round_trips, again.events) == (1, [])


async def test_mailbox_hours_name_the_users_without_a_mailbox(graph: GraphEmulator) -> None:
    tenant = graph.tenant()["people"]
    ids = [p["id"] for p in tenant]
    async with adapters_for(graph.base_url) as adapters:
        found = await adapters.directory.mailbox_hours(ids)
    assert set(found.no_mailbox) == {p["id"] for p in tenant if not p["hasMailbox"]}
    assert set(found.hours) == {p["id"] for p in tenant if p["hasMailbox"]}
    assert all("MailboxNotEnabledForRESTAPI" in why for why in found.no_mailbox.values())


def test_an_expired_token_is_refused_with_minimal_too_and_a_new_full_sync_tracks_properties(
    graph: GraphEmulator,
) -> None:
    person = graph.tenant()["people"][2]
    first = httpx.get(f"{graph.base_url}/users/delta?$select=id,jobTitle", timeout=30).json()["@odata.deltaLink"]
    expire(graph, 410, "resyncRequired")
    stale = httpx.get(first, headers={"Prefer": "return=minimal"}, timeout=30)
    fresh = httpx.get(f"{graph.base_url}/users/delta?$select=id,jobTitle", timeout=30).json()["@odata.deltaLink"]
    httpx.patch(f"{graph.base_url}/users/{person['id']}", json={"jobTitle": "Resynced"}, timeout=30)
    later = httpx.get(fresh, headers={"Prefer": "return=minimal"}, timeout=30).json()["value"]
    assert (stale.status_code, stale.json()["error"]["code"]) == (410, "resyncRequired")
    assert later == [{"id": person["id"], "jobTitle": "Resynced"}]
