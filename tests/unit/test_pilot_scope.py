"""Pilot scope on fakes: sync reads the pilot groups once, planning (no Graph call) keeps to the pilot, reports
what it left out, gives ``pilots[].groups`` their start dates, and does nothing when the pilot is unknown."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from shared.adapters.config_file import load_company_config
from shared.domain.cadence import plan_conversations
from shared.domain.company import CompanyConfig
from shared.domain.people import Pair
from shared.services.pilot_scope import PilotConfig, load_pilot_scope, pilot_config
from shared.services.plan_cycle import CadencePlanner, cadence_planner, plan_cycle
from shared.services.schedule_pair import SCHEDULE_PAIR
from shared.services.scheduling_records import SERIES
from shared.services.sync_org import sync_org
from tests.unit.scheduling_world import NOW, World

pytestmark = pytest.mark.unit
COMPANY = load_company_config()  # no pilots: every pair is in the cadence's scope


def company_with_pilots(*pilots: dict[str, Any]) -> CompanyConfig:
    return CompanyConfig.model_validate(COMPANY.model_dump() | {"pilots": list(pilots)})


def queued_reports(world: World) -> list[str]:
    return sorted(str(p["report_id"]) for m in world.drain(SCHEDULE_PAIR) for p in m["pairs"])  # type: ignore[attr-defined]


async def synced(world: World, pilot: PilotConfig) -> None:
    summary = await sync_org(world.directory, world.store, world.queues, pilot)
    assert summary.pilot_error is None
    world.directory.calls.clear()


async def test_the_pilot_group_limits_planning_to_pairs_with_both_people_in_it() -> None:
    world = World()
    world.directory.put_group("pilot", ["m1", "r1", "r3"])  # r3 is in, their manager m2 is not
    await synced(world, PilotConfig("pilot"))
    plan = plan_cycle(
        world.store, world.queues, cadence_planner(COMPANY), NOW, world.policy, pilot=PilotConfig("pilot")
    )
    assert [(i.pair.report_id, i.action) for i in plan.items] == [("r1", "create")]
    assert queued_reports(world) == ["r1"]
    assert world.directory.calls == []  # planning read the stored membership, not Graph


async def test_a_member_of_a_nested_group_is_in_the_pilot() -> None:
    world = World()
    world.directory.put_group("pilot", ["m1", "team"])
    world.directory.put_group("team", ["r2", "laptop-42"])  # a device in the group is not a person
    await synced(world, PilotConfig("pilot"))
    assert load_pilot_scope(world.store).members["pilot"] == {"m1", "r2"}
    plan = plan_cycle(world.store, None, cadence_planner(COMPANY), NOW, world.policy)
    assert [i.pair.report_id for i in plan.items] == ["r2"]


async def test_out_of_pilot_pairs_are_reported_per_unit_and_left_alone() -> None:
    world = World()
    world.directory.put_group("pilot", ["m1", "r1"])
    await synced(world, PilotConfig("pilot"))
    checked_long_ago = (NOW - timedelta(days=30)).isoformat()
    stale = {"state": "booked", "until": "2026-06-15", "checked_at": checked_long_ago, "series_id": "s-r3"}
    world.store.upsert(SERIES, "m2", "r3", stale)  # would be extended and checked, were it in the pilot
    plan = plan_cycle(world.store, world.queues, cadence_planner(COMPANY), NOW, world.policy)
    assert (plan.pairs, len(plan.items), plan.out_of_pilot) == (3, 1, 2)
    assert plan.out_of_pilot_per_unit == {"Sales": 1, "R&D": 1}
    assert plan.summary()["out_of_pilot"] == 2 and "pilot_error" not in plan.summary()
    assert queued_reports(world) == ["r1"]
    record = world.store.find(SERIES, "m2", "r3")
    assert record is not None and record.data == stale
    assert world.calendar.calls == []
    await synced(world, PilotConfig())  # the control: without the pilot the same series needs work
    actions = {
        i.pair.report_id: i.action
        for i in plan_cycle(world.store, None, cadence_planner(COMPANY), NOW, world.policy).items
    }
    assert actions["r3"] in {"extend", "check"}


async def test_pilots_groups_give_each_report_the_start_of_their_pilot() -> None:
    company = company_with_pilots(
        {"name": "Early", "start": date(2026, 7, 1), "groups": ["g-early"]},
        {"name": "Late", "start": date(2027, 1, 4), "groups": ["g-late"]},
    )
    world = World()
    world.directory.put_group("g-early", ["r1"])
    world.directory.put_group("g-late", ["r3"])
    await synced(world, pilot_config(None, company))
    planner = cadence_planner(company)
    assert isinstance(planner, CadencePlanner)
    plan = plan_cycle(world.store, None, planner, NOW, world.policy)
    assert [i.pair.report_id for i in plan.items] == ["r1"]  # r3's pilot starts after the horizon
    assert plan.out_of_pilot == 1 and plan.out_of_pilot_per_unit == {"Sales": 1}  # r2 is in no pilot group
    scope = load_pilot_scope(world.store)
    assert scope.groups_of("r1") == ("g-early",) and scope.groups_of("r2") == ()
    early = plan_conversations(company, Pair("m1", "r1", "Sales"), NOW.date(), date(2027, 6, 1), scope.groups_of("r1"))
    late = plan_conversations(company, Pair("m2", "r3", "R&D"), NOW.date(), date(2027, 6, 1), scope.groups_of("r3"))
    assert early[0].earliest >= date(2026, 7, 1) and late[0].earliest >= date(2027, 1, 4)


async def test_an_unknown_pilot_group_fails_closed_with_a_clear_message() -> None:
    world = World()
    summary = await sync_org(world.directory, world.store, world.queues, PilotConfig("no-such-group"))
    assert summary.pilot_error is not None and "no-such-group" in summary.pilot_error
    assert "does not exist in the directory" in summary.pilot_error and "planning is paused" in summary.pilot_error
    plan = plan_cycle(world.store, world.queues, cadence_planner(COMPANY), NOW, world.policy)
    assert plan.items == [] and plan.out_of_pilot == 3
    assert plan.pilot_error == summary.pilot_error and plan.summary()["pilot_error"] == summary.pilot_error
    assert world.queues.length(SCHEDULE_PAIR) == 0


async def test_membership_not_synced_for_the_configured_groups_plans_nothing() -> None:
    world = World()
    world.directory.put_group("pilot", ["m1", "r1"])
    await sync_org(world.directory, world.store, world.queues)  # a sync that did not read the pilot
    plan = plan_cycle(world.store, None, cadence_planner(COMPANY), NOW, world.policy, pilot=PilotConfig("pilot"))
    assert plan.items == [] and plan.pilot_error and "run sync first" in plan.pilot_error
    grouped = company_with_pilots({"name": "G", "start": date(2026, 1, 1), "groups": ["g-1"]})
    unsynced = plan_cycle(world.store, None, cadence_planner(grouped), NOW, world.policy)
    assert unsynced.items == [] and unsynced.pilot_error and "g-1" in unsynced.pilot_error


async def test_a_fixed_group_id_resumes_planning_and_no_pilot_means_everyone() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues, PilotConfig("typo"))
    world.directory.put_group("pilot", ["m1", "r1", "r2"])
    await synced(world, PilotConfig("pilot"))
    assert [
        i.pair.report_id for i in plan_cycle(world.store, None, cadence_planner(COMPANY), NOW, world.policy).items
    ] == ["r1", "r2"]
    await synced(world, PilotConfig())
    everyone = plan_cycle(world.store, None, cadence_planner(COMPANY), NOW, world.policy, pilot=PilotConfig())
    assert len(everyone.items) == 3 and everyone.out_of_pilot == 0 and world.store.query("pilot") == []


def test_pilot_config_reads_the_setting_and_the_company_pilots() -> None:
    company = company_with_pilots({"name": "A", "start": date(2026, 1, 1), "groups": ["g-1", "g-2"]},
                                  {"name": "B", "start": date(2026, 2, 1), "groups": ["g-2"]})  # fmt: skip
    config = pilot_config(" pilot ", company)
    assert config == PilotConfig("pilot", ("g-1", "g-2")) and config.groups == ("pilot", "g-1", "g-2")
    assert not pilot_config(None, COMPANY).configured


async def test_the_dry_run_summary_shows_out_of_pilot_pairs_per_unit() -> None:
    from rich.console import Console

    from shared.cli.schedule import _plan_table

    world = World()
    world.directory.put_group("pilot", ["m1", "r1"])
    await synced(world, PilotConfig("pilot"))
    console = Console(width=120, record=True)
    console.print(_plan_table(plan_cycle(world.store, None, cadence_planner(COMPANY), NOW, world.policy)))
    text = console.export_text()
    assert "3 pairs, 1 need work, 2 out of pilot" in text and "out of pilot" in text.splitlines()[2]
    rows = {line.split()[1]: line.split()[-2] for line in text.splitlines() if line.startswith("│")}
    assert rows == {"R&D": "1", "Sales": "1"}


async def test_graph_failing_while_reading_a_new_pilot_pauses_planning_but_keeps_a_known_one() -> None:
    world = World()
    world.directory.put_group("pilot", ["m1", "r1"])
    await synced(world, PilotConfig("pilot"))

    async def down(group_id: str) -> frozenset[str]:
        raise ConnectionError("graph unreachable")

    world.directory.group_member_ids = down  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await sync_org(world.directory, world.store, world.queues, PilotConfig("pilot"))
    kept = plan_cycle(world.store, None, cadence_planner(COMPANY), NOW, world.policy, pilot=PilotConfig("pilot"))
    assert [i.pair.report_id for i in kept.items] == ["r1"]  # the membership read last time still holds
    with pytest.raises(ConnectionError):
        await sync_org(world.directory, world.store, world.queues, PilotConfig("new-pilot"))
    paused = plan_cycle(world.store, None, cadence_planner(COMPANY), NOW, world.policy)
    assert paused.items == [] and paused.pilot_error and "could not be read (ConnectionError)" in paused.pilot_error
