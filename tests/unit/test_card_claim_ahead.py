"""A conversation's card claims its ``cards`` row in the same wait as its reads (``read_ahead``'s writes), and gives
the row back when the card cannot be built: nothing was sent, so nothing stays written."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace

import pytest

from shared.ports.storage import EntityKey, PartitionRead, Record, StoreError, Write
from shared.services.card_delivery import Undeliverable, deliver_card
from shared.services.card_records import CARDS, ROW, CardKind, CardStatus, card_id, card_row
from tests.fakes.storage import InMemoryStore
from tests.unit.test_card_actions_followups import START, RecordingMessenger, deps, seed_pair


class WatchedStore(InMemoryStore):
    """Notes each block's writes and every insert made on its own (not as one of several writes at once)."""

    def __init__(self) -> None:
        super().__init__()
        self.block_writes: list[list[tuple[str, str, str]]] = []
        self.inserts: list[str] = []
        self._at_once = False

    def write_at_once(self, writes: Sequence[Write]) -> list[Record | StoreError]:
        self._at_once = True
        try:
            return super().write_at_once(writes)
        finally:
            self._at_once = False

    def read_ahead(
        self, keys: Sequence[EntityKey], partitions: Sequence[PartitionRead] = (), writes: Sequence[Write] = ()
    ) -> AbstractContextManager[list[Record | StoreError]]:
        self.block_writes.append([(w.table, w.op.kind, w.op.row) for w in writes])
        return super().read_ahead(keys, partitions, writes)

    def insert(self, table: str, partition: str, row: str, data: object) -> Record:  # type: ignore[override]
        if not self._at_once:
            self.inserts.append(table)
        return super().insert(table, partition, row, data)  # type: ignore[arg-type]


def message(kind: str = "prep", occurrence: str = "occ-claim", manager: str = "grace") -> dict[str, object]:
    return {"kind": kind, "occurrence_id": occurrence, "recipient_id": "ada", "employee_id": "ada",
            "template_data": {"managerId": manager, "start": START}}  # fmt: skip


async def test_the_cards_row_is_claimed_with_the_reads_and_not_again() -> None:
    store = WatchedStore()
    seed_pair(store, "grace", "ada")
    messenger = RecordingMessenger()
    assert str(await deliver_card(deps(store, messenger), message())) == "sent"
    assert store.block_writes == [[(CARDS, "insert", ROW)]]
    assert CARDS not in store.inserts  # the block's insert was the claim: no second one after it
    row = card_row(store, card_id("occ-claim", CardKind.PREP))
    assert row is not None and row.status is CardStatus.SENT and len(messenger.cards) == 1


async def test_a_second_delivery_finds_the_card_sent_and_sends_nothing() -> None:
    store = WatchedStore()
    seed_pair(store, "grace", "ada")
    messenger = RecordingMessenger()
    await deliver_card(deps(store, messenger), message())
    assert str(await deliver_card(deps(store, messenger), message())) == "already_sent"
    assert len(messenger.cards) == 1


async def test_a_card_that_cannot_be_built_gives_its_claim_back() -> None:
    store = WatchedStore()
    seed_pair(store, "grace", "ada")
    with pytest.raises(Undeliverable):
        await deliver_card(deps(store, RecordingMessenger()), message(manager="nobody"))
    assert store.block_writes == [[(CARDS, "insert", ROW)]] and store.query(CARDS) == []


async def test_a_claim_another_attempt_holds_is_left_as_it_is() -> None:
    """An earlier attempt's pending row: this attempt's insert is refused, and its failure deletes nothing."""
    store = WatchedStore()
    seed_pair(store, "grace", "ada")
    cid = card_id("occ-held", CardKind.PREP)
    store.insert(CARDS, cid, ROW, {"kind": "prep", "occurrence_id": "occ-held", "recipient_id": "ada",
                                   "employee_id": "ada", "status": "pending", "template_data": "{}"})  # fmt: skip
    with pytest.raises(Undeliverable):
        await deliver_card(deps(store, RecordingMessenger()), message(occurrence="occ-held", manager="nobody"))
    held = card_row(store, cid)
    assert held is not None and held.status is CardStatus.PENDING


async def test_a_card_without_reads_claims_on_its_own() -> None:
    """A card kind that reads nothing ahead (a plain card) has no block to claim in: it claims before it sends."""
    store = WatchedStore()
    seed_pair(store, "grace", "ada")
    body = {"kind": "prep", "occurrence_id": "occ-plain", "recipient_id": "ada", "employee_id": "ada"}
    card_deps = replace(deps(store, RecordingMessenger()))
    with pytest.raises(Undeliverable):  # no manager: the conversation is unknown
        await deliver_card(card_deps, body)
    assert store.block_writes == [[]] and store.query(CARDS) == []


async def test_a_row_another_attempt_changed_since_the_claim_is_not_given_back() -> None:
    """Only the row as this attempt wrote it goes: another attempt that took it over meanwhile keeps it."""
    store = WatchedStore()
    seed_pair(store, "grace", "ada")
    cid = card_id("occ-taken", CardKind.PREP)

    def taken_over_then_fails(kind: CardKind, data: dict[str, object], language: str) -> dict[str, object]:
        row = store.get(CARDS, cid, ROW)
        store.update(row, {**row.data, "status": "sent"})  # another attempt sent it meanwhile
        raise ValueError("the card is over its budget")

    with pytest.raises(ValueError):
        await deliver_card(replace(deps(store, RecordingMessenger()), render=taken_over_then_fails),
                           message(occurrence="occ-taken"))  # fmt: skip
    kept = card_row(store, cid)
    assert kept is not None and kept.status is CardStatus.SENT
