"""Pilot scope through the real stack: a tenant file with a pilot group (people and a nested team group) loaded
into its own Graph emulator (``--tenant``), msgraph-sdk adapters, Azurite tables and queues. Only pairs whose
manager and report are both (transitive) members of the pilot group get a series; the rest are counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from devstack.tenant import generate_tenant
from devstack.tenant_file import write_tenant
from shared.adapters.config_file import load_company_config
from shared.services.pilot_scope import PilotConfig
from shared.services.plan_cycle import cadence_planner, plan_cycle
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import CycleSummary, drain
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES
from shared.services.sync_org import sync_org
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator, start_emulator, stop_emulator

pytestmark = pytest.mark.integration
PEOPLE, SEED = 40, 11
MISSING_GROUP = "00000000-0000-4000-8000-0000000000ff"


@pytest.fixture
def pilot_emulator(tmp_path: Path) -> Iterator[GraphEmulator]:
    """An emulator of its own, so the session emulator's tenant is left as it is."""
    path = tmp_path / "tenant.json"
    write_tenant(generate_tenant(PEOPLE, SEED), path)
    emulator = start_emulator("--validation", "enforce", tenant_file=path)
    try:
        yield emulator
    finally:
        stop_emulator(emulator.process)


def transitive_users(tenant: dict[str, Any], group_id: str) -> set[str]:
    people = {p["id"] for p in tenant["people"]}
    members = {g["id"]: g["members"] for g in tenant["groups"]}
    seen, queue, found = {group_id}, [group_id], set()
    while queue:
        for member in members.get(queue.pop(0), []):
            if member in people:
                found.add(member)
            elif member in members and member not in seen:
                seen.add(member)
                queue.append(member)
    return found


async def test_only_pairs_inside_the_pilot_group_get_a_series(
    pilot_emulator: GraphEmulator, azurite_store: Any, azurite_queues: Any
) -> None:
    tenant = pilot_emulator.tenant()
    pilot_id = next(g["id"] for g in tenant["groups"] if g["displayName"] == "WeGrow pilot")
    inside = transitive_users(tenant, pilot_id)
    pilot, now = PilotConfig(pilot_id), datetime.now(UTC)
    async with adapters_for(pilot_emulator.base_url) as adapters:
        synced = await sync_org(adapters.directory, azurite_store, azurite_queues, pilot)
        assert synced.pilot_error is None and synced.pilot_members == {pilot_id: len(inside)}
        pilot_emulator.clear_log()
        policy = SchedulingPolicy()
        plan = plan_cycle(
            azurite_store, azurite_queues, cadence_planner(load_company_config()), now, policy, pilot=pilot
        )
        assert pilot_emulator.log()["http_round_trips"] == 0  # planning reads the stored membership only
        ctx = ScheduleContext(adapters.calendar, adapters.directory, azurite_store, policy, now, "w1")
        summary = CycleSummary()
        await drain(ctx, azurite_queues, summary)
    planned = {(i.pair.manager_id, i.pair.report_id) for i in plan.items}
    assert planned and all(manager in inside and report in inside for manager, report in planned)
    direct = {m for g in tenant["groups"] if g["id"] == pilot_id for m in g["members"]}
    assert any(report not in direct for _, report in planned)  # in the pilot through the nested team group
    assert plan.out_of_pilot > 0 and plan.out_of_pilot + len(plan.items) == plan.pairs
    series = {(r.partition, r.row) for r in azurite_store.query(SERIES) if r.data.get("state") == "active"}
    assert series and series <= planned and summary.series_created == len(series)
    assert pilot_emulator.violations() == []


def test_wegrow_cycle_with_an_unknown_pilot_group_plans_nothing(pilot_emulator: GraphEmulator) -> None:
    """Fail closed end to end: the CLI's sync reads the pilot group, Graph says 404, nothing is scheduled.

    The CLI writes unprefixed tables, so it gets an Azurite of its own: the session's stays as other tests expect.
    """
    import json
    import os
    import subprocess
    import sys

    from devstack.azurite import Azurite

    with Azurite() as storage:
        env = {**os.environ, "WEGROW_GRAPH_BASE_URL": pilot_emulator.base_url, "WEGROW_PILOT_GROUP_ID": MISSING_GROUP,
               "WEGROW_STORAGE_CONNECTION": storage.connection_string}  # fmt: skip
        command = [sys.executable, "-c", "from shared.cli.main import run; run()", "cycle", "--steps",
                   "sync,plan,schedule", "--json"]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["pairs"] > 10 and summary["series_created"] == summary["no_slot"] == 0
    assert MISSING_GROUP in summary["pilot_error"] and "does not exist" in summary["pilot_error"]
    assert pilot_emulator.log()["operations"].get("POST /users/{id}/events", 0) == 0
