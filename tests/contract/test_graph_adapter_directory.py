"""GraphDirectory through the real msgraph-sdk against the Graph emulator: delta paging, batched mailboxSettings."""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import pytest

from tests.contract.test_graph_adapter_support import adapters_for, count
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract


async def test_delta_pages_to_a_delta_link_then_an_unchanged_rerun_costs_one_round_trip(graph: GraphEmulator) -> None:
    graph.switches(page_size=7)
    tenant = graph.tenant()["people"]
    async with adapters_for(graph.base_url) as graph_adapters:
        first = await graph_adapters.directory.delta(None)
        graph.clear_log()
        again = await graph_adapters.directory.delta(first.delta_token)
    assert first.round_trips == math.ceil(len(tenant) / 7)
    assert {p.id for p in first.people} == {p["id"] for p in tenant}
    managers = {p["id"]: p["managerId"] for p in tenant}
    assert {p.id: p.applied_to(None).manager_id for p in first.people} == managers
    assert first.delta_token and first.removed_ids == []

    assert (again.people, again.removed_ids, again.round_trips) == ([], [], 1)
    assert graph.log()["http_round_trips"] == 1


async def test_delta_reports_disabled_and_removed_people(graph: GraphEmulator) -> None:
    tenant = graph.tenant()["people"]
    leaver, disabled = tenant[-1]["id"], tenant[-2]["id"]
    async with adapters_for(graph.base_url) as graph_adapters:
        first = await graph_adapters.directory.delta(None)
        graph.disable_user(disabled)
        graph.delete_user(leaver)
        second = await graph_adapters.directory.delta(first.delta_token)

    changed = {p.id: p for p in second.people}
    assert changed[disabled].values == {"account_enabled": False}  # only what changed
    assert leaver in second.removed_ids and leaver not in changed


async def test_working_hours_come_through_batches_of_twenty(graph: GraphEmulator) -> None:
    tenant = graph.tenant()["people"]
    ids = [p["id"] for p in tenant]
    async with adapters_for(graph.base_url) as graph_adapters:
        graph.clear_log()
        hours = await graph_adapters.directory.working_hours(ids)

    log = graph.log()
    assert count(log, "POST /$batch") == math.ceil(len(ids) / 20)
    assert log["http_round_trips"] == math.ceil(len(ids) / 20)
    assert set(hours) == {p["id"] for p in tenant if p["hasMailbox"]}
    for person_hours in hours.values():
        assert ZoneInfo(person_hours.time_zone)  # an IANA zone zoneinfo can load
        assert person_hours.start < person_hours.end
