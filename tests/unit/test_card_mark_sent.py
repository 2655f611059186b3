"""``card_records.mark_sent``: a prep card's two writes (its ``cards`` row marked sent, its row in the recipient's
agenda partition) go in one ``write_at_once``, and each means what it meant alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from shared.ports.storage import Record, StaleWrite, StoreError, Write
from shared.services.agenda_store import AGENDAS
from shared.services.card_records import (
    CARDS,
    CardKind,
    CardRecord,
    CardStatus,
    agenda_row,
    card_id,
    find_card,
    insert_card,
    mark_sent,
)
from tests.fakes.storage import InMemoryStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class CountingStore(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.at_once: list[list[tuple[str, str, str]]] = []

    def write_at_once(self, writes: Sequence[Write]) -> list[Record | StoreError]:
        self.at_once.append([(w.table, w.partition, w.op.kind) for w in writes])
        return super().write_at_once(writes)


def pending(store: InMemoryStore, kind: CardKind) -> CardRecord:
    cid = card_id("occ-1", kind)
    data = {"managerId": "grace", "start": "2026-03-05T10:00:00+00:00", "cardId": cid}
    return insert_card(store, CardRecord(cid, kind, "occ-1", "ada", "ada", CardStatus.PENDING, data))


def test_a_prep_card_is_marked_in_both_places_in_one_wait() -> None:
    store = CountingStore()
    card = pending(store, CardKind.PREP)
    sent = mark_sent(store, card, NOW, conversation_id="conv-1")
    assert store.at_once == [[(CARDS, card.card_id, "update"), (AGENDAS, "ada", "insert")]]
    assert sent.status is CardStatus.SENT and sent.record is not None
    assert sent.record.etag == store.get(CARDS, card.card_id, "card").etag  # the row as it is now: updates go on
    in_agenda = store.get(AGENDAS, "ada", agenda_row(card.card_id)).data
    assert in_agenda["status"] == "sent" and in_agenda["conversation_id"] == "conv-1"
    assert in_agenda["sent_at"] == NOW.isoformat()
    found = find_card(store, card.card_id, owner="ada")
    assert found is not None and found.status is CardStatus.SENT


def test_a_retry_keeps_the_agenda_row_it_finds() -> None:
    store = CountingStore()
    card = pending(store, CardKind.PREP)
    store.insert(AGENDAS, "ada", agenda_row(card.card_id), {**dict(card.template_data), "status": "submitted"})
    assert mark_sent(store, card, NOW).status is CardStatus.SENT
    assert store.get(AGENDAS, "ada", agenda_row(card.card_id)).data["status"] == "submitted"


def test_a_changed_cards_row_is_a_stale_write() -> None:
    store = CountingStore()
    card = pending(store, CardKind.PREP)
    assert card.record is not None
    store.update(card.record, {**card.record.data, "claimed_at": NOW.isoformat()})
    with pytest.raises(StaleWrite):
        mark_sent(store, card, NOW)


def test_another_card_is_one_update() -> None:
    store = CountingStore()
    card = pending(store, CardKind.AGENDA)
    assert mark_sent(store, card, NOW).status is CardStatus.SENT
    assert store.at_once == [] and store.query(AGENDAS) == []
