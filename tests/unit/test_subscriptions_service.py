"""The subscriptions pass and the lifecycle operations, on the in-memory Store and FakeSubscriptions."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.notifications import CHANGE_TYPES, SUBSCRIPTIONS_TABLE, client_state_for
from shared.domain.subscriptions import DEFAULT_LIFETIME, PER_MAILBOX_LIMIT
from shared.ports.subscriptions import Subscription, SubscriptionSpec
from shared.services.scheduling_records import SERIES
from shared.services.subscriptions import (
    SubscriptionDeps,
    ensure_subscriptions,
    recreate_subscription,
    renew_subscription,
    watched_user,
)
from shared.services.subscriptions_records import MAILBOX_ROW, find_mailbox, subscription_of
from tests.fakes.storage import InMemoryStore
from tests.fakes.subscriptions import FakeSubscriptions

pytestmark = pytest.mark.unit

T0 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
HALF = DEFAULT_LIFETIME / 2
SECRET = b"k" * 32
NOTIFY = "https://wegrow.example/api/notifications"


@dataclass
class World:
    store: InMemoryStore
    graph: FakeSubscriptions
    deps: SubscriptionDeps
    now: datetime = T0

    def at(self, now: datetime) -> World:
        self.now = now
        return self

    async def run(self) -> dict[str, object]:
        return (await ensure_subscriptions(self.deps, self.now)).as_json()

    def series(self, manager: str, report: str, state: str = "active") -> None:
        self.store.upsert(SERIES, manager, report, {"state": state})

    def sub(self, user: str) -> str:
        return subscription_of(find_mailbox(self.store, user))

    def row(self, user: str) -> dict[str, object]:
        found = find_mailbox(self.store, user)
        assert found is not None
        return dict(found.data)


@pytest.fixture
def world() -> World:
    store = InMemoryStore()
    holder: list[World] = []
    graph = FakeSubscriptions({"m1", "r1", "r2", "m2", "r3"}, now=lambda: holder[0].now)
    deps = SubscriptionDeps(graph, store, NOTIFY, NOTIFY + "/lifecycle", SECRET)
    holder.append(World(store, graph, deps))
    holder[0].series("m1", "r1")
    holder[0].series("m1", "r2")
    return holder[0]


async def test_every_manager_and_report_of_an_active_series_gets_one_subscription(world: World) -> None:
    world.series("m2", "r3", state="no-slot")  # not active: polled only
    summary = await world.run()
    assert summary["created"] == 3 and summary["mailboxes"] == 3
    assert {s.spec.user_id for s in world.graph.subscriptions.values()} == {"m1", "r1", "r2"}
    stored = world.graph.subscriptions[world.sub("r1")]
    assert stored.spec == SubscriptionSpec(
        "r1", CHANGE_TYPES, NOTIFY, NOTIFY + "/lifecycle", client_state_for(SECRET, "r1"), T0 + DEFAULT_LIFETIME
    )
    assert world.row("r1")["state"] == "ok" and world.row("r1")["expires"] == (T0 + DEFAULT_LIFETIME).isoformat()
    assert watched_user(world.store, world.sub("m1")) == "m1"
    assert watched_user(world.store, "someone-elses") is None


async def test_a_rerun_changes_nothing(world: World) -> None:
    await world.run()
    calls = len(world.graph.calls)
    summary = await world.at(T0 + HALF - timedelta(minutes=1)).run()
    assert summary["kept"] == 3 and summary["created"] == summary["renewed"] == 0
    assert len(world.graph.calls) == calls


async def test_renewed_once_less_than_half_the_lifetime_is_left(world: World) -> None:
    await world.run()
    first = world.sub("m1")
    later = T0 + HALF + timedelta(minutes=1)
    summary = await world.at(later).run()
    assert summary["renewed"] == 3
    assert world.sub("m1") == first and world.graph.subscriptions[first].expires == later + DEFAULT_LIFETIME
    assert world.row("m1")["expires"] == (later + DEFAULT_LIFETIME).isoformat()


async def test_a_subscription_graph_removed_is_recreated_at_renewal(world: World) -> None:
    await world.run()
    gone = world.sub("r2")
    world.graph.remove(gone)
    summary = await world.at(T0 + HALF + timedelta(hours=1)).run()
    assert summary["recreated"] == 1 and summary["renewed"] == 2
    assert world.sub("r2") != gone and world.graph.live_for("r2") == [world.sub("r2")]
    assert watched_user(world.store, gone) is None and watched_user(world.store, world.sub("r2")) == "r2"


async def test_an_expired_subscription_is_created_again(world: World) -> None:
    await world.run()
    summary = await world.at(T0 + DEFAULT_LIFETIME + timedelta(hours=1)).run()
    assert summary["recreated"] == 3 and world.graph.operations("renew") == 0


async def test_a_full_mailbox_is_refused_and_asked_again_only_after_a_day(world: World) -> None:
    world.graph.others["r1"] = PER_MAILBOX_LIMIT
    summary = await world.run()
    assert summary["refused_by_reason"] == {"limit": 1} and summary["created"] == 2
    assert world.row("r1")["state"] == "refused" and world.row("r1")["reason"] == "limit"
    assert world.row("r1")["refused_at"] == T0.isoformat()
    creates = world.graph.operations("create")
    assert (await world.at(T0 + timedelta(hours=23)).run())["skipped"] == 1
    assert world.graph.operations("create") == creates  # not asked again within the day
    world.graph.others["r1"] = PER_MAILBOX_LIMIT - 1
    assert (await world.at(T0 + timedelta(days=1)).run())["created"] == 1
    assert world.row("r1")["state"] == "ok" and world.row("r1")["reason"] == ""


@pytest.mark.parametrize(("setup", "reason"), [("scope", "out-of-scope"), ("mailbox", "no-mailbox")])
async def test_refused_mailboxes_fall_back_to_polling(world: World, setup: str, reason: str) -> None:
    if setup == "scope":
        world.graph.out_of_scope.add("m1")
    else:
        world.graph.mailboxes.discard("m1")
    summary = await world.run()
    assert summary["refused_by_reason"] == {reason: 1} and summary["failed"] == 0
    assert world.sub("m1") == "" and world.row("m1")["state"] == "refused"


async def test_a_mailbox_leaving_scope_at_renewal_is_refused_and_its_subscription_deleted(world: World) -> None:
    await world.run()
    old = world.sub("m1")
    world.graph.out_of_scope.add("m1")
    summary = await world.at(T0 + HALF + timedelta(hours=1)).run()
    assert summary["refused_by_reason"] == {"out-of-scope": 1}
    assert old not in world.graph.subscriptions and watched_user(world.store, old) is None


async def test_a_notification_url_failing_validation_stops_the_pass_creating(world: World) -> None:
    world.graph.unreachable.add(NOTIFY)
    summary = await world.run()
    assert summary["refused_by_reason"] == {"validation": 1} and summary["skipped"] == 2
    assert world.graph.operations("create") <= world.deps.concurrency  # only those already in flight


async def test_mailboxes_without_a_series_any_more_are_unsubscribed(world: World) -> None:
    await world.run()
    r2 = world.sub("r2")
    world.series("m1", "r2", state="cancelled")  # the pair ended
    summary = await world.run()
    assert summary["removed"] == 1 and summary["kept"] == 2
    assert r2 not in world.graph.subscriptions and find_mailbox(world.store, "r2") is None
    assert watched_user(world.store, r2) is None


async def test_with_notifications_off_every_stored_subscription_is_removed(world: World) -> None:
    await world.run()
    world.deps = replace(world.deps, notification_url="", lifecycle_url="", secret=b"")
    summary = await world.run()
    assert summary["removed"] == 3 and summary["mailboxes"] == 0
    assert world.graph.subscriptions == {} and world.store.query(SUBSCRIPTIONS_TABLE) == []


async def test_a_failed_call_is_recorded_and_retried_next_pass(world: World) -> None:
    world.graph.failures.append(TimeoutError("graph"))
    summary = await world.run()
    assert summary["failed"] == 1 and summary["created"] == 2
    failed = next(u for u in ("m1", "r1", "r2") if world.sub(u) == "")
    assert world.row(failed)["state"] == "failed" and world.row(failed)["last_error"] == "TimeoutError"
    assert (await world.run())["created"] == 1


async def test_graph_calls_in_flight_are_bounded(world: World) -> None:
    for n in range(40):
        world.series("m1", f"x{n}")
        world.graph.mailboxes.add(f"x{n}")
    busy, peak = 0, 0
    create = world.graph.create

    async def slow_create(spec: SubscriptionSpec) -> Subscription:
        nonlocal busy, peak
        busy += 1
        peak = max(peak, busy)
        await asyncio.sleep(0.001)
        busy -= 1
        return await create(spec)

    world.graph.create = slow_create  # type: ignore[method-assign]
    assert (await world.run())["created"] == 43
    assert 1 < peak <= world.deps.concurrency


async def test_renew_subscription_renews_recreates_or_says_why_not(world: World) -> None:
    await world.run()
    later = world.at(T0 + timedelta(hours=30)).now
    m1 = world.sub("m1")
    assert await renew_subscription(world.deps, m1, later) == "renewed"
    assert world.graph.subscriptions[m1].expires == later + DEFAULT_LIFETIME
    world.graph.remove(m1)
    assert await renew_subscription(world.deps, m1, later) == "recreated"
    assert world.graph.live_for("m1") == [world.sub("m1")] and world.sub("m1") != m1
    assert await renew_subscription(world.deps, "not-ours", later) == "unknown"


async def test_renewing_a_replaced_subscription_deletes_it(world: World) -> None:
    await world.run()
    old = world.sub("r1")
    assert await recreate_subscription(world.deps, "r1", T0) == "recreated"
    world.store.upsert(SUBSCRIPTIONS_TABLE, "by-id", old, {"user_id": "r1"})  # a leftover index row
    assert await renew_subscription(world.deps, old, T0) == "stale"
    assert watched_user(world.store, old) is None


async def test_recreate_never_leaves_two_subscriptions(world: World) -> None:
    await world.run()
    assert await recreate_subscription(world.deps, "r1", T0) == "recreated"
    assert await recreate_subscription(world.deps, "r1", T0) == "recreated"
    assert len(world.graph.live_for("r1")) == 1
    assert await recreate_subscription(world.deps, "stranger", T0) == "unknown"


async def test_recreate_respects_a_recent_refusal(world: World) -> None:
    world.graph.out_of_scope.add("m1")
    await world.run()
    assert await recreate_subscription(world.deps, "m1", T0 + timedelta(hours=1)) == "skipped"
    assert world.graph.operations("create") == 3


async def test_losing_a_race_for_the_row_deletes_the_subscription_just_made(world: World) -> None:
    create = world.graph.create

    async def create_while_someone_else_writes(spec: SubscriptionSpec) -> Subscription:
        made = await create(spec)
        world.store.upsert(SUBSCRIPTIONS_TABLE, spec.user_id, MAILBOX_ROW, {"subscription_id": "theirs"})
        return made

    world.graph.create = create_while_someone_else_writes  # type: ignore[method-assign]
    summary = await world.run()
    assert summary["skipped"] == 3 and world.graph.subscriptions == {}
    assert world.sub("m1") == "theirs"


async def test_the_summary_json_names_every_count(world: World) -> None:
    summary = await world.run()
    assert set(summary) == {
        "mailboxes", "created", "renewed", "recreated", "removed", "kept", "skipped", "failed", "refused",
        "refused_by_reason",
    }  # fmt: skip


async def test_a_refused_renewal_is_recorded_even_when_deleting_the_old_subscription_fails(world: World) -> None:
    await world.run()
    world.graph.out_of_scope.add("m1")

    async def broken_delete(subscription_id: str) -> None:
        raise TimeoutError("delete")

    world.graph.delete = broken_delete  # type: ignore[method-assign]
    summary = await world.at(T0 + HALF + timedelta(hours=1)).run()
    assert summary["refused_by_reason"] == {"out-of-scope": 1} and summary["failed"] == 0
    assert world.row("m1")["state"] == "refused" and world.sub("m1") == ""
