"""The poll as the backstop: pairs whose both mailboxes are notified are checked every 14 days, spread by a hash."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.people import Pair
from shared.ports.storage import Record
from shared.ports.subscriptions import Subscription
from shared.services import subscriptions_records as rows
from shared.services.notification_backstop import backstop_due, check_day, notified_period, notified_users
from shared.services.plan_cycle import decide, plan_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import PAIRS, SERIES
from tests.fakes.storage import InMemoryQueues, InMemoryStore

pytestmark = pytest.mark.unit

NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
POLICY = SchedulingPolicy()
PERIOD = notified_period(POLICY.repair_check_days)
CHECK = ("check", "look for declines, conflicts and hand edits")


@dataclass(frozen=True)
class _Conversation:
    reason: str = "regular"


def active(pair_key: str, checked: datetime) -> Record:
    manager, _, report = pair_key.partition("__")
    data = {"state": "active", "checked_at": checked.isoformat(), "until": ""}
    return Record(SERIES, manager, report, data)


def test_the_period_is_twice_the_plain_check_rhythm() -> None:
    assert (POLICY.repair_check_days, PERIOD) == (7, 14)


def test_each_pair_has_a_stable_day_and_pairs_spread_over_the_period() -> None:
    keys = [f"m{i // 10}__r{i}" for i in range(1400)]
    assert [check_day(k, PERIOD) for k in keys] == [check_day(k, PERIOD) for k in keys]
    per_day = Counter(check_day(k, PERIOD) for k in keys)
    assert set(per_day) == set(range(PERIOD)) and max(per_day.values()) < 2 * min(per_day.values())


@given(st.text(min_size=1, max_size=30), st.integers(min_value=0, max_value=400))
def test_a_notified_pair_is_checked_on_its_day_and_never_twice_a_day(key: str, offset: int) -> None:
    """Walk a pair checked whenever due through time: every check lands on its day or a whole period late,
    gaps never exceed the period, and a pair is never checked twice on one day."""
    now, last, checks = NOW + timedelta(days=offset % PERIOD), NOW - timedelta(days=offset % 3), []
    for _ in range(3 * PERIOD):
        if backstop_due(key, last, now, PERIOD):
            assert last.date() < now.date()
            assert now.date().toordinal() % PERIOD == check_day(key, PERIOD) or now - last >= timedelta(days=PERIOD)
            checks.append(now)
            last = now
        now += timedelta(days=1)
    assert len(checks) >= 2
    assert all(b - a <= timedelta(days=PERIOD) for a, b in pairwise(checks))


def test_a_check_older_than_a_period_or_none_is_due_at_once() -> None:
    key = "m1__r1"
    off_day = next(NOW + timedelta(days=d) for d in range(PERIOD) if not _on_its_day(key, NOW + timedelta(days=d)))
    assert backstop_due(key, None, off_day, PERIOD)
    assert backstop_due(key, off_day - timedelta(days=PERIOD), off_day, PERIOD)
    assert not backstop_due(key, off_day - timedelta(days=PERIOD - 1), off_day, PERIOD)


def _on_its_day(key: str, moment: datetime) -> bool:
    return moment.date().toordinal() % PERIOD == check_day(key, PERIOD)


def test_decide_keeps_the_weekly_check_without_notifications_and_stretches_it_with_them() -> None:
    key = "m1__r1"
    off_day = next(NOW + timedelta(days=d) for d in range(PERIOD) if not _on_its_day(key, NOW + timedelta(days=d)))
    week_old = active(key, off_day - timedelta(days=8))
    assert decide(week_old, [_Conversation()], off_day, POLICY) == CHECK
    assert decide(week_old, [_Conversation()], off_day, POLICY, notified=True) is None
    on_day = next(NOW + timedelta(days=d) for d in range(PERIOD) if _on_its_day(key, NOW + timedelta(days=d)))
    assert decide(active(key, on_day - timedelta(days=2)), [_Conversation()], on_day, POLICY, notified=True)


def test_notified_users_are_those_with_an_unexpired_subscription() -> None:
    store = InMemoryStore()
    rows.save(store, None, "ann", rows.ok_row(Subscription("s1", "ann", NOW + timedelta(days=2)), NOW))
    rows.save(store, None, "bob", rows.ok_row(Subscription("s2", "bob", NOW - timedelta(minutes=1)), NOW))
    rows.save(store, None, "cy", rows.refused_row("out-of-scope", NOW))
    rows.index(store, "s1", "ann")
    assert notified_users(store, NOW) == frozenset({"ann"})


def test_planning_checks_only_pairs_whose_both_people_are_notified_on_their_day() -> None:
    store, queues = InMemoryStore(), InMemoryQueues(now=lambda: NOW)
    pairs = [Pair("m1", f"r{i}", "Sales") for i in range(40)]
    for pair in pairs:
        store.upsert(PAIRS, pair.manager_id, pair.report_id, {"active": True, "org_unit": "Sales"})
        store.upsert(SERIES, pair.manager_id, pair.report_id, active(pair.key, NOW - timedelta(days=8)).data)

    def planner(pair: Pair, start: date, end: date) -> list[_Conversation]:
        return [_Conversation()]

    assert len(plan_cycle(store, None, planner, NOW, POLICY).items) == 40
    notified = {"m1", *(p.report_id for p in pairs[:30])}
    plan = plan_cycle(store, queues, planner, NOW, POLICY, notified=notified)
    checked = {item.pair.report_id for item in plan.items}
    assert {f"r{i}" for i in range(30, 40)} <= checked  # the report is not notified: weekly as before
    on_day = {p.report_id for p in pairs[:30] if _on_its_day(p.key, NOW)}
    assert checked == {f"r{i}" for i in range(30, 40)} | on_day
