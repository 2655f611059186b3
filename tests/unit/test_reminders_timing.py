"""When the one reminder is due and when an item is overdue: absolute-time rules, the same in every zone and
across DST changes (hypothesis), with the quiet period after the reminded card and the prep states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.conversation_status import RANK, ConversationStatus, PrepState, supersedes
from shared.domain.people import Person, WorkingHours
from shared.domain.reminders import (
    ReminderPolicy,
    ReminderTarget,
    due_at,
    outcome_reminder_due,
    prep_reminder_due,
    prep_state,
    reminder_due,
)
from shared.services.reminder_cards import local_day

pytestmark = pytest.mark.unit
POLICY = ReminderPolicy()
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"]
# Starts around DST changes (Europe and US in March/October-November, Sydney in April/October) and in between.
starts = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from([ZoneInfo(z) for z in ZONES]),
)
offsets = st.timedeltas(min_value=timedelta(days=-10), max_value=timedelta(days=10))
LONG_AGO = timedelta(days=5)


@given(start=starts, offset=offsets)
def test_the_prep_reminder_is_due_from_24_hours_before_the_start_until_the_start(
    start: datetime, offset: timedelta
) -> None:
    now = start.astimezone(UTC) + offset  # real time (adding to a zoned time is wall-clock)
    due = prep_reminder_due(start, now, start - LONG_AGO, POLICY)
    assert due == (-timedelta(hours=24) <= offset < timedelta(0))


@given(start=starts, offset=offsets)
def test_the_outcome_reminder_is_due_from_a_day_after_the_start_until_it_would_be_missed(
    start: datetime, offset: timedelta
) -> None:
    now = start.astimezone(UTC) + offset  # real time (adding to a zoned time is wall-clock)
    due = outcome_reminder_due(start, now, start, POLICY)
    assert due == (timedelta(hours=24) <= offset < timedelta(days=7))


@given(start=starts, offset=offsets, target=st.sampled_from(ReminderTarget), zone=st.sampled_from(ZONES))
def test_the_rules_are_the_same_instant_in_every_zone(
    start: datetime, offset: timedelta, target: ReminderTarget, zone: str
) -> None:
    """Wall-clock arithmetic across a DST change would shift the reminder by an hour; UTC instants never do."""
    now, sent = start.astimezone(UTC) + offset, start - LONG_AGO
    elsewhere = start.astimezone(ZoneInfo(zone))
    assert reminder_due(target, start, now, sent, POLICY) == reminder_due(
        target, elsewhere, now.astimezone(UTC), sent, POLICY
    )
    assert due_at(target, start, POLICY) == due_at(target, elsewhere, POLICY)


def test_across_the_berlin_spring_change_the_prep_reminder_is_24_real_hours_before() -> None:
    start = datetime(2026, 3, 29, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # CEST, the day clocks went forward
    sent = start - LONG_AGO
    first = datetime(2026, 3, 28, 10, 0, tzinfo=UTC)  # 11:00 CET: 24 real hours before (wall clock says 12:00)
    assert not prep_reminder_due(start, first - timedelta(seconds=1), sent, POLICY)
    assert prep_reminder_due(start, first, sent, POLICY)


@given(start=starts, since=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=12)))
def test_no_reminder_within_the_quiet_period_after_its_card(start: datetime, since: timedelta) -> None:
    now = start.astimezone(UTC) - timedelta(hours=2)  # inside the prep window
    assert prep_reminder_due(start, now, now - since, POLICY) == (since >= POLICY.quiet)
    assert not prep_reminder_due(start, now, None, POLICY)  # a card never sent is never chased


@given(
    start=starts,
    offset=offsets,
    reminded=st.booleans(),
    saved=st.one_of(st.none(), st.timedeltas(min_value=timedelta(days=-5), max_value=timedelta(days=5))),
)
def test_prep_is_submitted_when_saved_before_the_start_and_overdue_only_after_its_reminder(
    start: datetime, offset: timedelta, reminded: bool, saved: timedelta | None
) -> None:
    now = start.astimezone(UTC) + offset  # real time (adding to a zoned time is wall-clock)
    state = prep_state(start, now, reminded, start.astimezone(UTC) + saved if saved is not None else None)
    if saved is not None and saved < timedelta(0):
        assert state is PrepState.SUBMITTED
    elif reminded and offset >= timedelta(0):
        assert state is PrepState.OVERDUE  # a prep first saved after the start is still late
    else:
        assert state is None


def test_overdue_ranks_above_scheduled_and_below_missed_and_held_beats_it() -> None:
    overdue = ConversationStatus.OVERDUE
    assert RANK[ConversationStatus.SCHEDULED] < RANK[overdue] < RANK[ConversationStatus.MISSED]
    assert supersedes(overdue, ConversationStatus.SCHEDULED) and not supersedes(overdue, ConversationStatus.MISSED)
    assert supersedes(ConversationStatus.HELD, overdue) and supersedes(ConversationStatus.MISSED, overdue)


@given(instant=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
       zone=st.sampled_from(ZONES))  # fmt: skip
def test_the_due_date_label_is_the_date_where_the_recipient_works(instant: datetime, zone: str) -> None:
    person = Person("ada", "ada@contoso.test", "Ada", None, "Sales", working_hours=WorkingHours(time_zone=zone))
    assert local_day(instant, person) == instant.astimezone(ZoneInfo(zone)).date().isoformat()
