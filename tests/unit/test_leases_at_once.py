"""``acquire_leases`` and ``release_leases``: the leases of several pairs taken and freed with their writes sent at
once, each with the outcome ``acquire_lease`` and ``release_lease`` give it alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from shared.ports.storage import Record, StoreError, Write
from shared.services.scheduling_records import (
    LEASES,
    acquire_lease,
    acquire_leases,
    release_lease,
    release_leases,
)
from tests.fakes.storage import InMemoryStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TTL = timedelta(minutes=5)
STATES = ("missing", "free", "mine", "theirs-live", "theirs-expired")


class AtOnceStore(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.waits: list[int] = []

    def write_at_once(self, writes: Sequence[Write]) -> list[Record | StoreError]:
        self.waits.append(len(writes))
        return super().write_at_once(writes)


def seeded(store: InMemoryStore, states: dict[str, str]) -> None:
    for key, state in states.items():
        live, expired = (NOW + TTL).isoformat(), (NOW - TTL).isoformat()
        rows = {"free": ("", ""), "mine": ("w1", live), "theirs-live": ("w2", live), "theirs-expired": ("w2", expired)}
        if state in rows:
            holder, expires = rows[state]
            store.insert(LEASES, "pair", key, {"holder": holder, "expires": expires})


def holders(store: InMemoryStore) -> dict[str, object]:
    return {r.row: r.data.get("holder") for r in store.query(LEASES)}


@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), st.sampled_from(STATES), min_size=1))
def test_taking_leases_at_once_is_taking_each_alone(states: dict[str, str]) -> None:
    together, alone = AtOnceStore(), InMemoryStore()
    seeded(together, states)
    seeded(alone, states)
    taken = acquire_leases(together, list(states), "w1", NOW, TTL)
    each = {key: acquire_lease(alone, key, "w1", NOW, TTL) for key in states}
    assert {k: v is None for k, v in taken.items()} == {k: v is None for k, v in each.items()}
    assert holders(together) == holders(alone)
    assert together.waits == [len([s for s in states.values() if s != "theirs-live"])]
    release_leases(together, [lease for lease in taken.values() if lease is not None])
    for lease in each.values():
        if lease is not None:
            release_lease(alone, lease)
    assert holders(together) == holders(alone)
    assert len(together.waits) == 2  # freed at once too, by the ETags they were taken with


def test_a_lease_another_worker_took_meanwhile_is_lost_not_raised() -> None:
    store = InMemoryStore()
    taken = acquire_leases(store, ["a"], "w1", NOW, TTL)
    assert taken["a"] is not None
    store.update(store.get(LEASES, "pair", "a"), {"holder": "", "expires": ""})  # released, then...
    again = store.get(LEASES, "pair", "a")
    store.update(again, {"holder": "w2", "expires": (NOW + TTL).isoformat()})  # ...taken by another worker
    release_leases(store, [lease for lease in taken.values() if lease is not None])
    assert store.get(LEASES, "pair", "a").data["holder"] == "w2"  # not freed: it is theirs now


class RacedStore(InMemoryStore):
    """Another worker takes lease "a" after it was read and before this worker's writes land."""

    def write_at_once(self, writes: Sequence[Write]) -> list[Record | StoreError]:
        found = self.find(LEASES, "pair", "a")
        live = {"holder": "w2", "expires": (NOW + TTL).isoformat()}
        if found is None:
            self.insert(LEASES, "pair", "a", live)
        else:
            self.update(found, live)
        return super().write_at_once(writes)


def test_a_lease_another_worker_took_between_read_and_write_is_lost_not_raised() -> None:
    for states in ({"a": "missing", "b": "missing"}, {"a": "theirs-expired", "b": "free"}):
        store = RacedStore()
        seeded(store, states)
        taken = acquire_leases(store, ["a", "b"], "w1", NOW, TTL)
        assert taken["a"] is None and taken["b"] is not None
        assert holders(store) == {"a": "w2", "b": "w1"}
