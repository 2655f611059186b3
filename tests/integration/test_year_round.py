"""Year-round scheduling (issue 15, "done when"): one cycle with a 366-day horizon on a hard tenant, read back.

The emulator is started with ``--tenant`` on tests/fixtures/year_round_tenant.py (cross-hemisphere pairs,
half-hour zones, a custom zone, Sunday-Thursday weeks, part-time weeks, UPN != mail, a year of busy calendars and
one pair with no common hours). ``WEGROW_HORIZON_DAYS=366`` reaches the policy the way the functions build it
(settings -> shared.container.scheduling.policy_from), and the cadence planner is the company's. One cycle (sync, plan,
schedule) runs with the handlers the functions use; then every calendar is read back over the horizon with
``calendarView`` and checked by year_round_checks. A second, unchanged cycle must write no event.

The cycle runs once per module; each test checks one rule and lists its offenders.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from shared.adapters.config_file import load_company_config
from shared.config import load_settings
from shared.container.scheduling import planner_from, policy_from
from shared.domain.company import CompanyConfig
from shared.ports.storage import Record
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import CycleSummary, run_cycle
from shared.services.scheduling_records import SERIES
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures import year_round_tenant
from tests.fixtures.graph import GraphEmulator, start_emulator, stop_emulator
from tests.integration import year_round_checks as checks

pytestmark = pytest.mark.integration
HORIZON_DAYS = 366


@dataclass
class YearRound:
    """What one cycle left behind, read back, plus what a second unchanged cycle wrote."""

    company: CompanyConfig
    horizon_days: int
    now: datetime
    people: dict[str, checks.Person]
    calendars: dict[str, list[checks.CalendarEvent]]
    found: checks.Conversations
    records: dict[tuple[str, str], Record]
    first: CycleSummary
    second: CycleSummary
    second_writes: dict[str, int]

    @property
    def first_day(self) -> date:
        return self.now.date()

    @property
    def last_day(self) -> date:
        return (self.now + timedelta(days=self.horizon_days)).date()

    @property
    def max_gap(self) -> int:
        cadence = self.company.cadence
        return cadence.rhythm_weeks * 7 + cadence.regular_window_days


@pytest.fixture(scope="module")
def year_round_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphEmulator, dict[str, Any]]]:
    doc = year_round_tenant.build()
    path = tmp_path_factory.mktemp("year-round") / "year_round.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    emulator = start_emulator("--validation", "enforce", tenant_file=path)
    try:
        yield emulator, doc
    finally:
        stop_emulator(emulator.process)


def _store_and_queues(connection: str) -> tuple[Any, Any]:
    import uuid

    from azure.data.tables import TableServiceClient
    from azure.storage.queue import QueueServiceClient

    from shared.adapters.storage.queues import StorageQueues
    from shared.adapters.storage.tables import TableStore

    prefix = "y" + uuid.uuid4().hex[:10]
    store = TableStore(TableServiceClient.from_connection_string(connection), prefix=prefix)
    queues = StorageQueues(QueueServiceClient.from_connection_string(connection), prefix=prefix + "-")
    return store, queues


def settings_policy(graph: GraphEmulator, connection: str, company: CompanyConfig) -> Any:
    """The policy as the functions build it, with WEGROW_HORIZON_DAYS=366 in the environment."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WEGROW_HORIZON_DAYS", str(HORIZON_DAYS))
        env.setenv("WEGROW_STORAGE_CONNECTION", connection)
        env.setenv("WEGROW_GRAPH_BASE_URL", graph.base_url)
        settings = load_settings()
    return policy_from(SimpleNamespace(settings=settings, company=company))  # type: ignore[arg-type]


async def _two_cycles(graph: GraphEmulator, connection: str, company: CompanyConfig) -> tuple[Any, ...]:
    store, queues = _store_and_queues(connection)
    policy = settings_policy(graph, connection, company)
    assert policy.horizon_days == HORIZON_DAYS, "WEGROW_HORIZON_DAYS does not reach the scheduling policy"
    planner = planner_from(SimpleNamespace(company=company))  # type: ignore[arg-type]
    now = datetime.now(UTC)
    async with adapters_for(graph.base_url) as adapters:
        ctx = ScheduleContext(adapters.calendar, adapters.directory, store, policy, now, "year-round")
        first = await run_cycle(ctx, queues, planner)
        records = {(r.partition, r.row): r for r in store.query(SERIES)}
        graph.clear_log()
        again = ScheduleContext(adapters.calendar, adapters.directory, store, policy, now + timedelta(minutes=5), "w2")
        second = await run_cycle(again, queues, planner)
        writes = checks.event_writes(graph.log())
    return now, first, records, second, writes


@pytest.fixture(scope="module")
def year(year_round_graph: tuple[GraphEmulator, dict[str, Any]], azurite: str) -> YearRound:
    graph, doc = year_round_graph
    graph.reset()
    company = load_company_config()
    now, first, records, second, writes = asyncio.run(_two_cycles(graph, azurite, company))
    people = checks.people_from_tenant(doc)
    # The calendars as the first cycle left them: read after the second cycle, which must have changed nothing.
    calendars = checks.read_calendars(graph.root, people, now, now + timedelta(days=HORIZON_DAYS))
    found = checks.conversations(people, calendars)
    return YearRound(company, HORIZON_DAYS, now, people, calendars, found, records, first, second, writes)


def test_the_tenant_holds_what_the_issue_names(year: YearRound) -> None:
    """The fixture itself: the pairs and zones the acceptance criteria are about, and exactly one no-overlap pair."""
    people = year.people
    pairs = checks.pairs_of(people)
    some, none = checks.overlapping_pairs(
        people, year.first_day, year.last_day, year.company.cadence.conversation_minutes
    )
    ids = {key: year_round_tenant.person_id(key) for key, *_ in year_round_tenant.PEOPLE}
    assert none == {(ids["nyc-mgr"], ids["nyc-tyo"])}, [checks._pair_label(people, *p) for p in sorted(none)]
    assert len(pairs) == 33 and len(some) == 32
    upn_not_mail = [u for u in year_round_tenant.build()["users"] if u["userPrincipalName"] != u["mail"]]
    assert 4 <= len(upn_not_mail) <= 6


def test_every_conversation_is_tagged_and_known(year: YearRound) -> None:
    assert year.found.found, f"no WeGrow conversation on any calendar; cycle: {year.first.as_json()}"
    assert not year.found.unmatched, checks.report(
        "tagged events whose report is not an attendee", year.found.unmatched
    )


def test_every_occurrence_is_inside_both_peoples_hours(year: YearRound) -> None:
    offenders = checks.outside_hours(year.found.found, year.people)
    assert not offenders, checks.report(
        "occurrences outside someone's working hours", offenders, 2 * len(year.found.found)
    )


def test_no_occurrence_overlaps_busy_tentative_or_oof_time(year: YearRound) -> None:
    offenders = checks.conflicts(year.found.found, year.people, year.calendars)
    assert not offenders, checks.report(
        f"overlaps with busy time (over {len(year.found.found)} occurrences)", offenders
    )


def test_every_pair_with_common_hours_has_a_series_and_the_other_is_reported(year: YearRound) -> None:
    minutes = year.company.cadence.conversation_minutes
    some, none = checks.overlapping_pairs(year.people, year.first_day, year.last_day, minutes)
    scheduled = year.found.by_pair()
    missing = [
        f"{checks._pair_label(year.people, *k)} (record: {dict(year.records[k].data) if k in year.records else None})"
        for k in sorted(some)
        if k not in scheduled
    ]
    assert not missing, checks.report("pairs with common working hours but no conversation", missing, len(some))
    booked = [checks._pair_label(year.people, *p) for p in sorted(none) if p in year.found.by_pair()]
    assert not booked, f"pairs with no common working hours got conversations: {booked}"
    for pair in none:
        record = year.records.get(pair)
        assert record is not None, f"{checks._pair_label(year.people, *pair)}: no series record says why"
        state, reason = record.data.get("state"), str(record.data.get("reason") or "")
        assert state in {"no-overlap", "no-slot"} and "overlap" in reason, (state, reason)
    assert any("overlap" in r for r in year.first.no_slot_reasons) or year.first.outcomes.get("no-overlap"), (
        f"the cycle summary does not report the no-overlap pair: {year.first.as_json()}"
    )


def test_every_milestone_window_holds_a_conversation_for_every_scheduled_pair(year: YearRound) -> None:
    windows = checks.milestone_windows(year.company, year.first_day, year.last_day)
    assert len(windows) >= 4, windows
    offenders = checks.missed_milestones(year.found, year.people, windows)
    total = len(windows) * len(year.found.by_pair())
    assert not offenders, checks.report("(pair, milestone window) without a conversation", offenders, total)


def test_no_manager_day_or_week_exceeds_the_cap(year: YearRound) -> None:
    cadence = year.company.cadence
    offenders = checks.over_cap(
        year.found.found,
        year.people,
        cadence.max_per_manager_per_day,
        getattr(cadence, "max_per_manager_per_week", None),
    )
    assert not offenders, checks.report("manager days/weeks over the cap", offenders)


def test_consecutive_conversations_keep_the_cadence_and_cover_the_horizon(year: YearRound) -> None:
    cadence = year.company.cadence
    gaps = checks.bad_gaps(year.found, year.people, cadence.min_gap_days, year.max_gap)
    gaps += checks.uncovered(year.found, year.people, year.first_day, year.last_day, year.max_gap)
    assert not gaps, checks.report("gaps outside [min_gap_days, rhythm + regular window]", gaps)


def test_reports_are_invited_by_their_primary_smtp_address(year: YearRound) -> None:
    offenders = checks.not_by_mail(year.found.found, year.people)
    assert not offenders, checks.report("pairs whose report is invited by another address than mail", offenders)


def test_an_unchanged_rerun_creates_nothing(year: YearRound) -> None:
    second = year.second
    assert (second.series_created, second.cancelled, second.repaired) == (0, 0, 0), second.as_json()
    assert not year.second_writes, f"event writes on an unchanged re-run: {year.second_writes}"


def test_the_checks_catch_a_wrong_calendar(year: YearRound) -> None:
    """Guard against passing by reading nothing: the calendars hold busy time, and moved conversations are caught."""
    from dataclasses import replace

    busy = sum(e.blocks for events in year.calendars.values() for e in events)
    assert busy > 20 * len(year.calendars), f"only {busy} busy events read back"
    found = year.found.found
    assert len(found) >= 6 * len(year.found.by_pair()), f"{len(found)} conversations for {len(year.found.by_pair())}"
    night = [replace(c, start=c.start + timedelta(hours=12), end=c.end + timedelta(hours=12)) for c in found]
    assert len(checks.outside_hours(night, year.people)) >= len(found) // 2
    manager_busy = [
        (c, e) for c in found for e in year.calendars[c.manager_id] if e.blocks and e.ical_uid != c.ical_uid
    ]
    c, e = manager_busy[0]
    clash = replace(c, start=e.start, end=e.start + (c.end - c.start))
    assert checks.conflicts([clash], year.people, year.calendars)
