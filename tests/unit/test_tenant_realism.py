"""The demo tenant is no kinder than a real Microsoft 365 tenant (devstack/tenant*.py), and the overlap count
``make demo`` reports (devstack/demo_overlap.py) reads working hours in each person's own zone.

Each property is checked on generated tenants of 300 and 1,000 people over several seeds, independently of how
the generator builds them: times are converted through the organiser's working-hours zone, not the generator's.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from devstack.demo_overlap import overlap, pairs_without_overlap, working_intervals
from devstack.reference_files import GRAPH_EXAMPLES
from devstack.tenant import Tenant, generate_tenant
from devstack.tenant_zones import CustomZone, is_custom, named_zone, working_zone

ANCHOR = date(2026, 11, 23)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CUSTOM = "Customized Time Zone"
SEEDS = (1, 7, 11)


@cache
def tenant(people: int, seed: int) -> Tenant:
    return generate_tenant(people, seed, anchor=ANCHOR)


def minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:5])


def local(value: dict[str, str]) -> datetime:
    return datetime.fromisoformat(value["dateTime"][:19]).replace(tzinfo=named_zone(value["timeZone"]))


def occurrences(event: dict[str, Any], week_start: date) -> list[tuple[datetime, datetime]]:
    """The event's (start, end) in the week from ``week_start``, for one-off events and weekly series."""
    start, end = local(event["start"]), local(event["end"])
    if "recurrence" not in event:
        return [(start, end)] if week_start <= start.date() < week_start + timedelta(days=7) else []
    first = date.fromisoformat(event["recurrence"]["range"]["startDate"])
    days = event["recurrence"]["pattern"]["daysOfWeek"]
    found = []
    for offset in range(7):
        day = week_start + timedelta(days=offset)
        if DAYS[day.weekday()] in days and day >= first:
            moved = start.replace(year=day.year, month=day.month, day=day.day)
            found.append((moved, moved + (end - start)))
    return found


def in_hours(hours: dict[str, Any], start: datetime, end: datetime) -> bool:
    zone = working_zone(hours["timeZone"])
    begins, ends = start.astimezone(zone), end.astimezone(zone)
    return (
        DAYS[begins.weekday()] in hours["daysOfWeek"]
        and begins.date() == ends.date()
        and minutes(hours["startTime"]) <= begins.hour * 60 + begins.minute
        and ends.hour * 60 + ends.minute <= minutes(hours["endTime"])
    )


def addresses_of(t: Tenant) -> dict[str, str]:
    found = {}
    for user in t.users:
        for proxy in user.get("proxyAddresses", []):
            found[proxy.partition(":")[2].lower()] = user["id"]
    return found


# ------------------------------------------------------------------ addresses


@pytest.mark.parametrize("seed", SEEDS)
def test_every_mailbox_has_proxy_addresses_with_its_mail_as_primary_and_addresses_are_unique(seed: int) -> None:
    t = tenant(1000, seed)
    all_addresses: list[str] = []
    for user in t.users:
        proxies = user["proxyAddresses"]
        if user["id"] not in t.mailbox_settings:
            assert user["mail"] is None and proxies == []
            continue
        assert [p for p in proxies if p.startswith("SMTP:")] == [f"SMTP:{user['mail']}"]
        assert all(p.startswith(("SMTP:", "smtp:")) for p in proxies)
        all_addresses += [p.partition(":")[2].lower() for p in proxies]
    assert len(all_addresses) == len(set(all_addresses)), "an SMTP address on two users"
    assert any(len(u["proxyAddresses"]) > 1 for u in t.users), "nobody has a secondary smtp: alias"


@pytest.mark.parametrize("seed", SEEDS)
def test_about_15_percent_sign_in_with_a_upn_that_is_not_their_mail(seed: int) -> None:
    t = tenant(1000, seed)
    mailboxes = [u for u in t.users if u["mail"]]
    differ = [u for u in mailboxes if u["userPrincipalName"].lower() != u["mail"].lower()]
    assert 0.10 <= len(differ) / len(mailboxes) <= 0.20
    assert any(u["userPrincipalName"].endswith("@contoso.onmicrosoft.com") for u in differ)
    assert any(u["userPrincipalName"].split("@")[0].removeprefix("e").isdigit() for u in differ)
    smtp = addresses_of(t)
    assert not [u for u in differ if u["userPrincipalName"].lower() in smtp], "a UPN that is also an SMTP address"
    assert len({u["userPrincipalName"].lower() for u in t.users}) == len(t.users)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_attendees_are_written_with_mail_addresses(seed: int) -> None:
    t = generate_tenant(300, seed, anchor=ANCHOR)
    mails = {u["mail"].lower() for u in t.users if u["mail"]}
    upns = {u["userPrincipalName"].lower() for u in t.users} - mails
    for events in t.events.values():
        for event in events:
            for item in event["attendees"]:
                address = item["emailAddress"]["address"].lower()
                assert address not in upns
                assert address in mails or not address.endswith("contoso.example")


# ------------------------------------------------------------------ calendars


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_every_timed_meeting_sits_in_its_organisers_working_hours(seed: int) -> None:
    t = generate_tenant(300, seed, anchor=ANCHOR)
    for organiser, events in t.events.items():
        hours = t.mailbox_settings[organiser]["workingHours"]
        for event in events:
            if event.get("isAllDay"):
                continue
            if "recurrence" in event:
                assert set(event["recurrence"]["pattern"]["daysOfWeek"]) <= set(hours["daysOfWeek"])
                assert event["recurrence"]["range"]["recurrenceTimeZone"] == event["start"]["timeZone"]
            found = occurrences(event, ANCHOR) or occurrences(event, ANCHOR + timedelta(days=7))
            found = found or [(local(event["start"]), local(event["end"]))]
            for start, end in found:
                assert in_hours(hours, start, end), (event["subject"], event["start"], hours)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
@example(seed=4277736)  # a manager whose one report has a team meeting and a stand-up with them
def test_at_most_one_existing_1_1_per_manager_and_report(seed: int) -> None:
    t = generate_tenant(300, seed, anchor=ANCHOR)
    smtp = addresses_of(t)
    pairs = {frozenset((r, m)) for r, m in t.managers.items()}
    seen: Counter[frozenset[str]] = Counter()
    for organiser, events in t.events.items():
        for event in events:
            people = {organiser, *(smtp.get(a["emailAddress"]["address"].lower(), "?") for a in event["attendees"])}
            # a team of one has its team meeting and stand-up with the manager alone: two people, not a 1:1
            if len(people) == 2 and frozenset(people) in pairs and event["subject"].startswith("1:1 "):
                seen[frozenset(people)] += 1
    assert max(seen.values()) == 1
    with_mailboxes = [p for p in pairs if p <= set(t.mailbox_settings)]
    assert len(seen) >= 0.9 * len(with_mailboxes), "most pairs should already have their 1:1"


@pytest.mark.parametrize("seed", SEEDS)
def test_calendars_hold_the_kinds_of_events_real_ones_do(seed: int) -> None:
    t = tenant(1000, seed)
    events = [e for calendar in t.events.values() for e in calendar]
    by_show = Counter(e["showAs"] for e in events)
    assert {"busy", "tentative", "oof", "free", "workingElsewhere"} <= set(by_show)
    focus = [e for e in events if e["subject"] == "Focus time"]
    assert focus and all(e["showAs"] == "busy" and not e["attendees"] and "recurrence" in e for e in focus)
    assert any(e.get("isAllDay") and e["showAs"] != "oof" for e in events)
    away = [e for e in events if e["showAs"] == "oof"]
    assert away and all(e.get("isAllDay") for e in away)
    assert any((local(e["end"]) - local(e["start"])).days >= 4 for e in away), "no out-of-office week"
    team = [e for e in events if "recurrence" in e and len(e["attendees"]) >= 3]
    assert len(team) >= 0.5 * len({m for m in t.managers.values() if m in t.mailbox_settings})


def busy_share(t: Tenant, user_id: str) -> float:
    """Share of the user's working quarter hours in the anchor week (their local week) that their own events fill."""
    hours = t.mailbox_settings[user_id]["workingHours"]
    zone = working_zone(hours["timeZone"])
    working = {
        (ANCHOR + timedelta(days=d), m)
        for d in range(7)
        if DAYS[d] in hours["daysOfWeek"]
        for m in range(minutes(hours["startTime"]), minutes(hours["endTime"]), 15)
    }
    covered = set()
    for event in t.events.get(user_id, []):
        for start, end in [] if event.get("isAllDay") else occurrences(event, ANCHOR):
            begins = start.astimezone(zone)
            first = begins.hour * 60 + begins.minute
            covered |= {(begins.date(), m) for m in range(first, first + int((end - start).total_seconds()) // 60, 15)}
    return len(working & covered) / max(len(working), 1)


@pytest.mark.parametrize(("people", "seed"), [(300, 1), (300, 7), (1000, 11)])
def test_a_few_managers_are_overbooked(people: int, seed: int) -> None:
    t = tenant(people, seed)
    managers = {m for m in t.managers.values() if m in t.mailbox_settings}
    full = [m for m in managers if busy_share(t, m) >= 0.8]
    assert 1 <= len(full) <= max(1, 0.15 * len(managers))


# ------------------------------------------------------------------ zones and working weeks


@pytest.mark.parametrize("seed", SEEDS)
def test_zones_span_half_hours_southern_dst_no_dst_and_both_spellings(seed: int) -> None:
    t = tenant(1000, seed)
    names = {s["timeZone"] for s in t.mailbox_settings.values()} - {CUSTOM}
    canonical = {zone_key(s["workingHours"]["timeZone"]) for s in t.mailbox_settings.values()}
    assert {"Asia/Kolkata", "Australia/Adelaide", "Australia/Sydney", "Asia/Tokyo", "America/Phoenix"} <= canonical
    assert {"Asia/Jerusalem", CUSTOM} <= canonical
    iana = {zone_key({"name": n}) for n in names if "/" in n}
    windows = {zone_key({"name": n}) for n in names if n.endswith("Standard Time")}
    assert iana and windows and iana & windows, "no zone spelled both ways"


def zone_key(value: Any) -> str:
    """The IANA key of a workingHours time zone (India's as Asia/Kolkata), or CUSTOM for a custom zone."""
    key = str(getattr(working_zone(value), "key", CUSTOM))
    return "Asia/Kolkata" if key == "Asia/Calcutta" else key


def test_one_custom_zone_shaped_like_graphs_docs_and_equal_to_the_zone_its_events_name() -> None:
    t = tenant(1000, 11)
    custom = [s for s in t.mailbox_settings.values() if s["timeZone"] == CUSTOM]
    zones = {json.dumps(s["workingHours"]["timeZone"], sort_keys=True) for s in custom}
    assert custom and len(zones) == 1
    zone = custom[0]["workingHours"]["timeZone"]
    documented = json.loads((GRAPH_EXAMPLES / "user-get-mailboxsettings__get_mailboxsettings_3.json").read_text())
    assert keys(zone) == keys(documented["response"]["body"]["timeZone"])
    people = {uid for uid, s in t.mailbox_settings.items() if s["timeZone"] == CUSTOM}
    event_zones = {e["start"]["timeZone"] for uid in people for e in t.events.get(uid, [])}
    assert len(event_zones) == 1 and CUSTOM not in event_zones
    [standard] = event_zones
    assert_same_offsets(CustomZone(zone), named_zone(standard))


def keys(value: Any) -> Any:
    return {k: keys(v) for k, v in value.items()} if isinstance(value, dict) else type(value).__name__


def assert_same_offsets(custom: Any, standard: Any) -> None:
    instant = datetime(2026, 1, 1, tzinfo=UTC)
    while instant.year < 2028:
        mine, theirs = instant.astimezone(custom), instant.astimezone(standard)
        assert mine.replace(tzinfo=None) == theirs.replace(tzinfo=None), instant
        assert mine.replace(tzinfo=custom, fold=theirs.fold).astimezone(UTC) == instant
        instant += timedelta(minutes=30)


def test_the_fixture_tenant_has_a_custom_zone_mailbox_with_a_manager() -> None:
    """The doc-example replay maps /me to this user (tests/contract/test_graph_emulator_examples.py)."""
    t = tenant(60, 7)
    assert any(s["timeZone"] == CUSTOM and uid in t.managers for uid, s in t.mailbox_settings.items())


@pytest.mark.parametrize("seed", SEEDS)
def test_sunday_to_thursday_weeks_and_part_time_people(seed: int) -> None:
    t = tenant(1000, seed)
    weeks = [s["workingHours"] for s in t.mailbox_settings.values()]
    israel = [h for h in weeks if "sunday" in h["daysOfWeek"]]
    assert israel and all("friday" not in h["daysOfWeek"] and "saturday" not in h["daysOfWeek"] for h in israel)
    assert all(getattr(working_zone(h["timeZone"]), "key", "") == "Asia/Jerusalem" for h in israel)
    fewer_days = [h for h in weeks if len(h["daysOfWeek"]) < 5]
    short_days = [h for h in weeks if minutes(h["endTime"]) - minutes(h["startTime"]) <= 4 * 60]
    assert 0.05 <= len(fewer_days) / len(weeks) <= 0.2
    assert 0.02 <= len(short_days) / len(weeks) <= 0.1


@pytest.mark.parametrize("seed", SEEDS)
def test_teams_are_mostly_co_located_and_some_are_spread(seed: int) -> None:
    t = tenant(1000, seed)
    office = {u["id"]: u["officeLocation"] for u in t.users}
    same = sum(office[r] == office[m] for r, m in t.managers.items()) / len(t.managers)
    teams: dict[str, set[str]] = {}
    for report, manager in t.managers.items():
        teams.setdefault(manager, set()).add(office[report])
    assert same >= 0.65
    assert sum(len(offices) >= 3 for offices in teams.values()) >= 3, "no spread team"


@settings(max_examples=10, deadline=None)
@given(people=st.integers(min_value=1, max_value=300), seed=st.integers(min_value=0, max_value=2**32))
def test_deterministic_per_people_seed_and_anchor(people: int, seed: int) -> None:
    assert generate_tenant(people, seed, anchor=ANCHOR) == generate_tenant(people, seed, anchor=ANCHOR)


# ------------------------------------------------------------------ no overlapping working hours (make demo)


def hours(zone: Any, start: str = "09:00:00.0000000", end: str = "17:00:00.0000000", days: Any = DAYS[:5]) -> Any:
    return {"daysOfWeek": list(days), "startTime": start, "endTime": end, "timeZone": zone}


WEEK_START = datetime(2026, 11, 23, tzinfo=UTC)


def test_seattle_and_bangalore_never_overlap_but_london_and_bangalore_do() -> None:
    seattle = hours({"name": "Pacific Standard Time"}, "08:00:00.0000000")
    bangalore = hours({"name": "Asia/Kolkata"}, "09:30:00.0000000", "18:30:00.0000000")
    london = hours({"name": "GMT Standard Time"})
    assert overlap(seattle, bangalore, WEEK_START) == timedelta()
    assert overlap(london, bangalore, WEEK_START) == 5 * timedelta(hours=4)  # 09:00-13:00 London = 14:30-18:30 IST
    pairs = [("s", "b"), ("l", "b"), ("s", "nobody")]
    table = {"s": seattle, "b": bangalore, "l": london}
    assert pairs_without_overlap(pairs, table, WEEK_START) == [("s", "b")]


def test_working_days_count_in_each_persons_own_zone() -> None:
    """Sunday-to-Thursday in Israel meets Monday-to-Friday in London on four days only."""
    israel = hours({"name": "Israel Standard Time"}, days=("sunday", "monday", "tuesday", "wednesday", "thursday"))
    london = hours({"name": "Europe/London"})
    assert overlap(israel, london, WEEK_START) == 4 * timedelta(hours=6)  # 09:00-17:00 London = 11:00-19:00 Israel


def test_a_custom_zone_is_read_with_its_own_offsets() -> None:
    zone = json.loads((GRAPH_EXAMPLES / "user-get-mailboxsettings__get_mailboxsettings_3.json").read_text())
    documented = zone["response"]["body"]["timeZone"]
    assert is_custom(documented)
    custom = hours(documented, "09:00:00.0000000", "10:00:00.0000000", ("wednesday",))
    [(start, end)] = working_intervals(custom, WEEK_START)
    # In November the documented zone is in its daylight period (October to May): -200 - 100 minutes = UTC-05:00.
    assert start == datetime(2026, 11, 25, 14, 0, tzinfo=UTC) and end - start == timedelta(hours=1)


def test_hours_ending_at_midnight_and_a_week_boundary_in_a_zone_ahead_of_utc() -> None:
    tokyo = hours({"name": "Asia/Tokyo"}, "18:00:00.0000000", "00:00:00.0000000", ("monday",))
    [(start, end)] = working_intervals(tokyo, WEEK_START)
    assert start == datetime(2026, 11, 23, 9, 0, tzinfo=UTC) and end == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    sunday = hours({"name": "Asia/Tokyo"}, days=("sunday",))
    assert all(WEEK_START <= s < e <= WEEK_START + timedelta(days=7) for s, e in working_intervals(sunday, WEEK_START))
    assert ZoneInfo("Asia/Tokyo")  # tzdata present
