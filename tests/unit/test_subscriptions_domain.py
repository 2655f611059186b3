"""The pure per-mailbox decision: when to create, renew, keep, wait or remove (property-tested)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.subscriptions import (
    DEFAULT_LIFETIME,
    OUTLOOK_MAX_LIFETIME,
    REFUSED_RETRY_AFTER,
    Step,
    Watch,
    renewal_due,
    step_for,
)

pytestmark = pytest.mark.unit

T0 = datetime(2027, 1, 1, tzinfo=UTC)
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))
offsets = st.timedeltas(min_value=timedelta(days=-10), max_value=timedelta(days=10))
lifetimes = st.timedeltas(min_value=timedelta(minutes=10), max_value=OUTLOOK_MAX_LIFETIME)


def test_the_default_lifetime_stays_under_graphs_maximum_for_outlook() -> None:
    assert timedelta(hours=60) < DEFAULT_LIFETIME < OUTLOOK_MAX_LIFETIME == timedelta(minutes=4230)


@given(now=instants, left=offsets, lifetime=lifetimes)
def test_a_live_subscription_is_renewed_exactly_when_less_than_half_is_left(
    now: datetime, left: timedelta, lifetime: timedelta
) -> None:
    watch = Watch("s1", now + left)
    step = step_for(watch, True, now, lifetime)
    if left <= timedelta(0):
        assert step is Step.CREATE  # expired: Graph deleted it
    elif left < lifetime / 2:
        assert step is Step.RENEW
    else:
        assert step is Step.KEEP


@given(created=instants, lifetime=lifetimes, elapsed=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4)))
def test_a_fresh_subscription_is_kept_for_half_its_life_then_renewed_until_it_expires(
    created: datetime, lifetime: timedelta, elapsed: timedelta
) -> None:
    watch = Watch("s1", created + lifetime)
    step = step_for(watch, True, created + elapsed, lifetime)
    expected = Step.KEEP if elapsed <= lifetime / 2 else Step.RENEW if elapsed < lifetime else Step.CREATE
    assert step is expected


@given(now=instants, lifetime=lifetimes)
def test_right_after_a_renewal_nothing_is_due(now: datetime, lifetime: timedelta) -> None:
    assert not renewal_due(now + lifetime, now, lifetime)
    assert step_for(Watch("s1", now + lifetime), True, now, lifetime) is Step.KEEP


@given(now=instants, since=offsets)
def test_a_refused_mailbox_is_asked_again_at_most_once_a_day(now: datetime, since: timedelta) -> None:
    step = step_for(Watch(refused_at=now - since), True, now)
    assert step is (Step.WAIT if since < REFUSED_RETRY_AFTER else Step.CREATE)


@given(now=instants, left=offsets, refused=st.booleans())
def test_what_is_not_wanted_is_removed_and_what_was_never_stored_is_left_alone(
    now: datetime, left: timedelta, refused: bool
) -> None:
    watch = Watch("s1", now + left, now if refused else None)
    assert step_for(watch, False, now) is Step.REMOVE
    assert step_for(None, False, now) is Step.NOTHING
    assert step_for(None, True, now) is Step.CREATE


def test_a_timer_every_six_hours_renews_long_before_expiry() -> None:
    """Half the lifetime (35 h) leaves 29 h of slack after a 6-hourly pass sees the renewal due."""
    watch, now = Watch("s1", T0 + DEFAULT_LIFETIME), T0
    while step_for(watch, True, now) is Step.KEEP:
        now += timedelta(hours=6)
    assert step_for(watch, True, now) is Step.RENEW
    assert watch.expires is not None and watch.expires - now > timedelta(hours=24)
