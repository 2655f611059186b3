"""send-card's claim of the card row: insert first (one request for a first attempt), read only when it exists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from shared.ports.storage import AlreadyExists, Record
from shared.services.card_records import CARDS, CardKind, CardStatus, card_id, card_row
from shared.services.send_cards import SendCard, SendResult, claim_card_row
from tests.fakes.storage import InMemoryStore
from tests.unit.test_send_cards import MESSAGE, ScriptedMessenger, run

pytestmark = pytest.mark.unit


class CountingStore(InMemoryStore):
    """Counts the ``cards`` table's reads and inserts."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def find(self, table: str, partition: str, row: str) -> Record | None:
        self.calls += [f"find {table}"] if table == CARDS else []
        return super().find(table, partition, row)

    def insert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        self.calls += [f"insert {table}"] if table == CARDS else []
        return super().insert(table, partition, row, data)


class GoneAfterConflict(InMemoryStore):
    """The card row existed when the claim inserted (409) and was deleted (retention) before the claim read it."""

    def __init__(self) -> None:
        super().__init__()
        self.conflicts = 1

    def insert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        if table == CARDS and self.conflicts:
            self.conflicts -= 1
            raise AlreadyExists(f"{table}/{partition}/{row}")
        return super().insert(table, partition, row, data)


async def test_a_first_attempt_writes_the_pending_row_in_one_request() -> None:
    store = CountingStore()
    assert await run(store, ScriptedMessenger()) is SendResult.SENT
    assert store.calls == [f"insert {CARDS}"]


async def test_a_retry_is_refused_the_insert_and_reads_the_row_it_wrote_before() -> None:
    store = CountingStore()
    await run(store, ScriptedMessenger())
    store.calls.clear()
    retry = ScriptedMessenger()
    assert await run(store, retry) is SendResult.ALREADY_SENT
    assert store.calls == [f"insert {CARDS}", f"find {CARDS}"] and retry.sent == []
    row = card_row(store, card_id("occ-1", CardKind.PREP))
    assert row is not None and row.status is CardStatus.SENT  # the refused insert changed nothing


def test_a_row_deleted_between_the_conflict_and_the_read_is_written_again() -> None:
    store = GoneAfterConflict()
    claimed = claim_card_row(store, SendCard(kind=MESSAGE.kind, occurrence_id="occ-1", recipient_id="ada-oid"))
    assert claimed.status is CardStatus.PENDING and claimed.recipient_id == "ada-oid"
    assert card_row(store, claimed.card_id) is not None
