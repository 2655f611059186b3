"""The demo tenant generator: deterministic per seed, and shaped like a real organisation."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devstack.tenant import generate_tenant

pytestmark = pytest.mark.contract
ANCHOR = date(2026, 11, 23)
WINDOWS_ZONES = {"Pacific Standard Time", "W. Europe Standard Time", "India Standard Time", "AUS Eastern Standard Time",
                 "Israel Standard Time", "Cen. Australia Standard Time", "US Mountain Standard Time"}  # fmt: skip
CUSTOM = "Customized Time Zone"


@settings(max_examples=25, deadline=None)
@given(people=st.integers(min_value=10, max_value=400), seed=st.integers(min_value=0, max_value=2**32))
def test_same_seed_same_tenant_and_a_real_org_shape(people: int, seed: int) -> None:
    tenant = generate_tenant(people, seed, anchor=ANCHOR)
    again = generate_tenant(people, seed, anchor=ANCHOR)
    ids = [u["id"] for u in tenant.users]
    spans = Counter(tenant.managers.values())
    assert tenant == again
    assert len(set(ids)) == people
    assert len(tenant.managers) == people - 1
    assert all(3 <= span <= 12 for span in spans.values())
    assert all(manager in set(ids) for manager in tenant.managers.values())
    for user_id, manager_id in tenant.pending_manager_changes:
        assert manager_id != tenant.managers[user_id]
        assert manager_id not in descendants(tenant.managers, user_id)


def descendants(managers: dict[str, str], root: str) -> set[str]:
    found: set[str] = set()
    frontier = {root}
    while frontier:
        frontier = {uid for uid, mid in managers.items() if mid in frontier} - found
        found |= frontier
    return found


def test_another_seed_gives_another_tenant() -> None:
    assert generate_tenant(50, 1, anchor=ANCHOR).users != generate_tenant(50, 2, anchor=ANCHOR).users


def test_zones_hire_dates_mailboxes_and_calendars_have_the_promised_spread() -> None:
    tenant = generate_tenant(1000, 11, anchor=ANCHOR)
    zones = {s["timeZone"] for s in tenant.mailbox_settings.values()}
    years = [(ANCHOR - date.fromisoformat(u["employeeHireDate"][:10])).days / 365 for u in tenant.users]
    events = [(uid, e) for uid, calendar in tenant.events.items() for e in calendar]
    assert len(zones) >= 10
    assert zones >= WINDOWS_ZONES
    assert any("/" in zone for zone in zones)
    assert min(years) < 0.5 and max(years) > 10
    assert 0 < len(tenant.users) - len(tenant.mailbox_settings) < 100
    assert 0 < sum(not u["accountEnabled"] for u in tenant.users) < 100
    assert tenant.pending_manager_changes
    patterns = [(uid, e["recurrence"]["pattern"]) for uid, e in events if "recurrence" in e]
    assert {p["type"] for _, p in patterns} == {"weekly"}
    for uid, pattern in patterns:
        working = set(tenant.mailbox_settings[uid]["workingHours"]["daysOfWeek"])
        assert set(pattern["daysOfWeek"]) <= working, "a series on a day its organiser does not work"
    assert any(len(p["daysOfWeek"]) == 5 for _, p in patterns), "no every-working-day stand-up"
    assert {"busy", "tentative", "oof", "free", "workingElsewhere"} <= {e["showAs"] for _, e in events}
    assert max(len(calendar) for calendar in tenant.events.values()) <= 25
    assert sum(len(calendar) for calendar in tenant.events.values()) < 6 * len(tenant.users)
    for settings_ in tenant.mailbox_settings.values():
        hours = settings_["workingHours"]
        assert hours["daysOfWeek"] and hours["startTime"] < hours["endTime"]
        zone = hours["timeZone"]
        assert zone["name"] == settings_["timeZone"]
        assert (zone.get("@odata.type") == "#microsoft.graph.customTimeZone") == (zone["name"] == CUSTOM)
