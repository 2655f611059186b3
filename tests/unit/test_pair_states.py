"""The dry run's per-pair views: next conversations with the milestone each serves, and the pairs without a series
with why and the closest options, all read from the series table (no Graph call)."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Console

from shared.cli.schedule_views import unscheduled_table, upcoming_table
from shared.domain.people import WorkingHours
from shared.services.pair_states import pairs_summary, state_counts, unscheduled, upcoming
from shared.services.schedule_pair import schedule_pair
from shared.services.sync_org import sync_org
from tests.unit.scheduling_world import NOW
from tests.unit.test_schedule_year import PAIR, YearWorld


async def test_the_dry_run_lists_each_pairs_next_conversations_and_the_milestone_each_serves() -> None:
    world = YearWorld()
    await sync_org(world.directory, world.store, world.queues)
    await schedule_pair(world.ctx(), PAIR)
    found = upcoming(world.store, NOW, per_pair=9)
    assert len(found) == 9 and all(u.start >= NOW for u in found)
    assert [u.start for u in found] == sorted(u.start for u in found)
    served = {u.serves for u in found}
    assert {"FY27 Q1 planning", "FY27 Q2 planning", "regular check-in"} <= served
    console = Console(width=200, record=True)
    console.print(upcoming_table(world.store, NOW, limit=5))
    text = console.export_text()
    assert "Ann Manager" in text and "Australia/Sydney" in text and "FY27 Q1 planning" in text
    assert "moved: milestone" in text


async def test_pairs_without_a_series_show_why_and_three_closest_options_in_the_managers_time() -> None:
    world = YearWorld()
    world.directory.change("r1", working_hours=WorkingHours("Europe/London"))  # 9-17 London never meets 9-17 Sydney
    await sync_org(world.directory, world.store, world.queues)
    outcome = await schedule_pair(world.ctx(), PAIR)
    assert outcome.status == "no-slot"
    [pair] = unscheduled(world.store)
    assert (pair.state, pair.report_id) == ("no-overlap", "r1") and pair.reason.startswith("no overlap")
    assert len(pair.closest) == 3 and all(outside == ("Bob",) for _, outside in pair.closest)
    assert all(NOW < start < NOW + timedelta(days=16) for start, _ in pair.closest)
    assert state_counts(world.store) == {"no-overlap": 1}
    console = Console(width=250, record=True)
    console.print(unscheduled_table(world.store, limit=5))
    text = console.export_text()
    assert "no-overlap" in text and "outside Bob's hours" in text and "Australia/Sydney" in text
    assert upcoming(world.store, NOW) == []
    summary = pairs_summary(world.store)
    assert summary["by_state"] == {"no-overlap": 1}
    [row] = summary["without_series"]
    assert row["report_id"] == "r1" and len(row["closest"]) == 3 and row["closest"][0]["outside_hours_of"] == ["Bob"]
