"""Issue 16's acceptance: a decline repaired in minutes through Graph change notifications, no timer run.

The whole local stack runs as processes: Azurite, the Graph emulator, the connector emulator and the Functions
runner (timers only on demand, so nothing is polled). ``wegrow cycle`` syncs, plans, schedules and subscribes
every mailbox with a series; ``WEGROW_PUBLIC_BASE_URL`` is the runner's loopback URL, so the emulator's
handshakes and notifications reach ``/api/notifications`` for real. Then the report declines one occurrence of
their copy through the emulator's Graph API, as Outlook would, and the test watches the organiser's occurrence.

Each case takes its own pair, so one case's move cannot be counted in another's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.stack import LOCAL_NOTIFICATION_SECRET, Stack, StackOptions
from shared.config import load_settings
from shared.container import Container
from shared.domain.slots import attendee
from shared.domain.slots_rules import in_working_hours
from shared.services.scheduling_messages import SCHEDULE_PAIR
from shared.services.scheduling_records import SERIES, load_person
from shared.services.sync_org import PAIR_CHANGED
from tests.conftest import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
PEOPLE = 60
REPAIR_WITHIN_S = 60.0
SETTLE_S = 8.0  # after the move: time for a duplicate or late notice to (wrongly) move it again
MOVE = "PATCH /users/{id}/events/{event_id}"


@dataclass
class World:
    stack: Stack
    container: Container
    used: set[str]

    @property
    def graph(self) -> str:
        return self.stack.graph_url

    def control(self, path: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self.stack.graph_root}/_emulator/{path}"
        resp = httpx.post(url, json=body or {}, timeout=30) if body is not None else httpx.get(url, timeout=30)
        assert resp.status_code < 300, resp.text
        return resp.json()

    def moves(self) -> int:
        return int(self.control("log")["operations"].get(MOVE, 0))

    def patches_of(self, event_id: str) -> int:
        """PATCH requests on one event (the emulator counts them per event id)."""
        return int(self.control("log/patched")["events"].get(event_id, 0))


def run_cli(env: dict[str, str], *steps: str) -> dict[str, Any]:
    wegrow = str(Path(sys.executable).parent / "wegrow")
    done = subprocess.run([wegrow, "cycle", "--steps", ",".join(steps), "--json"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, f"wegrow cycle failed: {done.stderr[-2000:]}"
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return summary


def wait_until(condition: Any, what: str, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    logs = tmp_path_factory.mktemp("notifications-stack")
    stack = Stack(StackOptions(people=PEOPLE, notifications=True, functions_port=free_port(), log_dir=logs)).start()
    try:
        env = {**os.environ, **stack.env}
        run_cli(env, "sync", "plan", "schedule")
        settings = load_settings(**{k.removeprefix("WEGROW_").lower(): v for k, v in stack.env.items()
                                    if k.startswith("WEGROW_")})  # fmt: skip
        container = Container(settings)
        queues = (SCHEDULE_PAIR, PAIR_CHANGED)
        # the runner polls these queues too and may have leased some of the cycle's pairs: let it finish them
        wait_until(lambda: not any(container.queues.length(q) for q in queues), "the scheduling queues", 300)
        summary = run_cli(env, "subscribe")
        assert summary["subscriptions"]["created"] > 0 and summary["subscriptions"]["failed"] == 0, summary
        yield World(stack, container, set())
    finally:
        stack.stop()


def get(world: World, user_id: str, path: str, **params: str) -> dict[str, Any]:
    resp = httpx.get(f"{world.graph}/users/{user_id}/{path}", params=params, timeout=30)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def occurrences(world: World, user_id: str, series_id: str) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    window = {"startDateTime": _iso(now), "endDateTime": _iso(now + timedelta(days=120)), "$top": "100"}
    return list(get(world, user_id, f"events/{series_id}/instances", **window)["value"])


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_of(value: dict[str, str]) -> datetime:
    return datetime.fromisoformat(value["dateTime"][:19]).replace(tzinfo=UTC)


@dataclass
class Target:
    manager_id: str
    report_id: str
    organiser_occurrence: dict[str, Any]
    report_occurrence_id: str


def take_pair(world: World) -> Target:
    """An unused pair with a live series, both mailboxes subscribed, and an occurrence 3+ weeks ahead.

    A manager not used yet comes first: every repair lands in the week before the declined one, and a manager's
    weekly cap fills up if all their reports decline the same week (then "no free time within 7 days" is the
    right answer, but not what these cases test).
    """
    watched = {s["mailbox"] for s in world.control("subscriptions")["subscriptions"] if not s.get("foreign")}
    series = world.container.store.query(SERIES)
    rows = [r for r in series if r.data.get("state") == "active" and r.data.get("event_id")]
    managers = {key.split("/")[0] for key in world.used}
    for row in sorted(rows, key=lambda r: r.partition in managers):
        key = f"{row.partition}/{row.row}"
        if key in world.used or not {row.partition, row.row} <= watched:
            continue
        found = _target(world, row.partition, row.row, str(row.data["event_id"]))
        if found is not None:
            world.used.add(key)
            return found
    raise AssertionError("no unused pair with a subscribed series and a far enough occurrence")


def _target(world: World, manager_id: str, report_id: str, series_id: str) -> Target | None:
    later = datetime.now(UTC) + timedelta(days=21)
    mine = [o for o in occurrences(world, manager_id, series_id) if utc_of(o["start"]) > later]
    if not mine:
        return None
    chosen = mine[0]
    ical = get(world, manager_id, f"events/{series_id}")["iCalUId"]  # an occurrence's own iCalUId differs
    copies = get(world, report_id, "events", **{"$filter": f"iCalUId eq '{ical}'"})["value"]
    masters = [c for c in copies if c.get("type") == "seriesMaster"]
    if not masters:
        return None
    theirs = occurrences(world, report_id, masters[0]["id"])
    same = [o for o in theirs if o.get("originalStart") == chosen.get("originalStart")]
    return Target(manager_id, report_id, chosen, same[0]["id"]) if same else None


def decline(world: World, target: Target, *, send_response: bool = True) -> None:
    url = f"{world.graph}/users/{target.report_id}/events/{target.report_occurrence_id}/decline"
    body = {"comment": "I'm off that day", "sendResponse": send_response}
    resp = httpx.post(url, json=body, timeout=30)
    assert resp.status_code == 202, resp.text


def current(world: World, target: Target) -> dict[str, Any]:
    event_id = target.organiser_occurrence["id"]
    return get(world, target.manager_id, f"events/{event_id}")


def moved_start(world: World, target: Target) -> datetime | None:
    before = utc_of(target.organiser_occurrence["start"])
    now = utc_of(current(world, target)["start"])
    return now if now != before else None


def assert_inside_both_peoples_hours(world: World, target: Target, start: datetime) -> None:
    end = start + (utc_of(target.organiser_occurrence["end"]) - utc_of(target.organiser_occurrence["start"]))
    for person_id in (target.manager_id, target.report_id):
        person = load_person(world.container.store, person_id)
        assert person is not None
        who = attendee(person.upn, person.display_name, person.working_hours)
        assert in_working_hours(who, start, end), f"{start:%Y-%m-%d %H:%M} UTC is outside {person.display_name}'s hours"


def switches(world: World, **values: Any) -> None:
    world.control("switches", {"notify_drop": 0.0, "notify_duplicate": False, "notify_reorder": False, **values})


@pytest.mark.parametrize(
    "delivery",
    [{}, {"notify_duplicate": True}, {"notify_reorder": True}],
    ids=["delivered", "duplicated", "out-of-order"],
)
def test_a_decline_is_repaired_within_a_minute_by_exactly_one_move(world: World, delivery: dict[str, Any]) -> None:
    target = take_pair(world)
    switches(world, **delivery)
    moves_before = world.moves()
    declined_at = time.monotonic()
    decline(world, target)
    start = wait_until(lambda: moved_start(world, target), "the declined occurrence to move", REPAIR_WITHIN_S)
    took = time.monotonic() - declined_at
    time.sleep(SETTLE_S)
    assert moved_start(world, target) == start, "a later notice moved it again"
    assert world.moves() - moves_before == 1
    assert_inside_both_peoples_hours(world, target, start)
    assert took <= REPAIR_WITHIN_S


def test_a_silent_decline_in_the_reports_own_copy_is_repaired_too(world: World) -> None:
    target = take_pair(world)
    switches(world)
    moves_before = world.moves()
    decline(world, target, send_response=False)
    start = wait_until(lambda: moved_start(world, target), "the silently declined occurrence to move", REPAIR_WITHIN_S)
    time.sleep(SETTLE_S)
    assert world.moves() - moves_before == 1
    assert_inside_both_peoples_hours(world, target, start)


def test_with_every_notification_dropped_the_poll_repairs_it(world: World) -> None:
    target = take_pair(world)
    switches(world, notify_drop=1.0)
    moves_before = world.moves()
    decline(world, target)
    time.sleep(SETTLE_S)
    assert moved_start(world, target) is None, "moved although every notification was dropped"
    assert world.moves() == moves_before, "something moved although every notification was dropped"
    switches(world)
    patched_before = world.patches_of(target.organiser_occurrence["id"])
    poll_as_of_a_fortnight_later(world)
    start = wait_until(lambda: moved_start(world, target), "the poll to move the declined occurrence", 120)
    # Only the target's own PATCHes count here. Run as of 15 days later, the poll checks every series over a horizon
    # that ends 15 days later too; the series have no end date, so occurrences in that new tail were never checked,
    # and one may rightly move (DST drift out of someone's hours, busy time). So the tenant's PATCH count can rise by
    # more than one: CI at 9b49425 saw 2. That cause is a reading of the code, not a finding (a run here moved the
    # target alone); what this case checks is that the dropped decline is repaired by exactly one move.
    assert world.patches_of(target.organiser_occurrence["id"]) - patched_before == 1
    assert_inside_both_peoples_hours(world, target, start)


def poll_as_of_a_fortnight_later(world: World) -> None:
    """The backstop's plan and repair, run in process with the clock two weeks on (every pair is due by then)."""
    import asyncio

    from shared.container.scheduling import planner_from, policy_from
    from shared.services.schedule_pair import ScheduleContext
    from shared.services.scheduling_handlers import run_cycle
    from tests.contract.test_graph_adapter_support import adapters_for

    c = world.container
    later = datetime.now(UTC) + timedelta(days=15)

    async def poll() -> None:
        async with adapters_for(world.graph) as adapters:  # closes its HTTP client inside this event loop
            ctx = ScheduleContext(adapters.calendar, adapters.directory, c.store, policy_from(c), later, "poll")
            await run_cycle(ctx, c.queues, planner_from(c), steps=("plan", "schedule"))

    asyncio.run(poll())


def test_a_forged_notification_changes_nothing(world: World) -> None:
    """The decline's own notices are dropped; a forged notice for the same series must not set off the repair."""
    target = take_pair(world)
    switches(world, notify_drop=1.0)
    moves_before = world.moves()
    decline(world, target)
    time.sleep(SETTLE_S)
    switches(world)
    series_id = target.organiser_occurrence["seriesMasterId"]
    forged = {
        "subscriptionId": "00000000-0000-0000-0000-000000000001",
        "subscriptionExpirationDateTime": _iso(datetime.now(UTC) + timedelta(hours=1)),
        "changeType": "updated",
        "resource": f"Users/{target.manager_id}/Events/{series_id}",
        "resourceData": {"@odata.type": "#Microsoft.Graph.Event", "id": series_id},
        "clientState": "not-the-hmac-of-this-mailbox",
        "tenantId": "00000000-0000-0000-0000-0000000000aa",
    }
    resp = httpx.post(f"{world.stack.functions_url}/api/notifications", json={"value": [forged]}, timeout=30)
    assert resp.status_code == 202, resp.text
    # (the queue itself may hold genuine notices of earlier cases' moves: what counts is that nothing moves)
    time.sleep(SETTLE_S)
    assert moved_start(world, target) is None
    assert world.moves() == moves_before
    assert LOCAL_NOTIFICATION_SECRET not in resp.text
