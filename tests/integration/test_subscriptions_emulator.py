"""The subscriptions pass against the Graph emulator: real handshakes on a loopback receiver, a mailbox outside the
access policy, a re-run that changes nothing, a subscription Graph removed, and the removal of an ended pair."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.services.scheduling_records import SERIES
from shared.services.subscriptions import SubscriptionDeps, ensure_subscriptions, watched_user
from shared.services.subscriptions_records import find_mailbox, subscription_of
from tests.contract.test_graph_adapter_support import pairs
from tests.contract.test_subscriptions_contract import graph_subscriptions, receiver
from tests.fakes.storage import InMemoryStore
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.integration


def live(graph: GraphEmulator) -> dict[str, str]:
    """Subscription id -> watched mailbox, for WeGrow's (not other apps') live subscriptions."""
    return {s["id"]: s["mailbox"] for s in graph._call("GET", "subscriptions")["subscriptions"] if not s["foreign"]}


async def test_a_pass_subscribes_every_series_mailbox_and_converges(graph: GraphEmulator) -> None:
    usable = pairs(graph.tenant())
    m1, r1 = usable[0][0]["id"], usable[0][1]["id"]
    m2, r2 = next((m["id"], r["id"]) for m, r in usable if m["id"] not in {m1, r1} and r["id"] not in {m1, r1})
    store = InMemoryStore()
    store.upsert(SERIES, m1, r1, {"state": "active"})
    store.upsert(SERIES, m2, r2, {"state": "active"})
    graph._call("POST", "access-policy", {"denied": [r2]})
    async with receiver() as base, graph_subscriptions(graph.base_url) as adapter:
        # a 2-hour lifetime, so that "half of it later" is a time Graph (real time) still accepts
        deps = SubscriptionDeps(adapter, store, f"{base}/ok", f"{base}/ok/lifecycle", b"s" * 32, timedelta(hours=2))
        now = datetime.now(UTC)
        first = await ensure_subscriptions(deps, now)
        assert first.created == 3 and first.refused_by_reason == {"out-of-scope": 1}
        assert sorted(live(graph).values()) == sorted([m1, r1, m2])
        assert all(watched_user(store, sid) == user for sid, user in live(graph).items())

        assert (await ensure_subscriptions(deps, now)).kept == 3  # nothing to do

        removed = subscription_of(find_mailbox(store, r1))
        graph._call("POST", f"subscriptions/{removed}/expire", {})
        store.upsert(SERIES, m2, r2, {"state": "cancelled"})  # the second pair ended
        later = await ensure_subscriptions(deps, now + timedelta(minutes=61))
        assert (later.recreated, later.renewed, later.removed) == (1, 1, 1)
        assert sorted(live(graph).values()) == sorted([m1, r1])
        assert removed not in live(graph) and watched_user(store, removed) is None
