"""Year-round scheduling on fakes: every conversation in both people's hours, milestones served, the organiser's
deletions and Outlook answers respected, series found by their stored id, leavers' copies removed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from shared.adapters.config_file import load_company_config
from shared.domain.calendar import Occurrence
from shared.domain.people import Pair, Person, WorkingHours
from shared.domain.planning import Conversation, YearPlan
from shared.domain.slots import Explanation, attendee
from shared.domain.slots_rules import in_working_hours
from shared.services.due_cards import find_due_cards
from shared.services.plan_cycle import cadence_planner, plan_cycle
from shared.services.repair import cancel_series, repair_occurrences
from shared.services.schedule_pair import schedule_pair
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES
from shared.services.scheduling_records_plan import extras_row
from shared.services.scheduling_slots import build_spec
from shared.services.series_fixups import NewSeries, apply_fixups
from shared.services.series_restore import NotRemoved, request_restore
from shared.services.sync_org import sync_org
from tests.fakes.calendar import FakeCalendar
from tests.fakes.directory import FakeDirectory
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.unit.scheduling_world import NOW, World

PAIR = Pair("m1", "r1", "Sales")
everyone = cadence_planner(load_company_config())
SYDNEY = WorkingHours("Australia/Sydney")
SEATTLE = WorkingHours("Pacific Standard Time")


class YearWorld(World):
    """A Sydney manager with a Seattle report, a 366-day horizon and the company's milestones."""

    def __init__(self) -> None:
        super().__init__()
        company = load_company_config()
        self.policy = SchedulingPolicy.from_cadence(company.cadence, fiscal=company.fiscal_calendar, horizon_days=366)
        people = [
            Person("m1", "ann@x.test", "Ann Manager", department="Sales", working_hours=SYDNEY),
            Person("r1", "bob@x.test", "Bob", manager_id="m1", department="Sales", working_hours=SEATTLE),
        ]
        self.directory = FakeDirectory(people)
        self.calendar = FakeCalendar({p.id: p.upn for p in people})
        self.store = InMemoryStore()
        self.queues = InMemoryQueues(now=lambda: NOW)


async def _conversations(world: World, start: datetime, end: datetime) -> list[Occurrence]:
    """Every WeGrow conversation on the manager's calendar: series instances and single planning conversations."""
    found: list[Occurrence] = []
    for event in world.calendar.live_series("m1"):
        if event.recurrence is None:
            duration = timedelta(minutes=event.duration_minutes)
            found.append(Occurrence(event.event_id, event.event_id, event.first_start, event.first_start + duration))
        else:
            found += await world.calendar.occurrences("m1", event.event_id, start, end)
    return sorted(found, key=lambda o: o.start)


async def test_a_sydney_seattle_pair_has_every_conversation_of_the_year_inside_both_working_days() -> None:
    world = YearWorld()
    await sync_org(world.directory, world.store, world.queues)
    outcome = await schedule_pair(world.ctx(), PAIR)
    assert outcome.status == "created", outcome.detail
    [series] = [e for e in world.calendar.live_series("m1") if e.recurrence is not None]
    assert series.recurrence is not None and series.recurrence.time_zone == "Australia/Sydney"
    conversations = await _conversations(world, NOW, NOW + timedelta(days=366))
    manager, report = attendee("ann@x.test", "Ann", SYDNEY), attendee("bob@x.test", "Bob", SEATTLE)
    outside = [o.start for o in conversations if not (in_working_hours(manager, o.start, o.end))]
    outside += [o.start for o in conversations if not in_working_hours(report, o.start, o.end)]
    assert len(conversations) >= 9 and outside == []
    gaps = [(b.start - a.start).days for a, b in pairwise(conversations)]
    assert min(gaps) >= world.policy.min_gap_days and max(gaps) <= world.policy.max_gap_days + 1
    windows = world.policy.milestone_windows(NOW.date(), (NOW + timedelta(days=366)).date())
    served = {w.id for w in windows for o in conversations if w.earliest <= _sydney_day(o) <= w.latest}
    record = world.store.get(SERIES, "m1", "r1").data
    assert {w.id for w in windows} - served <= set(_unmet(record)), "every milestone served or reported unmet"
    assert record["fixups"] == "done"


def _sydney_day(occurrence: Occurrence) -> date:
    return occurrence.start.astimezone(attendee("a@x.test", "A", SYDNEY).zone).date()


def _unmet(record: Mapping[str, Any]) -> list[str]:
    import json

    return [mid for mid, _ in json.loads(str(record["plan"]))["unmet"]]


async def test_a_planning_conversation_is_created_once_named_for_its_milestone_and_gets_its_prep_card() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    created = await schedule_pair(world.ctx(), PAIR)
    [series] = world.calendar.live_series("m1")
    start = series.first_start + timedelta(days=20)
    extra = Conversation(start, start + timedelta(minutes=45), None, "milestone", "q3-planning", "FY27 Q3 planning")
    plan = YearPlan(series.first_start, (extra,), (), Explanation("test", "test", 0))
    spec = build_spec(world.ctx(), *_people(world), series.series_id, series.first_start, "regular check-in")
    new = NewSeries(series, plan, spec, "r1")
    first = await apply_fixups(world.calendar, [new], NOW + timedelta(days=120))
    again = await apply_fixups(world.calendar, [new], NOW + timedelta(days=120))  # a resumed fix-up
    singles = [e for e in world.calendar.live_series("m1") if e.recurrence is None]
    assert first.extras == again.extras == 1 and len(singles) == 1
    assert "FY27 Q3 planning" in singles[0].subject and singles[0].first_start == start
    record = world.store.get(SERIES, "m1", "r1")
    world.store.upsert(SERIES, "m1", "r1", {**record.data, **extras_row(first.extra_events[series.series_id])})
    due = await find_due_cards(world.store, world.calendar, start - timedelta(days=2), lead_days=3)
    assert [card.start for card in due] == [start] and created.event_id is not None


def _people(world: World) -> tuple[Person, Person]:
    from shared.services.scheduling_records import load_person

    manager, report = load_person(world.store, "m1"), load_person(world.store, "r1")
    assert manager is not None and report is not None
    return manager, report


async def test_a_series_the_manager_deleted_stays_deleted_and_is_counted() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    created = await schedule_pair(world.ctx(), PAIR)
    assert created.event_id is not None
    await world.calendar.cancel("m1", created.event_id, "deleted in Outlook")
    later = await schedule_pair(world.ctx(now=NOW + timedelta(days=8)), PAIR)
    again = await schedule_pair(world.ctx(now=NOW + timedelta(days=16)), PAIR)
    assert (later.status, again.status) == ("removed-by-organiser", "removed-by-organiser")
    assert world.calendar.live_series("m1") == []
    assert world.store.get(SERIES, "m1", "r1").data["state"] == "removed-by-organiser"


async def test_a_removed_series_comes_back_only_when_the_manager_asks_and_under_a_new_id() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    created = await schedule_pair(world.ctx(), PAIR)
    assert created.event_id is not None
    await world.calendar.cancel("m1", created.event_id, "deleted in Outlook")
    await schedule_pair(world.ctx(now=NOW + timedelta(days=8)), PAIR)
    week = NOW + timedelta(days=16)
    assert [i for i in plan_cycle(world.store, None, everyone, week, world.policy).items if i.pair == PAIR] == []
    with pytest.raises(NotRemoved):
        request_restore(world.store, Pair("m2", "r3"), world.policy, week)
    old_id = world.store.get(SERIES, "m1", "r1").data["series_id"]
    new_id = request_restore(world.store, PAIR, world.policy, week)
    [item] = [i for i in plan_cycle(world.store, None, everyone, week, world.policy).items if i.pair == PAIR]
    assert item.action == "create"
    again = await schedule_pair(world.ctx(now=week), PAIR)
    [series] = world.calendar.live_series("m1")
    assert again.status == "created" and series.series_id == new_id and new_id != old_id


async def test_a_policy_version_bump_finds_and_cancels_the_series_by_its_stored_id() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    await schedule_pair(world.ctx(), PAIR)
    world.policy = replace(world.policy, policy_version="v2")
    outcome = await schedule_pair(world.ctx(now=NOW + timedelta(days=1)), PAIR)
    assert outcome.status == "unchanged" and len(world.calendar.live_series("m1")) == 1
    assert await cancel_series(world.ctx(), "m1", "r1", "leaver")
    assert world.calendar.live_series("m1") == []


async def test_when_the_organiser_has_left_the_reports_orphaned_copy_is_removed() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    await schedule_pair(world.ctx(), PAIR)
    world.calendar.no_mailbox.add("m1")  # the manager's mailbox went with them
    assert await cancel_series(world.ctx(), "m1", "r1", "leaver")
    assert "remove_attendee_copy" in world.calendar.calls
    assert world.store.get(SERIES, "m1", "r1").data["state"] == "cancelled"


async def test_repair_moves_occurrences_that_drift_out_of_a_changed_working_day() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    created = await schedule_pair(world.ctx(), PAIR)
    assert created.event_id is not None
    [first, *_] = await world.calendar.occurrences("m1", created.event_id, NOW, NOW + timedelta(days=120))
    local = first.start.astimezone(attendee("b@x.test", "B", WorkingHours("Europe/Berlin")).zone)
    # Bob now works mornings only, ending before the series' time: every later occurrence is out of hours
    mornings = WorkingHours("W. Europe Standard Time", start=local.time().replace(hour=7), end=local.time())
    world.directory.change("r1", working_hours=mornings)
    await sync_org(world.directory, world.store, world.queues)
    outcome = await repair_occurrences(world.ctx(now=NOW + timedelta(days=1)), PAIR)
    assert outcome.moved and not outcome.unresolved
    bob = attendee("bob@x.test", "Bob", mornings)
    for occurrence in await world.calendar.occurrences(
        "m1", created.event_id, NOW + timedelta(days=1), NOW + timedelta(days=120)
    ):
        assert in_working_hours(bob, occurrence.start, occurrence.end)


async def test_a_decline_with_a_proposed_time_moves_to_that_time_when_it_is_free() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    created = await schedule_pair(world.ctx(), PAIR)
    assert created.event_id is not None
    [_, second, *_] = await world.calendar.occurrences("m1", created.event_id, NOW, NOW + timedelta(days=120))
    # the same day, at 09:30 or 14:30 Berlin (summer time), whichever is clear of the declined time
    morning, afternoon = (second.start.astimezone(UTC).replace(hour=h, minute=30) for h in (7, 12))
    wanted = morning if abs(second.start - morning) >= timedelta(hours=1) else afternoon
    world.calendar.decline(second.event_id, "bob@x.test", proposed=(wanted, wanted + timedelta(minutes=45)))
    outcome = await repair_occurrences(world.ctx(now=NOW + timedelta(days=1)), PAIR)
    assert outcome.moved == [second.event_id]
    moved = await world.calendar.occurrences(
        "m1", created.event_id, wanted - timedelta(hours=1), wanted + timedelta(hours=1)
    )
    assert [o.start for o in moved] == [wanted]
